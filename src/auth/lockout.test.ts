import type { FastifyInstance } from 'fastify';
import { beforeAll, expect, it } from 'vitest';
import { describeEachDatabase } from '../test-support/database.js';
import {
  type AreaTree,
  createAreaTree,
  createUser,
  TEST_PASSWORD,
  TestClock,
  testApp,
} from '../test-support/factories.js';
import { BUDGET_WINDOW_MS, LOCKOUT_MS, MAX_FAILED_LOGINS } from './lockout.js';
import { hashPassword } from './password.js';
import { normaliseUsername } from './username.js';

const fullWidth = (text: string) =>
  [...text].map((c) => (c >= '!' && c <= '~' ? String.fromCharCode(c.charCodeAt(0) + 0xfee0) : c)).join('');

let ipSequence = 0;
/** A client address of its own per test, so one test's attempts never use another's budget. */
const nextIp = () => `10.9.${Math.floor(++ipSequence / 250)}.${(ipSequence % 250) + 1}`;

async function attempt(app: FastifyInstance, username: string, password: string, ip: string) {
  return app.inject({
    method: 'POST',
    url: '/api/auth/login',
    remoteAddress: ip,
    payload: { username, password },
  });
}

it('normalises a sign-in name once: white space, case and full-width forms are one name', () => {
  for (const variant of [' admin', 'admin\t', 'ADMIN', 'ａｄｍｉｎ', '\u3000Admin ', 'ＡＤＭＩＮ'])
    expect(normaliseUsername(variant)).toBe('admin');
});

