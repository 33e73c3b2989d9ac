// The create_order job: its kind, its retry schedule, what an attempt needs and what it can end in.

import type { Logger } from 'pino';
import type { AuditWriter } from '../audit/audit-writer.js';
import type { ReportBackgroundError } from '../background-errors.js';
import type { CompanySchemas } from '../campaigns/company-schemas.js';
import type { TokenCipher } from '../campaigns/token-cipher.js';
import type { Clock } from '../clock.js';
import type { Orm } from '../db/connection.js';
import type { RetrySchedule } from '../db/queue/job.js';
import type { IdSource } from '../ids.js';
import type { PartnerPostbackSetup } from '../postbacks/partner-postback-setup.js';
import type { SalesRenderError } from '../salesrender/errors.js';
import type { LeadRow } from './lead-repository.js';

export const createOrderJobKind = 'create_order';

export interface CreateOrderPayload {
  /** The lead's request, so the attempts' audit rows link to it. */
  requestId: string | null;
  /** When a create call's outcome became unknown (set by the lease sweeper too, in SQL). */
  inDoubtSince?: string;
}

declare module '../db/queue/job-payloads.js' {
  interface JobPayloads {
    create_order: CreateOrderPayload;
  }
}

/**
 * Retries while SalesRender is down: quick at first (a blip), then hourly for three days, so an
 * accepted lead outlives a long outage. SalesRender's own client retries 5xx 10 times 10 s apart
 * (salesrender-api.md, Errors); we are gentler and longer.
 */
export const createOrderRetrySchedule: RetrySchedule = {
  delaysMs: [5_000, 15_000, 60_000, 300_000, 900_000, 1_800_000, 3_600_000],
  maxAttempts: 80,
  jitter: 0.1,
};

export interface CreateOrderDeps {
  db: Orm;
  clock: Clock;
  audit: AuditWriter;
  cipher: TokenCipher;
  random: () => number;
  logger: Logger;
  /** Where an error caught and not passed on is logged and counted (an exchange's audit row, ...). */
  reportBackgroundError: ReportBackgroundError;
  salesrenderTimeoutMs: number;
  /** Ids for the postback an order's creation may queue. */
  ids: IdSource;
  /** Each company's live schema, which CRM inputs are fitted to. */
  schemas: CompanySchemas;
  /** Cached reads of a partner's terms on a campaign; without it they are read from the database. */
  lookups?: {
    partnerPostbackSetup(partnerId: string, campaignId: string): Promise<PartnerPostbackSetup>;
    partnerCpaToken(partnerId: string, campaignId: string): Promise<string | null>;
  };
}

export type CreateOrderOutcome =
  | { kind: 'created'; lead: LeadRow }
  | { kind: 'queued'; lead: LeadRow }
  | { kind: 'rejected'; lead: LeadRow; error: SalesRenderError }
  | { kind: 'failed'; lead: LeadRow; error: SalesRenderError };
