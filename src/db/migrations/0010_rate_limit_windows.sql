-- Per-minute request budgets shared by every instance on this database: one row per limited key (a
-- digest, never the raw API key or address) and aligned minute. Instances claim tokens from a row in
-- batches (src/db/sql/claim-rate-limit-tokens.ts); `used` never passes the limit.
-- Unlogged: after a server crash the rows are gone, which only gives each key a fresh minute, and in
-- exchange a claim's commit does not wait for a WAL flush (the flush stalls in bench/README.md).
-- No index on window_start: the sweep (src/db/sql/sweep-rate-limit-windows.ts) reads the whole table
-- once a minute, and it only holds the keys seen in the last few minutes.
create unlogged table rate_limit_windows (
  key_digest text not null,
  window_start timestamptz not null,
  used integer not null,
  last_grant integer not null,
  primary key (key_digest, window_start)
);
