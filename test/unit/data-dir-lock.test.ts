import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { lockDataDir, processStartTime } from '../../src/db/embedded-server/data-dir-lock.js';

describe('one process owns DATA_DIR', () => {
  let dataDir: string;
  beforeEach(async () => {
    dataDir = await mkdtemp(join(tmpdir(), 'leadbridge-lock-'));
  });
  afterEach(async () => {
    await rm(dataDir, { recursive: true, force: true });
  });

  it('records its pid with its start time, and frees DATA_DIR on release', async () => {
    const release = await lockDataDir(dataDir);
    expect(await readFile(join(dataDir, 'leadbridge.pid'), 'utf8')).toBe(
      `${process.pid} ${processStartTime(process.pid)}`,
    );
    await release();
    await expect(readFile(join(dataDir, 'leadbridge.pid'))).rejects.toThrow(/ENOENT/);
  });

  it('refuses while the recorded process still runs', async () => {
    const holder = process.ppid;
    await writeFile(join(dataDir, 'leadbridge.pid'), `${holder} ${processStartTime(holder)}`);
    await expect(lockDataDir(dataDir)).rejects.toThrow(`in use by process ${holder}`);
  });

  it('takes over a file whose pid now belongs to a process started at another time (pids reused)', async () => {
    await writeFile(join(dataDir, 'leadbridge.pid'), `${process.ppid} 1`);
    const release = await lockDataDir(dataDir);
    await release();
  });

  it('takes over a file whose process is gone, and refuses a live pid of the PGlite release', async () => {
    await writeFile(join(dataDir, 'leadbridge.pid'), '4194304 1');
    await (await lockDataDir(dataDir))();
    await writeFile(join(dataDir, 'pglite.pid'), String(process.ppid));
    await expect(lockDataDir(dataDir)).rejects.toThrow(`in use by process ${process.ppid}`);
  });
});
