// web.*: the pages as a phone on a slow link gets them. The demo village served by the real app from
// the built web app (dist/web), driven by Chromium through playwright-core with the link and CPU set
// through the DevTools protocol: slow 3G (400 ms latency, 400 kbit/s = 51,200 B/s each way) and a 4×
// slower CPU. Bytes are what crossed the link (the sum of Network.loadingFinished encodedDataLength:
// compressed bodies plus headers); times are taken inside the page (performance.now()), median of RUNS
// fresh browser profiles (empty cache).
//
// web.door_page_*: a household's door code opened (/h/<token>) until the page is usable: the address
// shown and the 来时登记 button (register arrival) visible and enabled, its handler attached.
// web.today_slow3g_ms: a grid worker on the login page (its assets already loaded) presses 登录; until
// Today's untested list shows its first person. web.today_kb: all a first visit downloads to get there —
// the login page with its assets, the sign-in and Today (the service worker's one-time precache, which
// starts 3 s after sign-in in a worker of its own, is not the page's and is not counted).
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { BrowserContext, CDPSession, Page } from 'playwright-core';
import { buildApp, WEB_ROOT } from '../../src/app.js';
import { loadConfig } from '../../src/config.js';
import { openPglite } from '../../src/db/database.js';
import { migrateToLatest } from '../../src/db/migrate.js';
import { seedDemo } from '../../src/demo/seed.js';
import { launchBrowser } from '../../src/e2e/chromium.js';
import { createFieldCipher } from '../../src/privacy/field-crypto.js';
import type { BenchModule, Figure } from '../harness.js';

const PASSWORD = 'Gridguard2026';
const RUNS = 3;
const SLOW_3G = { offline: false, latency: 400, downloadThroughput: 51_200, uploadThroughput: 51_200 };
const CPU_SLOWDOWN = 4;
const PHONE = {
  viewport: { width: 390, height: 844 },
  deviceScaleFactor: 2,
  isMobile: true,
  hasTouch: true,
  locale: 'zh-CN',
  timezoneId: 'Asia/Shanghai',
};
/** The budgets (#11): what each figure is held to. */
export const WEB_BUDGETS = {
  door_page_kb: 250,
  door_page_slow3g_ms: 3000,
  today_kb: 500,
  today_slow3g_ms: 5000,
} as const;

interface Link {
  /** From now on: slow 3G and a 4× slower CPU. */
  slowDown(): Promise<void>;
  /** Bytes over the link since the last reset, from the DevTools protocol's own count. */
  bytes(): number;
  reset(): void;
  /** Waits until nothing has been in flight for a second (live event streams aside, which never end). */
  quiet(): Promise<void>;
}

async function watchLink(page: Page): Promise<Link> {
  const cdp: CDPSession = await page.context().newCDPSession(page);
  let total = 0;
  const inFlight = new Set<string>();
  let lastChange = Date.now();
  const done = (requestId: string) => {
    inFlight.delete(requestId);
    lastChange = Date.now();
  };
  cdp.on('Network.requestWillBeSent', (event: { requestId: string; type?: string }) => {
    if (event.type === 'EventSource') return;
    inFlight.add(event.requestId);
    lastChange = Date.now();
  });
  cdp.on('Network.loadingFinished', (event: { requestId: string; encodedDataLength: number }) => {
    total += event.encodedDataLength;
    done(event.requestId);
  });
  cdp.on('Network.loadingFailed', (event: { requestId: string }) => done(event.requestId));
  await cdp.send('Network.enable');
  return {
    async slowDown() {
      await cdp.send('Network.emulateNetworkConditions', SLOW_3G);
      await cdp.send('Emulation.setCPUThrottlingRate', { rate: CPU_SLOWDOWN });
    },
    bytes: () => total,
    reset: () => {
      total = 0;
    },
    async quiet() {
      const deadline = Date.now() + 120_000;
      while (inFlight.size > 0 || Date.now() - lastChange < 1000) {
        if (Date.now() > deadline)
          throw new Error(`still loading after 2 minutes: ${inFlight.size} requests`);
        await new Promise((resolve) => setTimeout(resolve, 100));
      }
    },
  };
}

/** What the page-side functions use of the page (the bench is type-checked without the DOM's types). */
interface PageGlobals {
  document: {
    querySelector(selector: string): { disabled?: boolean; getClientRects(): { length: number } } | null;
    addEventListener(type: string, listener: () => void, options: object): void;
  };
  pressedAt?: number;
}

/** Waits (polling inside the page) until `selector` is shown and enabled; the page's clock at that moment. */
async function shownAt(page: Page, selector: string): Promise<number> {
  const handle = await page.waitForFunction(
    (wanted) => {
      const element = (globalThis as unknown as PageGlobals).document.querySelector(wanted);
      if (!element || element.disabled || element.getClientRects().length === 0) return null;
      return performance.now();
    },
    selector,
    { polling: 'raf', timeout: 120_000 },
  );
  return (await handle.jsonValue()) as number;
}

async function withProfile<T>(
  open: () => Promise<BrowserContext>,
  run: (page: Page) => Promise<T>,
): Promise<T> {
  const context = await open();
  try {
    return await run(await context.newPage());
  } finally {
    await context.close();
  }
}

const median = (values: number[]) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)]!;
const kb = (bytes: number) => Math.round(bytes / 102.4) / 10;

