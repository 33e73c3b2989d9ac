// Debian's Chromium driven by playwright-core for the console's browser tests. In CI a missing browser is a
// failure; on a developer machine without it the browser tests are skipped with a message saying how to get it.
import { existsSync } from 'node:fs';
import { mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import { type Browser, chromium, type Page } from 'playwright-core';

export const chromiumPath = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
export const haveChromium = existsSync(chromiumPath);
if (!haveChromium && process.env.CI) {
  throw new Error(`Chromium is required in CI: ${chromiumPath} is missing (apt-get install -y chromium)`);
}
if (!haveChromium) console.warn(`browser tests skipped: no ${chromiumPath} (apt-get install -y chromium)`);

export const screenshotDir = join(
  'test-artifacts',
  'screenshots',
  process.env.TEST_DATABASE_URL ? 'postgres' : 'embedded',
);

export async function launchChromium(): Promise<Browser> {
  await mkdir(screenshotDir, { recursive: true });
  return chromium.launch({
    executablePath: chromiumPath,
    headless: true,
    args: ['--no-sandbox', '--disable-gpu', '--disable-dev-shm-usage', '--disable-background-networking'],
  });
}

/** Saves a full-page screenshot as test-artifacts/screenshots/<db>/<name>.png. */
export async function snap(page: Page, name: string): Promise<void> {
  await page.screenshot({ path: join(screenshotDir, `${name}.png`), fullPage: true });
}
