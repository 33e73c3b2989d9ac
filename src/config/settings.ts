// Typed settings read once from the environment; every bad value is reported together at boot.
import { z } from 'zod';

const flag = z
  .enum(['0', '1', 'true', 'false', ''])
  .optional()
  .transform((value) => value === '1' || value === 'true');

const settingsSchema = z.object({
  PORT: z.coerce.number().int().min(0).max(65535).default(8080),
  HOST: z.string().min(1).default('0.0.0.0'),
  DATA_DIR: z.string().min(1).default('./data'),
  DATABASE_URL: z
    .string()
    .regex(/^postgres(ql)?:\/\//, 'must be a postgres:// or postgresql:// URL')
    .optional(),
  /** Named prepared statements on PostgreSQL (default on); `0` for poolers that cannot keep them. */
  DATABASE_PREPARED_STATEMENTS: z
    .enum(['0', '1', 'true', 'false', ''])
    .optional()
    .transform((value) => value !== '0' && value !== 'false'),
  /** The longest a request waits for the database before it is answered 503 DATABASE_UNAVAILABLE. */
  DATABASE_UNAVAILABLE_WAIT_MS: z.coerce.number().int().min(100).default(5_000),
  LEADBRIDGE_ADMIN_TOKEN: z.string().min(16, 'must be at least 16 characters').optional(),
  LEADBRIDGE_SECRET_KEY: z
    .string()
    .regex(/^[0-9a-fA-F]{64}$/, 'must be 64 hex characters (32 bytes)')
    .optional(),
  PUBLIC_BASE_URL: z.url('must be an absolute URL').optional(),
  LEADBRIDGE_ALLOW_PRIVATE_TARGETS: flag,
  /** When set, `GET /metrics` requires `Authorization: Bearer <METRICS_TOKEN>`. */
  METRICS_TOKEN: z.string().min(16, 'must be at least 16 characters').optional(),
  BODY_LIMIT_BYTES: z.coerce
    .number()
    .int()
    .min(1024)
    .default(64 * 1024),
  SALESRENDER_TIMEOUT_MS: z.coerce.number().int().min(100).default(15_000),
  POSTBACK_TIMEOUT_MS: z.coerce.number().int().min(100).default(10_000),
  /** Tries before a tracker's 4xx (but 408, 425, 429) fails a postback for good. */
  POSTBACK_4XX_ATTEMPTS: z.coerce.number().int().min(1).default(3),
  WORKER_POLL_MS: z.coerce.number().int().min(10).default(1_000),
  JOB_LEASE_MS: z.coerce.number().int().min(500).default(60_000),
  RECONCILE_INTERVAL_SECONDS: z.coerce.number().int().min(0).default(300),
  /** How often one instance re-introspects each SalesRender company in use and re-checks its campaigns (0: never). */
  SALESRENDER_SCHEMA_CHECK_HOURS: z.coerce.number().min(0).default(6),
  RECONCILE_RATE_PER_SECOND: z.coerce.number().positive().default(2),
  RECONCILE_LOOKBACK_DAYS: z.coerce.number().int().min(1).default(30),
  /** Rejected and trash leads are still re-read this many days after their last status change (0: never). */
  RECONCILE_FINAL_DAYS: z.coerce.number().int().min(0).default(7),
  RATE_LIMIT_PER_MINUTE: z.coerce.number().int().min(0).default(6000),
  LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
});

export type Settings = z.infer<typeof settingsSchema> & { publicBaseUrl: string };

/** Thrown when the environment holds values LeadBridge cannot start with; lists every one. */
export class SettingsError extends Error {
  readonly code = 'CONFIG_INVALID';
  constructor(readonly problems: string[]) {
    super(`Invalid configuration:\n${problems.map((problem) => `  - ${problem}`).join('\n')}`);
  }
}

/**
 * Parses settings from an environment map (defaults to `process.env`).
 * Empty strings count as unset, so `PORT=` in a .env file means "use the default".
 */
export function loadSettings(env: Record<string, string | undefined> = process.env): Settings {
  const cleaned = Object.fromEntries(
    Object.entries(env).filter(([, value]) => value !== undefined && value !== ''),
  );
  const parsed = settingsSchema.safeParse(cleaned);
  if (!parsed.success) {
    throw new SettingsError(parsed.error.issues.map((issue) => `${issue.path.join('.')}: ${issue.message}`));
  }
  const settings = parsed.data;
  const publicBaseUrl = (settings.PUBLIC_BASE_URL ?? `http://localhost:${settings.PORT}`).replace(/\/+$/, '');
  return { ...settings, publicBaseUrl };
}
