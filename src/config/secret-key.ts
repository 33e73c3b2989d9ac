// The key that encrypts SalesRender tokens at rest: from LEADBRIDGE_SECRET_KEY, or generated once into DATA_DIR.
import { randomBytes } from 'node:crypto';
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';

/**
 * Returns the 32-byte secret key. With a PostgreSQL server the key must come from the environment,
 * because several instances must share it; on the embedded database it is generated into
 * `DATA_DIR/secret.key` (mode 0600) on first start, next to the data it protects.
 */
export async function resolveSecretKey(options: {
  configured?: string;
  dataDir: string;
  embedded: boolean;
}): Promise<Buffer> {
  if (options.configured) return Buffer.from(options.configured, 'hex');
  if (!options.embedded) {
    throw new Error(
      'LEADBRIDGE_SECRET_KEY is required when DATABASE_URL is set (all instances must share it)',
    );
  }
  const path = join(options.dataDir, 'secret.key');
  try {
    const stored = (await readFile(path, 'utf8')).trim();
    return Buffer.from(stored, 'hex');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
  }
  await mkdir(options.dataDir, { recursive: true });
  const key = randomBytes(32);
  await writeFile(path, key.toString('hex'), { mode: 0o600, flag: 'wx' });
  return key;
}
