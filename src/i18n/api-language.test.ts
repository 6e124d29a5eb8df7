import type { FastifyInstance } from 'fastify';
import { beforeAll, expect, it } from 'vitest';
import { describeEachDatabase } from '../test-support/database.js';
import { createAreaTree, createUser, signIn, testApp } from '../test-support/factories.js';

describeEachDatabase('the API answers in the caller’s language', (database) => {
  let app: FastifyInstance;

  beforeAll(async () => {
    app = await testApp(database());
  }, 180_000);

  // A user name longer than the schema allows: the same bad request each time.
  const badLogin = (headers: Record<string, string> = {}) =>
    app.inject({
      method: 'POST',
      url: '/api/auth/login',
      headers,
      payload: { username: 'x'.repeat(65), password: 'p' },
    });

  it('in Chinese without Accept-Language and in English with it; codes and params stay the same', async () => {
    const zh = await badLogin();
    const en = await badLogin({ 'accept-language': 'en-GB,en;q=0.9' });
    expect(zh.statusCode).toBe(400);
    expect(en.statusCode).toBe(400);
    const zhError = zh.json<{ error: { code: string; message: string; details: unknown[] } }>().error;
    const enError = en.json<{ error: { code: string; message: string; details: unknown[] } }>().error;
    expect(zhError.code).toBe('VALIDATION_FAILED');
    expect(enError.code).toBe('VALIDATION_FAILED');
    expect(zhError.details).toEqual([
      { field: 'body.username', code: 'maxLength', params: { max: 64 }, message: '不能超过 64 个字符' },
    ]);
    expect(enError.details).toEqual([
      {
        field: 'body.username',
        code: 'maxLength',
        params: { max: 64 },
        message: 'Must not be longer than 64 characters',
      },
    ]);
    expect(zhError.message).toMatch(/^输入有误/);
    expect(enError.message).not.toMatch(/\p{Script=Han}/u);
  }, 180_000);

  it('words an AppError from its code, never the developer’s English', async () => {
    const wrong = { username: 'nobody-here', password: 'wrong-password-1' };
    const zh = await app.inject({ method: 'POST', url: '/api/auth/login', payload: wrong });
    const en = await app.inject({
      method: 'POST',
      url: '/api/auth/login',
      headers: { 'accept-language': 'en' },
      payload: wrong,
    });
    expect(zh.json()).toMatchObject({ error: { code: 'LOGIN_FAILED', message: '用户名或密码错误' } });
    expect(en.json<{ error: { code: string; message: string } }>().error.code).toBe('LOGIN_FAILED');
    expect(en.json<{ error: { message: string } }>().error.message).not.toMatch(/\p{Script=Han}/u);
  });

  it('words a service’s field problem from its code and params, in each language', async () => {
    const tree = await createAreaTree(database().db);
    const chinese = await createUser(database().db, [{ role: 'grid_worker', area: tree.microA }]);
    const english = await createUser(database().db, [{ role: 'grid_worker', area: tree.microA }]);
    await database().db.updateTable('users').set({ locale: 'en' }).where('id', '=', english.id).execute();
    const change = async (username: string) =>
      app.inject({
        method: 'POST',
        url: '/api/auth/password',
        headers: (await signIn(app, username)).headers,
        payload: { currentPassword: 'not-the-password-1', newPassword: 'another-pass-2' },
      });
    expect((await change(chinese.username)).json().error.details).toEqual([
      { field: 'body.currentPassword', code: 'passwordWrong', message: '不正确' },
    ]);
    expect((await change(english.username)).json().error.details).toEqual([
      { field: 'body.currentPassword', code: 'passwordWrong', message: 'Is wrong' },
    ]);
  });

  it('follows a signed-in user’s language setting over the browser’s', async () => {
    const tree = await createAreaTree(database().db);
    const user = await createUser(database().db, [{ role: 'grid_worker', area: tree.microA }]);
    await database().db.updateTable('users').set({ locale: 'en' }).where('id', '=', user.id).execute();
    const session = await signIn(app, user.username);
    const response = await app.inject({
      method: 'GET',
      url: '/api/persons/not-a-number',
      headers: { cookie: session.cookie, 'accept-language': 'zh-CN' },
    });
    expect(response.statusCode).toBe(400);
    const error = response.json<{ error: { message: string; details: Array<{ message: string }> } }>().error;
    expect(error.message).not.toMatch(/\p{Script=Han}/u);
    expect(error.details[0]!.message).not.toMatch(/\p{Script=Han}/u);
  });

  it('remembers the language a user picks: later answers without Accept-Language are in it, and the change is audited', async () => {
    const tree = await createAreaTree(database().db);
    const user = await createUser(database().db, [{ role: 'grid_worker', area: tree.microA }]);
    const session = await signIn(app, user.username);
    const setLocale = (locale: string) =>
      app.inject({ method: 'PATCH', url: '/api/auth/me', headers: session.headers, payload: { locale } });
    const refused = await setLocale('fr');
    expect(refused.statusCode).toBe(400);
    expect(refused.json().error.details).toMatchObject([{ field: 'body.locale', code: 'oneOf' }]);
    const english = await setLocale('en');
    expect(english.statusCode, english.body).toBe(200);
    expect(english.json()).toMatchObject({ id: user.id, locale: 'en' });
    const notANumber = await app.inject({
      method: 'GET',
      url: '/api/persons/not-a-number',
      headers: { cookie: session.cookie },
    });
    expect(notANumber.statusCode).toBe(400);
    const error = notANumber.json<{ error: { message: string; details: Array<{ message: string }> } }>()
      .error;
    expect(error.message).not.toMatch(/\p{Script=Han}/u);
    expect(error.details[0]!.message).not.toMatch(/\p{Script=Han}/u);
    expect((await app.inject({ url: '/api/auth/me', headers: session.headers })).json().locale).toBe('en');
    const audit = await database()
      .db.selectFrom('audit_log')
      .select(['action', 'before', 'after'])
      .where('actor_user_id', '=', user.id)
      .where('action', '=', 'auth.locale_changed')
      .execute();
    expect(audit).toEqual([
      { action: 'auth.locale_changed', before: { locale: 'zh-CN' }, after: { locale: 'en' } },
    ]);
    // Without a session there is nobody whose setting to change.
    const anonymous = await app.inject({ method: 'PATCH', url: '/api/auth/me', payload: { locale: 'en' } });
    expect(anonymous.statusCode).toBe(401);
  });
});
