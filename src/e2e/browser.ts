// Helpers for the browser tests: find Chromium, launch it lean, drive the login form, and wait for
// what a page shows.
import { existsSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Locator, Page } from 'playwright-core';
import { expect } from 'vitest';

export { chromiumPath, launchBrowser } from './chromium.js';

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

/**
 * How long a page may take to show what a test waits for. Generous because the full suite runs
 * browser, server and other test files on two shared cores at once; every wait still ends as soon
 * as its condition holds, so a healthy run is no slower.
 */
export const UI_TIMEOUT = 30_000;

/** A browser scenario's budget: several pages, each wait of which may take up to UI_TIMEOUT on a loaded machine. */
export const SCENARIO: { timeout: number } = { timeout: 240_000 };

/** Starting a stage (seeding the demo village, starting the app and Chromium) while other files run. */
export const STAGE_START_TIMEOUT = 240_000;

/** The app's users are in China: browsers see Shanghai's clock whatever zone the machine runs in. */
export const APP_TIME_ZONE = 'Asia/Shanghai';

/**
 * Waits until the locator's first element shows the text (a substring, or a pattern such as
 * `exactly(…)`) — Playwright's own retrying wait — and asserts it on the element's visible text.
 */
export async function expectText(locator: Locator, text: string | RegExp): Promise<string> {
  const showing = locator.filter({ hasText: text }).first();
  await showing.waitFor({ timeout: UI_TIMEOUT });
  const shown = await showing.innerText();
  if (typeof text === 'string') expect(shown).toContain(text);
  else expect(shown).toMatch(text);
  return shown;
}

/** A pattern for exactly this text, surrounding white space aside. */
export function exactly(text: string): RegExp {
  return new RegExp(`^\\s*${text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}\\s*$`);
}

/**
 * Retries a read of the page (a count, a list, an attribute) until the assertion chained on it holds,
 * for conditions a locator cannot wait for by itself. Not vitest's default poll, which gives up after 1 s.
 */
export function eventually<T>(read: () => Promise<T>) {
  return expect.poll(read, { timeout: UI_TIMEOUT, interval: 100 });
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
  await titles.first().waitFor({ timeout: UI_TIMEOUT });
  return (await titles.allInnerTexts()).map((text) => text.trim());
}
