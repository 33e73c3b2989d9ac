// What a request handler, job or CLI command needs, opened once (src/open-shared-context.ts) and passed down.
import type { Logger } from 'pino';
import type { AuditWriter } from './audit/audit-writer.js';
import type { ReportBackgroundError } from './background-errors.js';
import type { CompanySchemas } from './campaigns/company-schemas.js';
import type { SchemaWatchDeps } from './campaigns/schema-watch.js';
import type { TokenCipher } from './campaigns/token-cipher.js';
import type { Clock } from './clock.js';
import type { Settings } from './config/settings.js';
import type { Database } from './db/connection.js';
import type { JobWorker } from './db/queue/worker.js';
import type { IdSource } from './ids.js';
import type { InFlightWork } from './in-flight-work.js';
import type { SubmitLeadDeps } from './leads/submit-lead.js';
import type { DeliveryDeps } from './postbacks/deliver-postback.js';
import type { AdvertiserUpdateDeps } from './statuses/advertiser-update.js';
import type { RefreshOrderDeps } from './statuses/refresh-order.js';

/** What every entry point stands on: the service and each CLI command open it the same way. */
export interface SharedContext {
  settings: Settings;
  /** Opened and migrated. */
  database: Database;
  clock: Clock;
  ids: IdSource;
  random: () => number;
  logger: Logger;
  cipher: TokenCipher;
  audit: AuditWriter;
  /** Each SalesRender company's live schema, which CRM inputs are fitted to. */
  schemas: CompanySchemas;
  /** Where errors of work nobody awaits are logged and counted (leadbridge_background_errors_total). */
  reportBackgroundError: ReportBackgroundError;
}

/**
 * The lead pipeline's dependencies. Re-reading an order (webhooks, reconciliation) and an advertiser's
 * update take this same object: each names only the part it uses.
 */
export type LeadPipelineDeps = SubmitLeadDeps & AdvertiserUpdateDeps;

/** The service's context: the shared parts, plus the worker and what the HTTP server and console run. */
export interface AppContext extends SharedContext {
  worker: JobWorker;
  leadDeps: LeadPipelineDeps;
  /** Postback delivery (guarded outbound HTTP): its dispatcher is closed with the service. */
  deliveryDeps: DeliveryDeps;
  /** Handlers doing domain work, awaited at shutdown before the database closes. */
  inFlight: InFlightWork;
}

/** What a SalesRender call with audited exchanges takes (creating, re-reading, reconciling orders). */
export function salesRenderCallDepsOf(context: SharedContext): RefreshOrderDeps {
  return {
    db: context.database.orm,
    clock: context.clock,
    ids: context.ids,
    audit: context.audit,
    cipher: context.cipher,
    random: context.random,
    logger: context.logger,
    reportBackgroundError: context.reportBackgroundError,
    salesrenderTimeoutMs: context.settings.SALESRENDER_TIMEOUT_MS,
    schemas: context.schemas,
  };
}

/** What a campaign check, a connection check and the schema drift watch take. */
export function schemaCheckDepsOf(context: SharedContext): SchemaWatchDeps {
  return {
    db: context.database.orm,
    audit: context.audit,
    logger: context.logger,
    reportBackgroundError: context.reportBackgroundError,
    cipher: context.cipher,
    schemas: context.schemas,
    timeoutMs: context.settings.SALESRENDER_TIMEOUT_MS,
    now: () => context.clock.now(),
  };
}

/**
 * What postback delivery takes, sending through `dispatcher` (the caller closes it). `lookups` (the
 * service's cached campaign reads) is optional: without it campaigns are read from the database.
 */
export function deliveryDepsOf(
  context: SharedContext,
  dispatcher: DeliveryDeps['dispatcher'],
  lookups?: DeliveryDeps['lookups'],
): DeliveryDeps {
  return {
    db: context.database.orm,
    clock: context.clock,
    audit: context.audit,
    cipher: context.cipher,
    random: context.random,
    logger: context.logger,
    allowPrivateTargets: context.settings.LEADBRIDGE_ALLOW_PRIVATE_TARGETS,
    dispatcher,
    timeoutMs: context.settings.POSTBACK_TIMEOUT_MS,
    fourxxAttempts: context.settings.POSTBACK_4XX_ATTEMPTS,
    ...(lookups ? { lookups } : {}),
  };
}
