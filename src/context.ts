// Everything a request handler or job needs, built once at start by src/service.ts and passed down.
import type { Logger } from 'pino';
import type { AuditWriter } from './audit/audit-writer.js';
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

export interface AppContext {
  settings: Settings;
  database: Database;
  clock: Clock;
  ids: IdSource;
  random: () => number;
  cipher: TokenCipher;
  audit: AuditWriter;
  logger: Logger;
  worker: JobWorker;
  /** Dependencies of the lead pipeline, assembled from the fields above. */
  leadDeps: SubmitLeadDeps;
  /** Dependencies of postback delivery (guarded outbound HTTP). */
  deliveryDeps: DeliveryDeps;
  refreshDeps: RefreshOrderDeps;
  /** What a campaign check and the schema drift watch need. */
  schemaCheckDeps: SchemaWatchDeps;
  advertiserDeps: AdvertiserUpdateDeps;
  /** Handlers doing domain work, awaited at shutdown before the database closes. */
  inFlight: InFlightWork;
}
