// How pages, assets and the API travel, through the whole app (app.inject) with a web root made for the
// test: brotli or gzip when asked, as sent otherwise; hashed assets cached for a year, pages revalidated;
// the door page with its data requests preloaded.
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import http from 'node:http';
import os from 'node:os';
import path from 'node:path';
import { brotliCompressSync, brotliDecompressSync, gunzipSync, gzipSync } from 'node:zlib';
import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { buildApp } from '../app.js';
import { describeEachDatabase } from '../test-support/database.js';
import { createAreaTree, signInNewUser, testConfig, TestClock } from '../test-support/factories.js';
import { createHash } from 'node:crypto';
import { IMMUTABLE, REVALIDATE } from './web-delivery.js';

const SCRIPT = `export const words = ${JSON.stringify(Array.from({ length: 400 }, (_v, i) => `网格卫士 ${i}`))};\n`;
const INDEX =
  '<!doctype html><html><head><title>网格卫士</title></head><body><div id="root"></div></body></html>';
const DOOR_SCRIPT = `document.title = ${JSON.stringify('网格卫士 '.repeat(300))};`;
const DOOR = `<!doctype html><html><head><title>网格卫士</title><script type="module">${DOOR_SCRIPT}</script></head><body><div id="door"></div></body></html>`;
const TOKEN = 'Ab3_dEf-9hIjKlMnOpQrSt';

