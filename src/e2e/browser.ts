// Helpers for the browser tests: find Chromium, launch it lean, and drive the login form.
import { existsSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { type Browser, chromium, type Page } from 'playwright-core';

const DEFAULT_CHROMIUM = '/usr/bin/chromium';
const wantedChromium = process.env.CHROMIUM_PATH || DEFAULT_CHROMIUM;

/** The Chromium to drive, or null when none is installed (the suite then skips with a warning). */
export const chromiumPath: string | null = existsSync(wantedChromium) ? wantedChromium : null;
if (!chromiumPath) {
  console.warn(`chromium not found at ${wantedChromium}: browser tests skipped (apt-get install chromium)`);
}

export const REPO_ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
export const WEB_INDEX = path.join(REPO_ROOT, 'dist/web/index.html');
export const RESULTS_DIR = path.join(REPO_ROOT, 'test-results');

/**
 * The tests drive the production bundle, as the server serves it: a missing build is an error,
 * not a reason to skip.
 */
export function assertWebBuilt(servedRoot: string | undefined): void {
  if (!existsSync(WEB_INDEX)) {
    throw new Error(
      `${WEB_INDEX} is missing: run \`npm run build\` first (browser tests need the built web app)`,
    );
  }
  if (servedRoot !== path.dirname(WEB_INDEX)) {
    throw new Error(
      `the server serves the web app from ${servedRoot ?? 'nowhere'}, not the build in ${path.dirname(WEB_INDEX)}`,
    );
  }
}

export function launchBrowser(): Promise<Browser> {
  if (!chromiumPath) throw new Error('No Chromium to launch');
  return chromium.launch({
    executablePath: chromiumPath,
    args: [
      '--no-sandbox',
      '--disable-gpu',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
      '--no-first-run',
      '--disable-quic',
    ],
  });
}

/** Signs in through the form and waits until the app has left the login page. */
export async function signIn(page: Page, baseUrl: string, username: string, password: string): Promise<void> {
  await page.goto(`${baseUrl}/login`);
  await page.locator('#username').fill(username);
  await page.locator('#password').fill(password);
  await page.locator('button[type=submit]').click();
  await page.waitForURL((url) => !url.pathname.startsWith('/login'));
}

/** Text of every visible node of the area navigator, top to bottom. */
export async function treeTitles(page: Page): Promise<string[]> {
  const titles = page.locator('.area-tree .ant-tree-title');
  await titles.first().waitFor();
  return (await titles.allInnerTexts()).map((text) => text.trim());
}
