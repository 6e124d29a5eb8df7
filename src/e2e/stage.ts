// The stage every browser test plays on: the real app (PGlite in memory, demo village seeded) on an
// ephemeral port, one Chromium, and a fresh browser profile per scenario.
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { FastifyInstance, LightMyRequestResponse } from 'fastify';
import type { Browser, BrowserContextOptions, Page } from 'playwright-core';
import { expect } from 'vitest';
import { buildApp, WEB_ROOT } from '../app.js';
import { loadConfig } from '../config.js';
import { type Database, openPglite } from '../db/database.js';
import { migrateToLatest } from '../db/migrate.js';
import { seedDemo } from '../demo/seed.js';
import { createFieldCipher } from '../privacy/field-crypto.js';
import { APP_TIME_ZONE, assertWebBuilt, launchBrowser, RESULTS_DIR, UI_TIMEOUT } from './browser.js';

export const PASSWORD = 'Gridguard2026';
export const DESK: BrowserContextOptions = { viewport: { width: 1366, height: 860 } };
export const PHONE: BrowserContextOptions = {
  viewport: { width: 390, height: 844 },
  deviceScaleFactor: 2,
  isMobile: true,
  hasTouch: true,
};

export interface DemoStage {
  app: FastifyInstance;
  database: Database;
  browser: Browser;
  baseUrl: string;
  /** Runs a scenario in a fresh profile (own cookies and storage); fails on uncaught page errors, screenshots on failure. */
  withPage<T>(name: string, options: BrowserContextOptions, run: (page: Page) => Promise<T>): Promise<T>;
  close(): Promise<void>;
}

export async function startDemoStage(label: string): Promise<DemoStage> {
  assertWebBuilt(WEB_ROOT);
  const tmpDir = mkdtempSync(path.join(os.tmpdir(), `gridguard-e2e-${label}-`));
  mkdirSync(RESULTS_DIR, { recursive: true });
  const config = loadConfig({ GRIDGUARD_DATA_DIR: tmpDir, GRIDGUARD_DEMO: 'true', LOG_LEVEL: 'warn' });
  const database = await openPglite(null);
  await migrateToLatest(database.db);
  await seedDemo(database.db, { password: PASSWORD, demoMode: true, cipher: createFieldCipher(config.keys) });
  const app = await buildApp({ database, config, logger: false });
  await app.listen({ port: 0, host: '127.0.0.1' });
  const address = app.server.address();
  if (!address || typeof address === 'string') throw new Error('The app has no TCP address');
  const browser = await launchBrowser();
  return {
    app,
    database,
    browser,
    baseUrl: `http://127.0.0.1:${address.port}`,
    async withPage(name, options, run) {
      const context = await browser.newContext({ locale: 'zh-CN', timezoneId: APP_TIME_ZONE, ...options });
      const page = await context.newPage();
      page.setDefaultTimeout(UI_TIMEOUT);
      const failures: string[] = [];
      page.on('pageerror', (error) => failures.push(error.message));
      try {
        const result = await run(page);
        expect(failures, 'uncaught errors in the page').toEqual([]);
        return result;
      } catch (error) {
        await page.screenshot({ path: path.join(RESULTS_DIR, `failed-${name}.png`), fullPage: true });
        throw error;
      } finally {
        await context.close();
      }
    },
    async close() {
      await browser.close();
      await app.close();
      await database.close();
      rmSync(tmpDir, { recursive: true, force: true });
    },
  };
}

/** An API call as one signed-in user: session cookie and CSRF header, as the web app sends them. */
export type Api = (
  method: 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE',
  url: string,
  payload?: object,
) => Promise<LightMyRequestResponse>;

/** Signs a demo user in through the API (password PASSWORD) and returns their API caller. */
export async function apiAs(app: FastifyInstance, username: string): Promise<Api> {
  const login = await app.inject({
    method: 'POST',
    url: '/api/auth/login',
    payload: { username, password: PASSWORD },
  });
  expect(login.statusCode).toBe(200);
  const session = login.cookies.find((cookie) => cookie.name === 'gg_session')!.value;
  const csrf = (login.json() as { csrfToken: string }).csrfToken;
  return (method, url, payload) =>
    app.inject({
      method,
      url,
      cookies: { gg_session: session },
      headers: { 'x-csrf-token': csrf },
      ...(payload ? { payload } : {}),
    });
}