describeEachDatabase('web delivery', (database) => {
  let app: FastifyInstance;
  let webRoot: string;

  beforeAll(async () => {
    webRoot = mkdtempSync(path.join(os.tmpdir(), 'gg-web-'));
    mkdirSync(path.join(webRoot, 'assets'));
    const script = path.join(webRoot, 'assets', 'app-Bx12cD34.js');
    writeFileSync(script, SCRIPT);
    // The twins as the build writes them (web/vite.config.ts): the server sends them as they are.
    writeFileSync(`${script}.br`, brotliCompressSync(SCRIPT));
    writeFileSync(`${script}.gz`, gzipSync(SCRIPT));
    writeFileSync(path.join(webRoot, 'index.html'), INDEX);
    writeFileSync(path.join(webRoot, 'door.html'), DOOR);
    writeFileSync(path.join(webRoot, 'door.html.br'), brotliCompressSync(DOOR));
    app = await buildApp({
      database: database(),
      config: testConfig(),
      clock: new TestClock().now,
      logger: false,
      webRoot,
    });
  });
  afterAll(async () => {
    await app?.close();
    rmSync(webRoot, { recursive: true, force: true });
  });

  const get = (url: string, acceptEncoding?: string, headers: Record<string, string> = {}) =>
    app.inject({
      url,
      headers: { ...(acceptEncoding ? { 'accept-encoding': acceptEncoding } : {}), ...headers },
    });

  it('sends a hashed asset brotli-compressed when asked, gzip when only that is accepted, as is otherwise', async () => {
    const br = await get('/assets/app-Bx12cD34.js', 'gzip, deflate, br');
    expect(br.statusCode).toBe(200);
    expect(br.headers['content-encoding']).toBe('br');
    expect(br.headers['content-type']).toMatch(/javascript/);
    expect(brotliDecompressSync(br.rawPayload).toString()).toBe(SCRIPT);
    expect(br.rawPayload.length).toBeLessThan(SCRIPT.length / 3);

    const gzip = await get('/assets/app-Bx12cD34.js', 'gzip');
    expect(gzip.headers['content-encoding']).toBe('gzip');
    expect(gunzipSync(gzip.rawPayload).toString()).toBe(SCRIPT);

    const plain = await get('/assets/app-Bx12cD34.js');
    expect(plain.headers['content-encoding']).toBeUndefined();
    expect(plain.body).toBe(SCRIPT);
  });

  it('lets browsers keep hashed assets for a year and makes them ask again for pages', async () => {
    for (const encoding of ['br', 'gzip', undefined]) {
      const asset = await get('/assets/app-Bx12cD34.js', encoding);
      expect(asset.headers['cache-control'], encoding).toBe(IMMUTABLE);
    }
    const index = await get('/areas/12');
    expect(index.statusCode).toBe(200);
    expect(index.body).toBe(INDEX);
    expect(index.headers['cache-control']).toBe(REVALIDATE);
    expect((await get('/index.html')).headers['cache-control']).toBe(REVALIDATE);
    // The precompressed twins are found through Accept-Encoding, never served by name.
    expect((await get('/assets/app-Bx12cD34.js.br')).body).toBe(INDEX);
  });

  it('answers a door code with the one-file door page: preloads in a Link header, its inline script allowed by hash', async () => {
    const door = await get(`/h/${TOKEN}`, 'gzip, deflate, br');
    expect(door.statusCode).toBe(200);
    expect(door.headers['content-type']).toMatch(/^text\/html/);
    expect(door.headers['content-encoding']).toBe('br');
    expect(brotliDecompressSync(door.rawPayload).toString()).toBe(DOOR);
    expect(door.headers['cache-control']).toBe(REVALIDATE);
    expect(door.headers.link).toBe(
      `</api/public/households/${TOKEN}>; rel=preload; as=fetch; crossorigin=anonymous, ` +
        `</api/public/households/${TOKEN}/announcements>; rel=preload; as=fetch; crossorigin=anonymous`,
    );
    const hash = createHash('sha256').update(DOOR_SCRIPT).digest('base64');
    const scriptSources = (policy: unknown) =>
      /(?:^|;)script-src ([^;]*)/.exec(String(policy))?.[1]?.split(' ') ?? [];
    expect(scriptSources(door.headers['content-security-policy'])).toEqual(
      expect.arrayContaining(["'self'", `'sha256-${hash}'`]),
    );
    // Every other page keeps the strict policy: no inline script runs there.
    const appScripts = scriptSources((await get('/areas/12')).headers['content-security-policy']);
    expect(appScripts).toContain("'self'");
    expect(
      appScripts.filter((source) => source.startsWith("'sha256-") || source === "'unsafe-inline'"),
    ).toEqual([]);
    // Anything that is not a token is never written into a header; the page itself says the code is unknown.
    const odd = await get(`/h/${encodeURIComponent('a>; rel=preload; as=script, <https://evil')}`);
    expect(odd.statusCode).toBe(200);
    expect(odd.headers.link).toBeUndefined();
    expect(odd.body).toBe(DOOR);
    // Only a door code opens the door page.
    expect((await get('/door.html')).body).toBe(INDEX);
  });

  it('compresses a large JSON answer of the API, leaves a small one as it is, and never an API 404 page', async () => {
    const tree = await createAreaTree(database().db);
    const session = await signInNewUser(app, database().db, [{ role: 'grid_worker', area: tree.gridA }]);
    const large = await get('/api/openapi.json', 'br', session.headers);
    expect(large.statusCode).toBe(200);
    expect(large.headers['content-encoding']).toBe('br');
    const document = JSON.parse(brotliDecompressSync(large.rawPayload).toString()) as { openapi: string };
    expect(document.openapi).toBe('3.0.3');
    expect(large.headers.vary).toMatch(/accept-encoding/i);

    const gzip = await get('/api/openapi.json', 'gzip', session.headers);
    expect(gzip.headers['content-encoding']).toBe('gzip');
    const plain = await get('/api/openapi.json', undefined, session.headers);
    expect(plain.headers['content-encoding']).toBeUndefined();
    expect((plain.json() as { openapi: string }).openapi).toBe('3.0.3');

    // Below 1 KB compression costs more than it saves.
    const small = await get('/api/health', 'br');
    expect(small.headers['content-encoding']).toBeUndefined();
    expect(small.json()).toMatchObject({ status: 'ok' });

    const missing = await get('/api/no-such-thing', 'br');
    expect(missing.statusCode).toBe(404);
    expect(missing.json()).toMatchObject({ error: { code: 'NOT_FOUND' } });
  });

  it('sends a live event stream as written, even to a browser that accepts brotli', async () => {
    const tree = await createAreaTree(database().db);
    const session = await signInNewUser(app, database().db, [{ role: 'grid_worker', area: tree.gridA }]);
    await app.listen({ port: 0, host: '127.0.0.1' });
    const { port } = app.server.address() as { port: number };
    const { headers, first } = await new Promise<{ headers: http.IncomingHttpHeaders; first: string }>(
      (resolve, reject) => {
        const request = http.get(
          {
            host: '127.0.0.1',
            port,
            path: '/api/notifications/stream',
            headers: { cookie: session.cookie, 'accept-encoding': 'gzip, deflate, br' },
          },
          (response) => {
            response.once('data', (chunk: Buffer) => {
              resolve({ headers: response.headers, first: chunk.toString('utf8') });
              request.destroy();
            });
          },
        );
        request.on('error', reject);
      },
    );
    expect(headers['content-type']).toMatch(/^text\/event-stream/);
    expect(headers['content-encoding']).toBeUndefined();
    expect(first).toMatch(/^retry: \d+/);
  });
});
