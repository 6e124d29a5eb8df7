import type { FastifyInstance } from 'fastify';
import { beforeAll, expect, it } from 'vitest';
import { describeEachDatabase } from '../test-support/database.js';
import {
  type AreaTree,
  createAreaTree,
  createUser,
  signIn,
  TEST_PASSWORD,
  TestClock,
  testApp,
} from '../test-support/factories.js';
import { LOCKOUT_MS, MAX_FAILED_LOGINS } from './service.js';
import { SESSION_IDLE_MS } from './repository.js';

describeEachDatabase('sign-in, sessions and security basics', (database, backend) => {
  let app: FastifyInstance;
  let tree: AreaTree;
  const clock = new TestClock();

  beforeAll(async () => {
    app = await testApp(database(), clock);
    tree = await createAreaTree(database().db);
  });

  it('answers health with the backend', async () => {
    const response = await app.inject({ url: '/api/health' });
    expect(response.json()).toEqual({ status: 'ok', database: backend });
  });

  it('signs in with a session cookie that is HttpOnly and SameSite, and signs out', async () => {
    const user = await createUser(database().db, [{ role: 'grid_worker', area: tree.microA }]);
    const response = await app.inject({
      method: 'POST',
      url: '/api/auth/login',
      payload: { username: user.username.toUpperCase(), password: TEST_PASSWORD },
    });
    expect(response.statusCode).toBe(200);
    const cookie = response.cookies.find((c) => c.name === 'gg_session')!;
    expect(cookie).toMatchObject({ httpOnly: true, sameSite: 'Strict', path: '/' });
    expect(response.json()).toMatchObject({
      username: user.username,
      assignments: [{ role: 'grid_worker', areaId: tree.microA.id }],
    });
    expect(response.json().rights).toContain('person.read');
    const stored = await database().db.selectFrom('sessions').select('id_hash').execute();
    expect(stored.map((s) => s.id_hash)).not.toContain(cookie.value);

    const headers = { cookie: `gg_session=${cookie.value}`, 'x-csrf-token': response.json().csrfToken };
    expect((await app.inject({ url: '/api/auth/me', headers })).statusCode).toBe(200);
    expect((await app.inject({ method: 'POST', url: '/api/auth/logout', headers })).statusCode).toBe(204);
    expect((await app.inject({ url: '/api/auth/me', headers })).statusCode).toBe(401);
  });

  it('says only "wrong username or password" and audits failures', async () => {
    const unknown = await app.inject({
      method: 'POST',
      url: '/api/auth/login',
      payload: { username: 'nobody_here', password: 'whatever1' },
    });
    expect(unknown.statusCode).toBe(401);
    expect(unknown.json().error.code).toBe('LOGIN_FAILED');
    const failures = await database()
      .db.selectFrom('audit_log')
      .select(['action', 'actor_name'])
      .where('action', '=', 'auth.login_failed')
      .execute();
    expect(failures).toContainEqual({ action: 'auth.login_failed', actor_name: 'nobody_here' });
  });

  it('locks an account after repeated failures, then lets it in after the lock-out', async () => {
    const user = await createUser(database().db, [{ role: 'grid_worker', area: tree.microA }]);
    for (let i = 0; i < MAX_FAILED_LOGINS; i++) {
      const response = await app.inject({
        method: 'POST',
        url: '/api/auth/login',
        payload: { username: user.username, password: 'wrong-pass-1' },
      });
      expect(response.statusCode).toBe(401);
    }
    const locked = await app.inject({
      method: 'POST',
      url: '/api/auth/login',
      payload: { username: user.username, password: TEST_PASSWORD },
    });
    // No 423: a locked account answers like a wrong password, so it does not confirm the account exists.
    expect(locked.statusCode).toBe(401);
    expect(locked.json().error).toMatchObject({ code: 'LOGIN_FAILED', details: { locked: true } });
    clock.advance(LOCKOUT_MS + 1000);
    await signIn(app, user.username);
  });

  it('throttles repeated sign-in attempts from one client', async () => {
    let last = 0;
    for (let i = 0; i < 31; i++) {
      last = (
        await app.inject({
          method: 'POST',
          url: '/api/auth/login',
          remoteAddress: '10.20.30.40',
          payload: { username: `throttled_user_${i}`, password: 'wrong-pass-1' },
        })
      ).statusCode;
    }
    expect(last).toBe(429);
  });

  it('requires the CSRF token on cookie-authenticated writes', async () => {
    const user = await createUser(database().db, [{ role: 'community_staff', area: tree.village }]);
    const session = await signIn(app, user.username);
    const forged = await app.inject({
      method: 'PATCH',
      url: `/api/areas/${tree.gridA.id}`,
      headers: { cookie: session.cookie, 'x-csrf-token': 'guess' },
      payload: { name: '伪造' },
    });
    expect(forged.statusCode).toBe(403);
    expect(forged.json().error.code).toBe('CSRF_TOKEN_INVALID');
  });

  it('forces a password change before anything else, and ends other sessions', async () => {
    const user = await createUser(database().db, [{ role: 'grid_leader', area: tree.gridA }], {
      mustChangePassword: true,
    });
    const first = await signIn(app, user.username);
    const other = await signIn(app, user.username);
    const blocked = await app.inject({ url: `/api/areas/${tree.gridA.id}`, headers: first.headers });
    expect(blocked.json().error.code).toBe('PASSWORD_CHANGE_REQUIRED');
    const weak = await app.inject({
      method: 'POST',
      url: '/api/auth/password',
      headers: first.headers,
      payload: { currentPassword: TEST_PASSWORD, newPassword: 'short' },
    });
    expect(weak.json().error).toMatchObject({
      code: 'PASSWORD_TOO_WEAK',
      details: [{ field: 'body.newPassword' }],
    });
    const changed = await app.inject({
      method: 'POST',
      url: '/api/auth/password',
      headers: first.headers,
      payload: { currentPassword: TEST_PASSWORD, newPassword: 'Another-pass-99' },
    });
    expect(changed.statusCode).toBe(204);
    expect(
      (await app.inject({ url: `/api/areas/${tree.gridA.id}`, headers: first.headers })).statusCode,
    ).toBe(200);
    expect((await app.inject({ url: '/api/auth/me', headers: other.headers })).statusCode).toBe(401);
  });

  it('expires idle sessions', async () => {
    const user = await createUser(database().db, [{ role: 'doctor', area: tree.gridA }]);
    const session = await signIn(app, user.username);
    clock.advance(SESSION_IDLE_MS + 60_000);
    expect((await app.inject({ url: '/api/auth/me', headers: session.headers })).statusCode).toBe(401);
  });

  it('sends security headers and one error shape for unknown routes', async () => {
    const response = await app.inject({ url: '/api/nothing-here' });
    expect(response.statusCode).toBe(404);
    expect(response.json()).toEqual({
      error: { code: 'NOT_FOUND', message: 'No route GET /api/nothing-here' },
    });
    expect(response.headers['x-content-type-options']).toBe('nosniff');
    expect(response.headers['content-security-policy']).toContain("default-src 'self'");
    expect(response.headers['x-frame-options']).toBe('SAMEORIGIN');
  });

  it('publishes an OpenAPI 3 document with schemas for every API route', async () => {
    const document = (await app.inject({ url: '/api/openapi.json' })).json();
    expect(document.openapi).toMatch(/^3\./);
    for (const route of [
      '/api/areas',
      '/api/areas/{id}',
      '/api/areas/{id}/move',
      '/api/users',
      '/api/audit',
      '/api/auth/login',
      '/api/health',
    ]) {
      expect(Object.keys(document.paths)).toContain(route);
    }
    // Bodies and answers are named schemas (components), referenced from the paths.
    const body = document.paths['/api/areas'].post.requestBody.content['application/json'].schema;
    expect(body.$ref).toBe('#/components/schemas/CreateAreaBody');
    expect(document.components.schemas.CreateAreaBody.required).toContain('name');
    expect((await app.inject({ url: '/api/docs' })).statusCode).toBeLessThan(400);
  });
});
