// Which operating-system user runs the embedded server: PostgreSQL refuses to run as root.
import { execFileSync } from 'node:child_process';
import { stat } from 'node:fs/promises';
import { dirname } from 'node:path';

export interface ServerUser {
  name: string;
  uid: number;
  gid: number;
}

/**
 * Null when LeadBridge is not root: the server runs as LeadBridge's own user. As root it runs as
 * `postgres` where that user exists (a machine with PostgreSQL's packages), else as `nobody`.
 */
export function chooseServerUser(): ServerUser | null {
  if (typeof process.getuid !== 'function' || process.getuid() !== 0) return null;
  for (const name of ['postgres', 'nobody']) {
    const user = lookUpUser(name);
    if (user) return user;
  }
  throw new Error(
    'LeadBridge runs as root and this machine has neither a `postgres` nor a `nobody` user to run the embedded database as: run LeadBridge as an ordinary user, or set DATABASE_URL',
  );
}

function lookUpUser(name: string): ServerUser | null {
  try {
    const uid = Number(execFileSync('id', ['-u', name], { encoding: 'utf8' }).trim());
    const gid = Number(execFileSync('id', ['-g', name], { encoding: 'utf8' }).trim());
    return Number.isInteger(uid) && Number.isInteger(gid) ? { name, uid, gid } : null;
  } catch {
    return null;
  }
}

/**
 * The server user must be able to reach its data directory through every parent: under root's home
 * (mode 0700) it cannot, and PostgreSQL's own error would not say which directory is in the way.
 */
export async function assertReachableBy(user: ServerUser, path: string): Promise<void> {
  for (let dir = dirname(path); ; dir = dirname(dir)) {
    const info = await stat(dir);
    const searchable =
      (info.uid === user.uid && (info.mode & 0o100) !== 0) ||
      (info.gid === user.gid && (info.mode & 0o010) !== 0) ||
      (info.mode & 0o001) !== 0;
    if (!searchable)
      throw new Error(
        `LeadBridge runs as root, so its embedded database runs as the user ${user.name}, who cannot enter ${dir}: put DATA_DIR where ${user.name} can reach it (e.g. /var/lib/leadbridge), or run LeadBridge as an ordinary user`,
      );
    if (dir === dirname(dir)) return;
  }
}