describeEachDatabase('sign-in lock-out and budgets', (database) => {
  let app: FastifyInstance;
  let tree: AreaTree;
  const clock = new TestClock();

  beforeAll(async () => {
    app = await testApp(database(), clock);
    tree = await createAreaTree(database().db);
  });

  it('locks the account when 25 wrong passwords arrive at once, and then refuses the right one', async () => {
    const user = await createUser(database().db, [{ role: 'grid_worker', area: tree.microA }]);
    const ip = nextIp();
    const guesses = await Promise.all(
      Array.from({ length: 25 }, (_, i) => attempt(app, user.username, `wrong-pass-${i}`, ip)),
    );
    expect(guesses.map((r) => r.statusCode)).toEqual(Array(25).fill(401));
    const counter = await database()
      .db.selectFrom('login_throttle')
      .selectAll()
      .where('name_key', '=', user.username.toLowerCase())
      .executeTakeFirstOrThrow();
    expect(counter.failures).toBe(25);
    expect(counter.locked_until!.getTime()).toBe(clock.now().getTime() + LOCKOUT_MS);

    const right = await attempt(app, user.username, TEST_PASSWORD, ip);
    expect(right.statusCode).toBe(401);
    expect(right.json().error).toMatchObject({
      code: 'LOGIN_FAILED',
      details: { triesLeft: 0, locked: true, lockMinutes: 15 },
    });
    expect(right.cookies.find((c) => c.name === 'gg_session')).toBeUndefined();
  });

  it('counts " name", "name\\t", "NAME" and the full-width name toward the same lock', async () => {
    const user = await createUser(database().db, [{ role: 'grid_worker', area: tree.microA }]);
    const ip = nextIp();
    const variants = [
      ` ${user.username}`,
      `${user.username}\t`,
      user.username.toUpperCase(),
      fullWidth(user.username),
    ];
    const left: number[] = [];
    for (const variant of variants) {
      const response = await attempt(app, variant, 'wrong-pass-1', ip);
      expect(response.statusCode).toBe(401);
      left.push(response.json().error.details.triesLeft);
    }
    expect(left).toEqual([4, 3, 2, 1]);
    // The fifth failure, under yet another spelling, locks the one name.
    expect(
      (await attempt(app, `  ${fullWidth(user.username.toUpperCase())} `, 'wrong-pass-1', ip)).json().error
        .details,
    ).toEqual({
      triesLeft: 0,
      locked: true,
      lockMinutes: 15,
    });
    const right = await attempt(app, user.username, TEST_PASSWORD, ip);
    expect(right.statusCode).toBe(401);
    expect(right.json().error.details.locked).toBe(true);
    // A right password under a variant spelling signs in once the lock is over.
    clock.advance(LOCKOUT_MS + 1000);
    expect((await attempt(app, fullWidth(user.username), TEST_PASSWORD, ip)).statusCode).toBe(200);
  });

  it('gives an outsider the same answer for an unknown name, a wrong password and a locked account', async () => {
    const user = await createUser(database().db, [{ role: 'grid_worker', area: tree.microA }]);
    const ip = nextIp();
    const unknownName = `nobody_${user.username}`;
    const unknownFirst = await attempt(app, unknownName, 'wrong-pass-1', ip);
    const wrongFirst = await attempt(app, user.username, 'wrong-pass-1', ip);
    expect(unknownFirst.statusCode).toBe(401);
    expect(wrongFirst.statusCode).toBe(401);
    expect(unknownFirst.json()).toEqual(wrongFirst.json());
    expect(wrongFirst.json()).toEqual({
      error: {
        code: 'LOGIN_FAILED',
        message: '用户名或密码错误',
        details: { triesLeft: 4, lockMinutes: 15, locked: false },
      },
    });
    for (let i = 0; i < MAX_FAILED_LOGINS - 1; i++) {
      await attempt(app, unknownName, 'wrong-pass-1', ip);
      await attempt(app, user.username, 'wrong-pass-1', ip);
    }
    const unknownLocked = await attempt(app, unknownName, 'wrong-pass-1', ip);
    const accountLocked = await attempt(app, user.username, TEST_PASSWORD, ip);
    expect(accountLocked.statusCode).toBe(401);
    expect(unknownLocked.statusCode).toBe(401);
    expect(unknownLocked.json()).toEqual(accountLocked.json());
    expect(accountLocked.json().error).toEqual({
      code: 'LOGIN_FAILED',
      message: '用户名或密码错误',
      details: { triesLeft: 0, lockMinutes: 15, locked: true },
    });
    expect(Object.keys(unknownLocked.headers).sort()).toEqual(Object.keys(accountLocked.headers).sort());
  });

  it('tells how many tries are left and how long the lock still lasts', async () => {
    const user = await createUser(database().db, [{ role: 'doctor', area: tree.gridA }]);
    const ip = nextIp();
    const seen = [];
    for (let i = 0; i < MAX_FAILED_LOGINS; i++)
      seen.push((await attempt(app, user.username, 'wrong-pass-1', ip)).json().error.details);
    expect(seen.map((d) => d.triesLeft)).toEqual([4, 3, 2, 1, 0]);
    expect(seen.at(-1)).toEqual({ triesLeft: 0, lockMinutes: 15, locked: true });
    clock.advance(10 * 60_000);
    const later = (await attempt(app, user.username, TEST_PASSWORD, ip)).json().error;
    expect(later.details).toEqual({ triesLeft: 0, lockMinutes: 5, locked: true });
    // The sentence is worded from the code in the caller's language; the tries and minutes travel as details.
    expect(later.message).toBe('用户名或密码错误');
    clock.advance(5 * 60_000 + 1000);
    expect((await attempt(app, user.username, TEST_PASSWORD, ip)).statusCode).toBe(200);
    // A success clears the count: the next mistake has all tries again.
    expect((await attempt(app, user.username, 'wrong-pass-1', ip)).json().error.details.triesLeft).toBe(4);
  });

  it('unlocks by an administrator', async () => {
    const user = await createUser(database().db, [{ role: 'grid_worker', area: tree.microA }]);
    const admin = await createUser(database().db, [{ role: 'admin', area: tree.city }]);
    const ip = nextIp();
    for (let i = 0; i < MAX_FAILED_LOGINS; i++) await attempt(app, user.username, 'wrong-pass-1', ip);
    const adminLogin = await attempt(app, admin.username, TEST_PASSWORD, ip);
    const headers = {
      cookie: `gg_session=${adminLogin.cookies.find((c) => c.name === 'gg_session')!.value}`,
      'x-csrf-token': adminLogin.json().csrfToken,
    };
    expect((await app.inject({ url: `/api/users/${user.id}`, headers })).json().locked).toBe(true);
    const unlocked = await app.inject({
      method: 'PATCH',
      url: `/api/users/${user.id}`,
      headers,
      payload: { unlock: true },
    });
    expect(unlocked.json().locked).toBe(false);
    expect((await attempt(app, user.username, TEST_PASSWORD, ip)).statusCode).toBe(200);
  });

  it('cuts one client off past its budget with 429 and Retry-After, while other clients sign in', async () => {
    const budgetApp = await testApp(database(), clock, { GRIDGUARD_LOGIN_CLIENT_BUDGET: '6' });
    const user = await createUser(database().db, [{ role: 'grid_worker', area: tree.microA }]);
    const noisy = nextIp();
    // Successful sign-ins give their attempt back: they never use up the budget.
    for (let i = 0; i < 8; i++)
      expect((await attempt(budgetApp, user.username, TEST_PASSWORD, noisy)).statusCode).toBe(200);
    const answers = [];
    for (let i = 0; i < 7; i++)
      answers.push(await attempt(budgetApp, `guess_${i}_${user.username}`, 'wrong-pass-1', noisy));
    expect(answers.map((r) => r.statusCode)).toEqual([401, 401, 401, 401, 401, 401, 429]);
    const limited = answers.at(-1)!;
    expect(limited.json().error.code).toBe('RATE_LIMITED');
    const retryAfter = Number(limited.headers['retry-after']);
    expect(retryAfter).toBeGreaterThan(0);
    expect(retryAfter).toBeLessThanOrEqual(BUDGET_WINDOW_MS / 1000);
    // Even the right password waits: the budget is answered before any password is checked.
    expect((await attempt(budgetApp, user.username, TEST_PASSWORD, noisy)).statusCode).toBe(429);
    expect((await attempt(budgetApp, user.username, TEST_PASSWORD, nextIp())).statusCode).toBe(200);
    clock.advance(retryAfter * 1000);
    expect((await attempt(budgetApp, user.username, TEST_PASSWORD, noisy)).statusCode).toBe(200);
    await budgetApp.close();
  });

  it('shares a global budget between two app nodes on one database', async () => {
    clock.advance(BUDGET_WINDOW_MS);
    const config = { GRIDGUARD_LOGIN_GLOBAL_BUDGET: '8' };
    const nodeA = await testApp(database(), clock, config);
    const nodeB = await testApp(database(), clock, config);
    const user = await createUser(database().db, [{ role: 'grid_worker', area: tree.microA }]);
    const statuses = [];
    for (let i = 0; i < 8; i++)
      statuses.push(
        (await attempt(i % 2 ? nodeA : nodeB, `spray_${i}_${user.username}`, 'x-pass-1', nextIp()))
          .statusCode,
      );
    expect(statuses).toEqual(Array(8).fill(401));
    const fromNewClient = await attempt(nodeA, user.username, TEST_PASSWORD, nextIp());
    expect(fromNewClient.statusCode).toBe(429);
    expect(fromNewClient.json().error.code).toBe('RATE_LIMITED');
    expect(Number(fromNewClient.headers['retry-after'])).toBeGreaterThan(0);
    expect((await attempt(nodeB, user.username, TEST_PASSWORD, nextIp())).statusCode).toBe(429);
    clock.advance(BUDGET_WINDOW_MS);
    expect((await attempt(nodeB, user.username, TEST_PASSWORD, nextIp())).statusCode).toBe(200);
    await nodeA.close();
    await nodeB.close();
  });

  it('keeps a real sign-in fast while 24 unknown names are tried at once', async () => {
    clock.advance(BUDGET_WINDOW_MS);
    // A production-cost hash (scrypt N=2^17), as real accounts have: the test cost would hide the contention.
    const user = await createUser(database().db, [{ role: 'grid_worker', area: tree.microA }]);
    await database()
      .db.updateTable('users')
      .set({ password_hash: await hashPassword(TEST_PASSWORD) })
      .where('id', '=', user.id)
      .execute();
    const timed = async () => {
      const started = performance.now();
      const response = await attempt(app, user.username, TEST_PASSWORD, nextIp());
      expect(response.statusCode).toBe(200);
      return performance.now() - started;
    };
    const alone = await timed();
    const floodIp = nextIp();
    const flood = Array.from({ length: 24 }, (_, i) =>
      attempt(app, `flood_${i}_${user.username}`, 'wrong-pass-1', floodIp),
    );
    const underFlood = await timed();
    const answers = await Promise.all(flood);
    expect(answers.map((r) => r.statusCode)).toEqual(Array(24).fill(401));
    // Decoy hashing made this ~24 scrypt runs long (11.5 s measured); now it is one run plus queries.
    expect(
      underFlood,
      `alone ${Math.round(alone)} ms, under the flood ${Math.round(underFlood)} ms`,
    ).toBeLessThan(Math.max(4 * alone, 1500));
  });
});
