// The embedded PostgreSQL server's settings: sized for one small server running LeadBridge and nothing else.

/**
 * Passed as `-c name=value` at every start (not written to postgresql.conf, so a new release's values
 * apply to an existing data directory). The figures behind them are in bench/README.md.
 */
export const embeddedServerSettings: Readonly<Record<string, string>> = {
  // Unix socket only: no TCP port is opened, so nothing can clash with another server on this machine.
  listen_addresses: '',
  // LeadBridge's pool holds 10 connections; the rest is for the listener, probes and CLI commands.
  max_connections: '30',
  // The operating system's page cache holds the rest of the working set (not counted as this process's).
  shared_buffers: '32MB',
  work_mem: '4MB',
  maintenance_work_mem: '16MB',
  // Committing transactions wait for the WAL writes; 4 MB (PostgreSQL's own choice for 128 MB of buffers)
  // lets a busy second's WAL build up without backends writing it out themselves.
  wal_buffers: '4MB',
  huge_pages: 'off',
  // LeadBridge's statements touch few rows each: parallel workers would only cost memory.
  max_worker_processes: '2',
  max_parallel_workers: '0',
  max_parallel_workers_per_gather: '0',
  // No replicas: the WAL carries only what crash recovery needs.
  wal_level: 'minimal',
  max_wal_senders: '0',
  // No logical replication either: one background process fewer.
  max_logical_replication_workers: '0',
  // PostgreSQL's defaults (disk, not memory): under the bench's load 256 MB meant a checkpoint every
  // half minute, and after each one every page's first change is written whole to the WAL.
  max_wal_size: '1GB',
  min_wal_size: '80MB',
  // Autovacuum keeps updated leads' and jobs' dead rows in check; one worker is enough for one database.
  autovacuum: 'on',
  autovacuum_max_workers: '1',
  // Gentler than the default 2 ms: vacuuming the insert-only audit log under load dirties every page it
  // passes, and the WAL that writes competes with commits for the disk (bench/README.md).
  autovacuum_vacuum_cost_delay: '10ms',
  // The server's log goes to a file LeadBridge opens in DATA_DIR (stderr), not a collector process.
  logging_collector: 'off',
  log_line_prefix: '%m [%p] ',
};

/** Settings that exist only from a major version on. */
export function settingsForMajor(major: number): Record<string, string> {
  // PostgreSQL 18's asynchronous I/O workers are three more processes; synchronous I/O suits a small disk load.
  return major >= 18 ? { io_method: 'sync' } : {};
}
