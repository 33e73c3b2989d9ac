// Bulk status updates from an advertiser: up to 1,000 items as JSON or CSV, one result per item.

import { parse as parseCsv } from 'csv-parse/sync';
import { z } from 'zod';
import type { AuthenticatedClient } from '../campaigns/api-clients.js';
import { errorForLog } from '../error-for-log.js';
import { AppError, asAppError } from '../errors.js';
import {
  type AdvertiserUpdateDeps,
  type StatusRequest,
  statusRequestSchema,
  updateOrderStatus,
} from './advertiser-update.js';

export const maxBulkItems = 1000;

/** The bulk body as the API documents it; `readBulkItems` reads it (and CSV text with the same columns). */
export const bulkStatusRequestSchema = z.union([
  z.object({
    items: z
      .array(statusRequestSchema.extend({ order_id: z.union([z.string(), z.number()]) }))
      .min(1)
      .max(maxBulkItems),
  }),
  z.string().describe('CSV (text/csv) with the header row order_id,status,comment'),
]);

export interface BulkItemResult {
  index: number;
  order_id: string | null;
  ok: boolean;
  http_status: number;
  state?: 'applied' | 'queued';
  status?: string;
  status_id?: string;
  error?: { code: string; message: string; fields?: Record<string, string> };
}

/** Reads items from `{items: [...]}` / a bare array (JSON) or CSV text with a header row `order_id,status,comment`. */
export function readBulkItems(body: unknown): StatusRequest[] {
  let rows: unknown[];
  if (typeof body === 'string') {
    try {
      rows = parseCsv(body, {
        columns: (header: string[]) => header.map((name) => name.trim().toLowerCase()),
        skip_empty_lines: true,
        trim: true,
      });
    } catch (error) {
      throw new AppError('BODY_INVALID', `CSV could not be read: ${(error as Error).message}`);
    }
  } else if (Array.isArray(body)) {
    rows = body;
  } else if (body && typeof body === 'object' && Array.isArray((body as { items?: unknown }).items)) {
    rows = (body as { items: unknown[] }).items;
  } else {
    throw new AppError('VALIDATION_FAILED', undefined, {
      fields: { items: 'send {items: [{order_id, status, comment}]} or a CSV' },
    });
  }
  if (rows.length === 0)
    throw new AppError('VALIDATION_FAILED', undefined, { fields: { items: 'is empty' } });
  if (rows.length > maxBulkItems) {
    throw new AppError('VALIDATION_FAILED', undefined, {
      fields: { items: `at most ${maxBulkItems} items per request` },
    });
  }
  return rows.map((row) => {
    const item = (row && typeof row === 'object' ? row : {}) as Record<string, unknown>;
    const orderId = item.order_id ?? item.orderId;
    return {
      orderId: typeof orderId === 'string' || typeof orderId === 'number' ? String(orderId) : '',
      status: item.status,
      comment: item.comment === '' ? undefined : item.comment,
    };
  });
}

/** Runs each item as a single update would (each audited), four at a time, and reports per item. */
export async function updateOrderStatuses(
  deps: AdvertiserUpdateDeps,
  advertiser: AuthenticatedClient,
  items: StatusRequest[],
  requestId: string,
): Promise<BulkItemResult[]> {
  const results: BulkItemResult[] = new Array(items.length);
  let next = 0;
  const worker = async () => {
    while (next < items.length) {
      const index = next++;
      const item = items[index] as StatusRequest;
      try {
        if (!item.orderId)
          throw new AppError('VALIDATION_FAILED', undefined, { fields: { order_id: 'is required' } });
        const answer = await updateOrderStatus(deps, advertiser, item, requestId);
        results[index] = {
          index,
          order_id: item.orderId,
          ok: true,
          http_status: answer.state === 'applied' ? 200 : 202,
          state: answer.state,
          status: answer.status,
          status_id: answer.status_id,
        };
      } catch (error) {
        const appError = asAppError(error);
        if (appError.code === 'INTERNAL')
          deps.logger.error({ err: errorForLog(error), orderId: item.orderId }, 'bulk status item failed');
        results[index] = {
          index,
          order_id: item.orderId || null,
          ok: false,
          http_status: appError.status,
          error: {
            code: appError.code,
            message: appError.message,
            ...(appError.extra.fields ? { fields: appError.extra.fields } : {}),
          },
        };
      }
    }
  };
  await Promise.all(Array.from({ length: 4 }, worker));
  return results;
}
