// `sandbox/main.ts serve --variant ...` serves the chosen schema variants (repeatable or comma-separated).
import { type ChildProcess, spawn } from 'node:child_process';
import { once } from 'node:events';
import { afterEach, expect, it } from 'vitest';

let child: ChildProcess | null = null;
afterEach(async () => {
  if (child && child.exitCode === null) {
    child.kill();
    await once(child, 'exit');
  }
  child = null;
});

/** Starts the sandbox from the command line and returns its URL (the line it prints), or the error output. */
async function serve(...args: string[]): Promise<{ url: string | null; output: string }> {
  const started = spawn(process.execPath, [
    '--import',
    'tsx',
    'sandbox/main.ts',
    'serve',
    '--port',
    '0',
    ...args,
  ]);
  child = started;
  let output = '';
  started.stdout?.on('data', (chunk) => {
    output += chunk;
  });
  started.stderr?.on('data', (chunk) => {
    output += chunk;
  });
  const deadline = Date.now() + 20_000;
  while (Date.now() < deadline) {
    const url = /on (http:\/\/[\d.:]+)/.exec(output)?.[1];
    if (url) return { url, output };
    if (started.exitCode !== null) return { url: null, output };
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  throw new Error(`the sandbox did not start: ${output}`);
}

const introspect = async (url: string, type: string) => {
  const response = await fetch(`${url}/companies/1/CRM`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ query: `{ __type(name: "${type}") { name inputFields { name } } }` }),
  });
  return ((await response.json()) as { data: { __type: { inputFields: { name: string }[] } | null } }).data
    .__type;
};

it('serves --variant nested-lead --variant no-logs,address-country', { timeout: 30_000 }, async () => {
  const { url, output } = await serve('--variant', 'nested-lead', '--variant', 'no-logs,address-country');
  expect(output).toContain('schema: nested-lead, no-logs, address-country');
  const addOrder = await introspect(url!, 'AddOrderInput');
  expect(addOrder?.inputFields.map((field) => field.name)).toContain('lead');
  expect(await introspect(url!, 'LogSearchFilter')).toBeNull();
  expect((await introspect(url!, 'AddressInput'))?.inputFields.map((field) => field.name)).toContain(
    'country',
  );
});

it('refuses an unknown variant, listing the known ones', { timeout: 30_000 }, async () => {
  const { url, output } = await serve('--variant', 'nested');
  expect(url).toBeNull();
  expect(output).toContain('unknown schema variant(s) nested; known: nested-lead, no-subid-3-10');
});
