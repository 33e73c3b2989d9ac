// Starts the embedded database: a PostgreSQL server of LeadBridge's own on DATA_DIR, reached by a Unix socket.
import { type ChildProcess, execFileSync, spawn } from 'node:child_process';
import { createHash } from 'node:crypto';
import { chmod, chown, mkdir, open, readFile, rename, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { setTimeout as pause } from 'node:timers/promises';
import pg from 'pg';
import { exists } from '../file-exists.js';
import { createDatabaseText, findDatabaseText } from '../sql/embedded-database.js';
import { pingText } from '../sql/ping-database.js';
import { lockDataDir } from './data-dir-lock.js';
import { stopLeftoverServer } from './leftover-server.js';
import { findPostgresBinaries, type PostgresBinaries } from './postgres-binaries.js';
import { embeddedServerSettings, settingsForMajor } from './server-settings.js';
import { assertReachableBy, chooseServerUser, type ServerUser } from './server-user.js';

/** What the server's supervisor reports (a pino logger fits). */
export interface EmbeddedServerLog {
  info(detail: Record<string, unknown>, message: string): void;
  error(detail: Record<string, unknown>, message: string): void;
}

export interface EmbeddedServer {
  /** A connection string for the socket (`postgres://leadbridge@/leadbridge?host=<dir>&port=…`). */
  url: string;
  /** The running server's process id (it changes when the server is restarted). */
  readonly pid: number;
  /** Shuts the server down (fast: open transactions roll back) and releases DATA_DIR. */
  stop(): Promise<void>;
}

export const embeddedDatabaseName = 'leadbridge';
const role = 'leadbridge';
/** Names the socket file only (`.s.PGSQL.<port>`): the server opens no TCP port. */
const socketPort = 54329;
/** The longest Unix socket path the kernel takes is 107 bytes (sun_path, 108 with its terminator). */
const maxSocketPath = 107;

export async function startEmbeddedServer(options: {
  dataDir: string;
  /** Settings over the defaults (the test suite's shared server allows more connections). */
  settings?: Record<string, string>;
  log?: EmbeddedServerLog;
}): Promise<EmbeddedServer> {
  const dataDir = resolve(options.dataDir);
  await mkdir(dataDir, { recursive: true });
  const unlock = await lockDataDir(dataDir);
  try {
    const binaries = await findPostgresBinaries();
    const user = chooseServerUser();
    const pgdata = join(dataDir, 'postgres');
    const socketDir = await prepareSocketDir(dataDir, user);
    if (user) {
      // DATA_DIR is LeadBridge's own: the server's user may pass through it (search only: it cannot list
      // it, nor read secret.key, mode 0600). Its parents are the operator's to open (a clear error if not).
      const mode = (await stat(dataDir)).mode;
      if ((mode & 0o001) === 0) await chmod(dataDir, (mode & 0o7777) | 0o001);
      await assertReachableBy(user, pgdata);
    }
    if (!(await exists(join(pgdata, 'PG_VERSION')))) await initialise(binaries, pgdata, user);
    await stopLeftoverServer(pgdata);
    const major = Number((await readFile(join(pgdata, 'PG_VERSION'), 'utf8')).trim());
    const settings = { ...embeddedServerSettings, ...settingsForMajor(major), ...options.settings };
    const logPath = join(dataDir, 'postgres.log');
    const start = async () => {
      const child = await launch({ binaries, pgdata, socketDir, user, settings, logPath });
      try {
        await waitUntilAccepting(child, socketDir, logPath);
      } catch (error) {
        await shutDown(child);
        throw error;
      }
      return child;
    };
    const child = await start();
    try {
      await createDatabaseOnce(socketDir);
    } catch (error) {
      await shutDown(child);
      throw error;
    }
    const supervisor = superviseServer({ first: child, start, logPath, log: options.log });
    return {
      url: `postgres://${role}@localhost/${embeddedDatabaseName}?host=${encodeURIComponent(socketDir)}&port=${socketPort}`,
      get pid() {
        return supervisor.current().pid ?? 0;
      },
      async stop() {
        await supervisor.stop();
        await unlock();
      },
    };
  } catch (error) {
    await unlock();
    throw error;
  }
}

/**
 * A server that exits by itself (killed by the out-of-memory killer, an operator's mistake) is started
 * again, so requests answered 503 meanwhile succeed again without restarting LeadBridge: after 1 s, then
 * doubling to at most 30 s while starts fail.
 */
function superviseServer(options: {
  first: ChildProcess;
  start(): Promise<ChildProcess>;
  logPath: string;
  log?: EmbeddedServerLog;
}) {
  let child = options.first;
  let stopping = false;
  let retryMs = 1_000;
  let restarting: Promise<void> | null = null;
  const restart = async (): Promise<void> => {
    while (!stopping) {
      await pause(retryMs);
      if (stopping) return;
      try {
        child = await options.start();
        retryMs = 1_000;
        options.log?.info({ pid: child.pid }, 'the embedded database was started again');
        watch(child);
        return;
      } catch (error) {
        retryMs = Math.min(retryMs * 2, 30_000);
        options.log?.error({ err: error, retryMs }, 'the embedded database could not be started again');
      }
    }
  };
  const watch = (running: ChildProcess) => {
    running.once('exit', (code, signal) => {
      if (stopping || running !== child) return;
      void tail(options.logPath).then((log) => {
        options.log?.error(
          { code, signal, log },
          'the embedded database stopped unexpectedly: starting it again',
        );
        restarting = restart();
      });
    });
  };
  watch(child);
  return {
    current: () => child,
    async stop() {
      stopping = true;
      await restarting;
      await shutDown(child);
    },
  };
}

/**
 * The socket lives in DATA_DIR/run when its path fits a socket address; a deep DATA_DIR gets a private
 * directory under the system's temporary directory instead, named after DATA_DIR so restarts find it.
 * Mode 0700: only the server's user (and root) may connect, which is what makes `trust` auth safe.
 */
async function prepareSocketDir(dataDir: string, user: ServerUser | null): Promise<string> {
  const inDataDir = join(dataDir, 'run');
  const socketName = `.s.PGSQL.${socketPort}`;
  const dir =
    Buffer.byteLength(join(inDataDir, socketName)) <= maxSocketPath
      ? inDataDir
      : join(tmpdir(), `leadbridge-${createHash('sha256').update(dataDir).digest('hex').slice(0, 16)}`);
  await mkdir(dir, { recursive: true, mode: 0o700 });
  await chmod(dir, 0o700);
  if (user) await chown(dir, user.uid, user.gid);
  return dir;
}

async function initialise(
  binaries: PostgresBinaries,
  pgdata: string,
  user: ServerUser | null,
): Promise<void> {
  // An initdb killed half-way leaves a directory it refuses to reuse: start over from an empty one.
  if (await exists(pgdata)) await rename(pgdata, `${pgdata}.incomplete-${Date.now()}`);
  await mkdir(pgdata, { mode: 0o700 });
  if (user) await chown(pgdata, user.uid, user.gid);
  const args = ['-D', pgdata, '-U', role, '-E', 'UTF8', '--locale=C', '--auth=trust', '--no-instructions'];
  try {
    execFileSync(binaries.initdb, args, {
      env: serverEnvironment(),
      stdio: ['ignore', 'pipe', 'pipe'],
      ...(user ? { uid: user.uid, gid: user.gid } : {}),
    });
  } catch (error) {
    const output = (error as { stderr?: Buffer }).stderr?.toString() ?? String(error);
    throw new Error(`initdb could not create the embedded database in ${pgdata}: ${output.trim()}`);
  }
}

async function launch(options: {
  binaries: PostgresBinaries;
  pgdata: string;
  socketDir: string;
  user: ServerUser | null;
  settings: Record<string, string>;
  logPath: string;
}): Promise<ChildProcess> {
  const log = await openLog(options.logPath, options.user);
  const serverArgs = [
    '-D',
    options.pgdata,
    '-p',
    String(socketPort),
    '-c',
    `unix_socket_directories=${options.socketDir}`,
    ...Object.entries(options.settings).flatMap(([name, value]) => ['-c', `${name}=${value}`]),
  ];
  // setpriv gives the server a parent-death signal: when LeadBridge dies, even by SIGKILL, the kernel
  // sends the postmaster SIGINT and it shuts down cleanly, so no server outlives its owner.
  const setpriv = findSetpriv();
  const [command, args] = setpriv
    ? [setpriv, ['--pdeathsig', 'INT', '--', options.binaries.postgres, ...serverArgs]]
    : [options.binaries.postgres, serverArgs];
  const child = spawn(command, args as string[], {
    env: serverEnvironment(),
    stdio: ['ignore', log.fd, log.fd],
    // Its own process group: a Ctrl-C in LeadBridge's terminal must not stop the server under the
    // requests LeadBridge is still draining; LeadBridge stops it last.
    detached: true,
    ...(options.user ? { uid: options.user.uid, gid: options.user.gid } : {}),
  });
  // A failure to spawn is reported by the start-up wait (the child has exited); unheard, it would throw.
  child.on('error', () => {});
  // pdeathsig, not Node's handle, ties the server's life to LeadBridge's: a command that forgets to stop
  // it still exits, and the server with it.
  child.unref();
  await log.close();
  return child;
}

/** Where setpriv is (looked up once: every restart of the server needs it). */
let setprivPath: string | null | undefined;
function findSetpriv(): string | null {
  if (setprivPath === undefined) setprivPath = lookForSetpriv();
  return setprivPath;
}

function lookForSetpriv(): string | null {
  if (process.platform !== 'linux') return null;
  for (const path of ['/usr/bin/setpriv', '/bin/setpriv']) {
    try {
      execFileSync(path, ['--version'], { stdio: 'ignore' });
      return path;
    } catch {
      // not here
    }
  }
  return null;
}

/** The previous start's log is kept beside as postgres.log.1: a crash's reason survives one restart. */
async function openLog(path: string, user: ServerUser | null) {
  if (await exists(path)) await rename(path, `${path}.1`);
  const handle = await open(path, 'a', 0o600);
  if (user) await chown(path, user.uid, user.gid);
  return handle;
}

/** Only what the server needs: PG* variables meant for clients (PGDATA, PGHOST…) must not steer it. */
function serverEnvironment(): NodeJS.ProcessEnv {
  return { PATH: process.env.PATH ?? '/usr/bin:/bin', LC_ALL: 'C', TZ: 'UTC' };
}

async function waitUntilAccepting(child: ChildProcess, socketDir: string, logPath: string): Promise<void> {
  // Crash recovery after a kill replays the WAL first: allow it a minute.
  const deadline = Date.now() + 60_000;
  for (;;) {
    if (child.exitCode !== null || child.signalCode !== null)
      throw new Error(`the embedded database did not start:\n${await tail(logPath)}`);
    const client = new pg.Client({ host: socketDir, port: socketPort, user: role, database: 'postgres' });
    // A server still starting refuses connections: each attempt's failure is the answer "not yet", and
    // the last one goes into the error thrown at the deadline. Unheard, a late 'error' would end the process.
    client.on('error', () => {});
    try {
      await client.connect();
      await client.query(pingText);
      return;
    } catch (error) {
      if (Date.now() > deadline)
        throw new Error(
          `the embedded database did not accept connections within a minute: ${String(error)}\n${await tail(logPath)}`,
        );
    } finally {
      // Closing a probe connection that failed or is done: nothing in its close is news.
      await client.end().catch(() => {});
    }
    await pause(25);
  }
}

async function createDatabaseOnce(socketDir: string): Promise<void> {
  const client = new pg.Client({ host: socketDir, port: socketPort, user: role, database: 'postgres' });
  await client.connect();
  try {
    const found = await client.query(findDatabaseText, [embeddedDatabaseName]);
    if (found.rowCount === 0) await client.query(createDatabaseText(embeddedDatabaseName));
  } finally {
    await client.end();
  }
}

/** SIGINT is PostgreSQL's fast shutdown; SIGQUIT (immediate, recovered at next start) if it hangs. */
async function shutDown(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  child.kill('SIGINT');
  const timer = setTimeout(() => child.kill('SIGQUIT'), 30_000);
  await exited;
  clearTimeout(timer);
}

/** The server log's last lines for an error being thrown; a log that cannot be read adds nothing to it. */
async function tail(path: string): Promise<string> {
  const text = await readFile(path, 'utf8').catch(() => '');
  return text.split('\n').slice(-20).join('\n');
}
