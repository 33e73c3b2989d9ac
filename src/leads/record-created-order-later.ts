// When SalesRender made an order but the database could not record it, keeps trying to record it.
import type { Logger } from 'pino';
import type { ReportBackgroundError } from '../background-errors.js';
import type { Clock } from '../clock.js';
import { isDatabaseUnavailable } from '../db/database-availability.js';
import type { OrderCreatedRecord, OrderCreatedWriter } from './record-order-created.js';

const firstDelayMs = 250;
const longestDelayMs = 2_000;

/**
 * The intake's inline attempt created the order, then the database went away before the creation was
 * written. The lead itself is committed (queued, leased to this process), so the buyer is answered 202
 * queued at once; this keeps trying to record the order in the background while the lead's lease lasts.
 * Without it the lease would pass, and the order would be looked up as an in-doubt create (or, for a
 * campaign whose orders carry no reference to the lead, sent a second time). Once the lease has passed,
 * the worker owns the lead and this stops; a write that lands after the sweep records nothing (the
 * statement only records a lead still leased inline). Resolves true when recorded; never rejects.
 */
export async function recordCreatedOrderLater(
  deps: { clock: Clock; logger: Logger; reportBackgroundError: ReportBackgroundError },
  writer: OrderCreatedWriter,
  record: OrderCreatedRecord,
  leaseUntil: Date,
): Promise<boolean> {
  let delayMs = firstDelayMs;
  for (;;) {
    await new Promise((resolve) => setTimeout(resolve, delayMs));
    if (deps.clock.now().getTime() + delayMs >= leaseUntil.getTime()) {
      deps.logger.error(
        { leadId: record.leadId, orderId: record.orderId },
        "an order made while the database was away could not be recorded within the lead's lease; the worker will look it up",
      );
      return false;
    }
    try {
      const recorded = await writer.submit(record);
      deps.logger.info(
        { leadId: record.leadId, orderId: record.orderId, recorded },
        recorded
          ? 'recorded an order made while the database was away'
          : 'an order made while the database was away was already handed to the worker; it looks the order up',
      );
      return recorded;
    } catch (error) {
      if (!isDatabaseUnavailable(error)) {
        deps.reportBackgroundError('order_record_later', error, {
          leadId: record.leadId,
          orderId: record.orderId,
        });
        return false;
      }
      delayMs = Math.min(delayMs * 2, longestDelayMs);
    }
  }
}