export const webBench: BenchModule = {
  title: 'web',
  backends: ['pglite'],
  async run(context) {
    if (!WEB_ROOT) throw new Error('dist/web is missing: run `npm run build` before the web figures');
    const dataDir = mkdtempSync(path.join(os.tmpdir(), 'gg-bench-web-'));
    const config = loadConfig({ GRIDGUARD_DATA_DIR: dataDir, GRIDGUARD_DEMO: 'true', LOG_LEVEL: 'warn' });
    const database = await openPglite(null);
    await migrateToLatest(database.db);
    await seedDemo(database.db, {
      password: PASSWORD,
      demoMode: true,
      cipher: createFieldCipher(config.keys),
    });
    const app = await buildApp({ database, config, logger: false });
    await app.listen({ port: 0, host: '127.0.0.1' });
    const address = app.server.address();
    if (!address || typeof address === 'string') throw new Error('The app has no TCP address');
    const baseUrl = `http://127.0.0.1:${address.port}`;
    const browser = await launchBrowser();
    try {
      const doorUrl = await doorCodeUrl(app, baseUrl);
      const door = { ms: [] as number[], bytes: [] as number[] };
      const today = { ms: [] as number[], bytes: [] as number[] };
      for (let run = 0; run < RUNS; run++) {
        await withProfile(
          () => browser.newContext(PHONE),
          async (page) => {
            const link = await watchLink(page);
            await link.slowDown();
            await page.goto(doorUrl, { waitUntil: 'commit', timeout: 120_000 });
            await page.locator('[data-testid=door-address]').waitFor({ timeout: 120_000 });
            door.ms.push(await shownAt(page, '[data-testid=door-arrival]'));
            // What the page fetches after it is usable (the announcements) counts too.
            await link.quiet();
            door.bytes.push(link.bytes());
          },
        );
        await withProfile(
          () => browser.newContext(PHONE),
          async (page) => {
            // The login page arrives over a fast link, and has fetched all it fetches while the
            // password is typed: the figure starts at the press of 登录.
            const link = await watchLink(page);
            await page.goto(`${baseUrl}/login`);
            await page.locator('#username').fill('worker01');
            await page.locator('#password').fill(PASSWORD);
            await link.quiet();
            const loginBytes = link.bytes();
            await link.slowDown();
            link.reset();
            await page.evaluate(() => {
              const globals = globalThis as unknown as PageGlobals;
              globals.document.addEventListener(
                'click',
                () => {
                  globals.pressedAt = performance.now();
                },
                { capture: true, once: true },
              );
            });
            await page.locator('button[type=submit]').click();
            const listedAt = await shownAt(page, '[data-testid=untested-item]');
            const pressedAt = await page.evaluate(
              () => (globalThis as unknown as PageGlobals).pressedAt ?? NaN,
            );
            today.ms.push(listedAt - pressedAt);
            await link.quiet();
            today.bytes.push(loginBytes + link.bytes());
          },
        );
        context.log(
          `  run ${run + 1}: door ${Math.round(door.ms.at(-1)!)} ms ${kb(door.bytes.at(-1)!)} KB · today ${Math.round(today.ms.at(-1)!)} ms ${kb(today.bytes.at(-1)!)} KB`,
        );
      }
      const figure = (name: keyof typeof WEB_BUDGETS, value: number, unit: string): Figure => ({
        name: `web.${name}`,
        backend: context.backend,
        value,
        unit,
        baseline: null,
        ratio: null,
        budget: WEB_BUDGETS[name],
        extra: { runs: RUNS },
      });
      return [
        figure('door_page_kb', kb(median(door.bytes)), 'KB'),
        figure('door_page_slow3g_ms', Math.round(median(door.ms)), 'ms'),
        figure('today_kb', kb(median(today.bytes)), 'KB'),
        figure('today_slow3g_ms', Math.round(median(today.ms)), 'ms'),
      ];
    } finally {
      await browser.close();
      await app.close();
      await database.close();
      rmSync(dataDir, { recursive: true, force: true });
    }
  },
};

/** A door code issued by the demo's grid worker for one of their houses, as the QR code holds it. */
async function doorCodeUrl(app: Awaited<ReturnType<typeof buildApp>>, baseUrl: string): Promise<string> {
  const login = await app.inject({
    method: 'POST',
    url: '/api/auth/login',
    payload: { username: 'worker01', password: PASSWORD },
  });
  const session = login.cookies.find((cookie) => cookie.name === 'gg_session')?.value;
  const csrf = (login.json() as { csrfToken: string }).csrfToken;
  if (!session) throw new Error(`worker01 cannot sign in: ${login.body}`);
  const as = { cookies: { gg_session: session }, headers: { 'x-csrf-token': csrf } };
  const me = (await app.inject({ url: '/api/auth/me', ...as })).json() as {
    assignments: Array<{ areaId: number; areaLevel: string }>;
  };
  const microgrid = me.assignments.find((assignment) => assignment.areaLevel === 'microgrid');
  if (!microgrid) throw new Error('worker01 serves no microgrid');
  const houses = (
    await app.inject({ url: `/api/houses?within=${microgrid.areaId}&pageSize=1`, ...as })
  ).json() as {
    items: Array<{ id: number }>;
  };
  const issued = await app.inject({
    method: 'POST',
    url: `/api/houses/${houses.items[0]!.id}/household-code`,
    ...as,
  });
  if (issued.statusCode !== 201) throw new Error(`no door code issued: ${issued.body}`);
  const token = (issued.json() as { scanUrl: string }).scanUrl.split('/h/')[1]!;
  return `${baseUrl}/h/${token}`;
}
