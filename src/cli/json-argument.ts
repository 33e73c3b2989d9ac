// The JSON body a CLI command takes as the admin API would: from --json text, a --file, or standard input.
import { readFile } from 'node:fs/promises';

/** Parses `--json <text>` or `--file <path|->`; `what` names the object in the error when neither is given. */
export async function readJsonArgument(
  options: { file?: string; json?: string },
  what: string,
): Promise<unknown> {
  if (options.json) return JSON.parse(options.json);
  if (options.file === '-') {
    const chunks: Buffer[] = [];
    for await (const chunk of process.stdin) chunks.push(chunk as Buffer);
    return JSON.parse(Buffer.concat(chunks).toString('utf8'));
  }
  if (options.file) return JSON.parse(await readFile(options.file, 'utf8'));
  throw new Error(`give the ${what} as --file <path|-> or --json <text> (the admin API body)`);
}
