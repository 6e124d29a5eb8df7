import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { describeEachDatabase } from './test-support/database.js';
import {
  createAreaTree,
  createUser,
  signIn,
  TEST_PASSWORD,
  TestClock,
  testApp,
} from './test-support/factories.js';

const HTTPS = { GRIDGUARD_DEMO: 'false', GRIDGUARD_PUBLIC_URL: 'https://gg.example.cn' };

describeEachDatabase('secure defaults', (database) => {
  const apps: FastifyInstance[] = [];
  let username: string;
  const app = async (overrides: Record<string, string>) => {
    const built = await testApp(database(), new TestClock(), overrides);
    apps.push(built);
    return built;
  };

  beforeAll(async () => {
    const tree = await createAreaTree(database().db);
    username = (await createUser(database().db, [{ role: 'grid_worker', area: tree.gridA }])).username;
  });
  afterAll(async () => {
    for (const built of apps) await built.close();
  });

  const login = (built: FastifyInstance) =>
    built.inject({ method: 'POST', url: '/api/auth/login', payload: { username, password: TEST_PASSWORD } });

  it('sends HSTS and Secure cookies with an https public URL, unless turned off', async () => {
    const https = await app(HTTPS);
    const health = await https.inject({ url: '/api/health' });
    expect(health.headers['strict-transport-security']).toMatch(/max-age=31536000/);
    const signedIn = await login(https);
    expect(signedIn.statusCode, signedIn.body).toBe(200);
    expect(signedIn.cookies.length).toBeGreaterThan(0);
    for (const cookie of signedIn.cookies) expect(cookie, cookie.name).toMatchObject({ secure: true });

    const optedOut = await app({ ...HTTPS, GRIDGUARD_COOKIE_SECURE: 'false' });
    expect(
      (await optedOut.inject({ url: '/api/health' })).headers['strict-transport-security'],
    ).toBeUndefined();
    for (const cookie of (await login(optedOut)).cookies) expect(cookie.secure, cookie.name).toBeFalsy();

    // A village office's LAN address over plain http: neither.
    const lan = await app({ GRIDGUARD_DEMO: 'false', GRIDGUARD_PUBLIC_URL: 'http://10.1.2.3:3000' });
    expect((await lan.inject({ url: '/api/health' })).headers['strict-transport-security']).toBeUndefined();
  });

  it('keeps the API documentation behind sign-in outside demo mode, public in demo mode, or off', async () => {
    const server = await app(HTTPS);
    for (const url of ['/api/openapi.json', '/api/docs', '/api/docs/static/index.html']) {
      const anonymous = await server.inject({ url });
      expect(anonymous.statusCode, url).toBe(401);
      expect(anonymous.json().error.code).toBe('UNAUTHENTICATED');
    }
    const session = await signIn(server, username);
    const document = await server.inject({ url: '/api/openapi.json', headers: { cookie: session.cookie } });
    expect(document.statusCode).toBe(200);
    expect(document.json().openapi).toBe('3.0.3');
    expect(
      (await server.inject({ url: '/api/docs', headers: { cookie: session.cookie } })).statusCode,
    ).toBeLessThan(400);

    const demo = await app({});
    expect((await demo.inject({ url: '/api/openapi.json' })).statusCode).toBe(200);

    const off = await app({ ...HTTPS, GRIDGUARD_API_DOCS: 'off' });
    expect(
      (await off.inject({ url: '/api/openapi.json', headers: { cookie: session.cookie } })).statusCode,
    ).toBe(404);
    const published = await app({ ...HTTPS, GRIDGUARD_API_DOCS: 'public' });
    expect((await published.inject({ url: '/api/openapi.json' })).statusCode).toBe(200);
  });

  it('refuses the demo password, configured or published, as a new password', async () => {
    const server = await app({ ...HTTPS, GRIDGUARD_DEMO_PASSWORD: 'Village-demo-7' });
    const session = await signIn(server, username);
    const change = (newPassword: string) =>
      server.inject({
        method: 'POST',
        url: '/api/auth/password',
        headers: session.headers,
        payload: { currentPassword: TEST_PASSWORD, newPassword },
      });
    for (const demo of ['Village-demo-7', 'Gridguard2026', 'GRIDGUARD2026', 'Ｇｒｉｄｇｕａｒｄ2026']) {
      const refused = await change(demo);
      expect(refused.statusCode, demo).toBe(400);
      expect(refused.json().error).toMatchObject({
        code: 'PASSWORD_IS_DEMO',
        details: [{ field: 'body.newPassword' }],
      });
    }
    expect((await change('Gridguard2026x')).statusCode).toBe(204);
  });
});
