import { afterAll, beforeAll, expect, it } from 'vitest';
import type { FastifyInstance } from 'fastify';
import { WEB_ROOT } from '../app.js';
import { openTestDatabase } from '../test-support/database.js';
import { testApp } from '../test-support/factories.js';

// The installable app's entry files as served by serveWebApp (src/core/web-delivery.ts). Needs the
// built web app (dist/web, `node scripts/build-if-stale.mjs`), as the browser tests do.
let app: FastifyInstance;
beforeAll(async () => {
  app = await testApp(await openTestDatabase('pglite'));
});
afterAll(async () => {
  await app.close();
});

it.runIf(WEB_ROOT)(
  'serves the service worker, manifest and page for revalidation on every visit',
  async () => {
    for (const url of ['/sw.js', '/manifest.webmanifest', '/today', '/']) {
      const response = await app.inject({ url });
      expect(response.statusCode, url).toBe(200);
      expect(response.headers['cache-control'], url).toBe('no-cache');
    }
    const manifest = (await app.inject({ url: '/manifest.webmanifest' })).json();
    expect(manifest).toMatchObject({
      name: '网格卫士 Gridguard',
      lang: 'zh-CN',
      start_url: '/today',
      display: 'standalone',
    });
    expect(
      manifest.icons.map((icon: { sizes: string; purpose: string }) => `${icon.sizes} ${icon.purpose}`),
    ).toEqual(['192x192 any', '512x512 any', '512x512 maskable']);
    for (const icon of manifest.icons as Array<{ src: string }>) {
      const image = await app.inject({ url: icon.src });
      expect(image.statusCode, icon.src).toBe(200);
      expect(image.headers['content-type']).toBe('image/png');
    }
    // API answers are not touched: the service worker caches none of them anyway.
    const api = await app.inject({ url: '/api/health' });
    expect(api.headers['cache-control']).not.toBe('no-cache');
  },
);

it.runIf(WEB_ROOT)(
  'precaches the phone app shell, not the big screen’s charts nor MapLibre (the download a phone makes at sign-in)',
  async () => {
    const worker = (await app.inject({ url: '/sw.js' })).body;
    const precached = [...worker.matchAll(/url:"([^"]+)"/g)].map((match) => match[1]!);
    expect(precached).toContain('index.html');
    expect(precached.some((url) => /^assets\/TodayPage-.*\.js$/.test(url))).toBe(true);
    expect(precached.filter((url) => /echarts|maplibre|GeoMap/.test(url))).toEqual([]);
    // Nothing that answers with personal data: no API route is ever cached by the service worker.
    expect(precached.filter((url) => url.startsWith('api/') || url.startsWith('/api/'))).toEqual([]);
  },
);
