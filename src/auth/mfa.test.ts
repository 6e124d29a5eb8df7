import type { FastifyInstance } from 'fastify';
import { Secret, TOTP } from 'otpauth';
import { beforeAll, expect, it } from 'vitest';
import { describeEachDatabase } from '../test-support/database.js';
import {
  type AreaTree,
  createAreaTree,
  createUser,
  type Session,
  signIn,
  TEST_PASSWORD,
  TestClock,
  testApp,
} from '../test-support/factories.js';
import { MAX_FAILED_LOGINS } from './lockout.js';
import { CHALLENGE_TTL_MS, RECOVERY_CODE_COUNT } from './mfa.js';

const codeAt = (secret: string, at: Date) =>
  new TOTP({ secret: Secret.fromBase32(secret), digits: 6, period: 30 }).generate({
    timestamp: at.getTime(),
  });

let ipSequence = 0;
const nextIp = () => `10.77.0.${++ipSequence}`;

describeEachDatabase('staff second factor (TOTP)', (database) => {
  let app: FastifyInstance;
  let tree: AreaTree;
  const clock = new TestClock();

  beforeAll(async () => {
    app = await testApp(database(), clock);
    tree = await createAreaTree(database().db);
  });

  const password = (target: FastifyInstance, username: string, ip: string, secret = TEST_PASSWORD) =>
    target.inject({
      method: 'POST',
      url: '/api/auth/login',
      remoteAddress: ip,
      payload: { username, password: secret },
    });
  const secondStep = (target: FastifyInstance, challenge: string, code: string, ip: string) =>
    target.inject({
      method: 'POST',
      url: '/api/auth/login/mfa',
      remoteAddress: ip,
      payload: { challenge, code },
    });

  /** Sets up TOTP for a signed-in session; returns the secret and the recovery codes. */
  async function enrol(target: FastifyInstance, session: Session) {
    const setup = await target.inject({
      method: 'POST',
      url: '/api/auth/mfa/setup',
      headers: session.headers,
    });
    expect(setup.statusCode, setup.body).toBe(200);
    const { secret } = setup.json() as { secret: string };
    const confirm = await target.inject({
      method: 'POST',
      url: '/api/auth/mfa/confirm',
      headers: session.headers,
      payload: { code: codeAt(secret, clock.now()) },
    });
    expect(confirm.statusCode, confirm.body).toBe(200);
    clock.advance(30_000); // the confirming code's step is used; sign-ins take the next one
    return { secret, recoveryCodes: (confirm.json() as { recoveryCodes: string[] }).recoveryCodes };
  }

  it('enrols with a QR code and a first code; the secret is encrypted and the recovery codes hashed at rest', async () => {
    const user = await createUser(database().db, [{ role: 'community_staff', area: tree.village }]);
    const session = await signIn(app, user.username);
    const setup = await app.inject({ method: 'POST', url: '/api/auth/mfa/setup', headers: session.headers });
    const { secret, otpauthUri, qrDataUrl } = setup.json();
    expect(secret).toMatch(/^[A-Z2-7]{32}$/);
    expect(otpauthUri).toBe(
      `otpauth://totp/Gridguard:${user.username}?issuer=Gridguard&secret=${secret}&algorithm=SHA1&digits=6&period=30`,
    );
    expect(qrDataUrl).toMatch(/^data:image\/png;base64,/);
    const stored = await database()
      .db.selectFrom('user_mfa')
      .selectAll()
      .where('user_id', '=', user.id)
      .executeTakeFirstOrThrow();
    expect(stored.secret).not.toContain(secret);
    expect(app.cipher.decrypt(stored.secret)).toBe(secret);
    expect(stored.confirmed_at).toBeNull();

    const wrong = await app.inject({
      method: 'POST',
      url: '/api/auth/mfa/confirm',
      headers: session.headers,
      payload: { code: '000000' === codeAt(secret, clock.now()) ? '111111' : '000000' },
    });
    expect(wrong.statusCode).toBe(400);
    expect(wrong.json().error.code).toBe('MFA_CODE_INVALID');
    const confirm = await app.inject({
      method: 'POST',
      url: '/api/auth/mfa/confirm',
      headers: session.headers,
      payload: { code: codeAt(secret, clock.now()) },
    });
    const codes = confirm.json().recoveryCodes as string[];
    expect(codes).toHaveLength(RECOVERY_CODE_COUNT);
    expect(new Set(codes).size).toBe(RECOVERY_CODE_COUNT);
    for (const code of codes) expect(code).toMatch(/^[A-Z2-9]{4}-[A-Z2-9]{4}-[A-Z2-9]{4}-[A-Z2-9]{4}$/);
    const hashes = await database()
      .db.selectFrom('mfa_recovery_codes')
      .select('code_hash')
      .where('user_id', '=', user.id)
      .execute();
    expect(hashes).toHaveLength(RECOVERY_CODE_COUNT);
    const dump = JSON.stringify(hashes);
    for (const code of codes) expect(dump).not.toContain(code.replaceAll('-', ''));
    const audit = await database()
      .db.selectFrom('audit_log')
      .select(['action', 'actor_user_id'])
      .where('entity_id', '=', String(user.id))
      .where('action', '=', 'auth.mfa_enrolled')
      .execute();
    expect(audit).toEqual([{ action: 'auth.mfa_enrolled', actor_user_id: user.id }]);
    const me = await app.inject({ url: '/api/auth/me', headers: session.headers });
    expect(me.json()).toMatchObject({ mfaEnabled: true, mfaEnrolmentRequired: false, mfaMode: 'optional' });
    const again = await app.inject({ method: 'POST', url: '/api/auth/mfa/setup', headers: session.headers });
    expect(again.json().error.code).toBe('MFA_ALREADY_ENABLED');
  });

  it('signs in in two steps, and a code is accepted only once in its window', async () => {
    const user = await createUser(database().db, [{ role: 'grid_leader', area: tree.gridA }]);
    const { secret } = await enrol(app, await signIn(app, user.username));
    const ip = nextIp();
    const first = await password(app, user.username, ip);
    expect(first.statusCode).toBe(202);
    expect(first.cookies.find((c) => c.name === 'gg_session')).toBeUndefined();
    expect(first.json()).toMatchObject({ mfaRequired: true });
    const code = codeAt(secret, clock.now());
    const second = await secondStep(app, first.json().challenge, code, ip);
    expect(second.statusCode, second.body).toBe(200);
    expect(second.json().username).toBe(user.username);
    const cookie = second.cookies.find((c) => c.name === 'gg_session')!;
    expect(
      (await app.inject({ url: '/api/auth/me', headers: { cookie: `gg_session=${cookie.value}` } }))
        .statusCode,
    ).toBe(200);
    // The challenge is spent, and the same code in the same window is refused (replay).
    expect((await secondStep(app, first.json().challenge, code, ip)).json().error.code).toBe(
      'MFA_CHALLENGE_EXPIRED',
    );
    const replay = await secondStep(app, (await password(app, user.username, ip)).json().challenge, code, ip);
    expect(replay.statusCode).toBe(401);
    expect(replay.json().error).toMatchObject({ code: 'LOGIN_FAILED', details: { triesLeft: 4 } });
    // Two requests with the next code at once: exactly one signs in.
    clock.advance(30_000);
    const next = codeAt(secret, clock.now());
    const [a, b] = [
      (await password(app, user.username, ip)).json().challenge,
      (await password(app, user.username, ip)).json().challenge,
    ];
    const raced = await Promise.all([secondStep(app, a, next, ip), secondStep(app, b, next, ip)]);
    expect(raced.map((r) => r.statusCode).sort()).toEqual([200, 401]);
  });

  it('takes a recovery code once, audited, in place of a code', async () => {
    const user = await createUser(database().db, [{ role: 'commander', area: tree.county }]);
    const { recoveryCodes } = await enrol(app, await signIn(app, user.username));
    const ip = nextIp();
    const code = recoveryCodes[3]!;
    const used = await secondStep(
      app,
      (await password(app, user.username, ip)).json().challenge,
      code.toLowerCase().replaceAll('-', ' '),
      ip,
    );
    expect(used.statusCode, used.body).toBe(200);
    const again = await secondStep(app, (await password(app, user.username, ip)).json().challenge, code, ip);
    expect(again.statusCode).toBe(401);
    const audit = await database()
      .db.selectFrom('audit_log')
      .select(['action', 'after'])
      .where('entity_id', '=', String(user.id))
      .where('action', '=', 'auth.mfa_recovery_used')
      .execute();
    expect(audit).toEqual([
      { action: 'auth.mfa_recovery_used', after: { recoveryCodesLeft: RECOVERY_CODE_COUNT - 1 } },
    ]);
  });

  it('counts wrong codes toward the same lock-out as wrong passwords', async () => {
    const user = await createUser(database().db, [{ role: 'admin', area: tree.city }]);
    const { secret } = await enrol(app, await signIn(app, user.username));
    const ip = nextIp();
    expect((await password(app, user.username, ip, 'wrong-pass-1')).json().error.details.triesLeft).toBe(4);
    const challenge = (await password(app, user.username, ip)).json().challenge;
    const left = [];
    for (let i = 0; i < MAX_FAILED_LOGINS - 1; i++)
      left.push((await secondStep(app, challenge, '000000', ip)).json().error.details);
    expect(left.map((d) => d.triesLeft)).toEqual([3, 2, 1, 0]);
    expect(left.at(-1)).toMatchObject({ locked: true, lockMinutes: 15 });
    // Locked: the right password and the right code no longer open a session.
    expect((await secondStep(app, challenge, codeAt(secret, clock.now()), ip)).statusCode).toBe(401);
    const locked = await password(app, user.username, ip);
    expect(locked.statusCode).toBe(401);
    expect(locked.json().error.details.locked).toBe(true);
  });

  it('lets a challenge expire', async () => {
    const user = await createUser(database().db, [{ role: 'admin', area: tree.city }]);
    const { secret } = await enrol(app, await signIn(app, user.username));
    const ip = nextIp();
    const challenge = (await password(app, user.username, ip)).json().challenge;
    clock.advance(CHALLENGE_TTL_MS + 1000);
    const late = await secondStep(app, challenge, codeAt(secret, clock.now()), ip);
    expect(late.statusCode).toBe(401);
    expect(late.json().error.code).toBe('MFA_CHALLENGE_EXPIRED');
  });

  it('with GRIDGUARD_MFA=required, holds admins, commanders and user managers to enrolment first', async () => {
    const strict = await testApp(database(), clock, { GRIDGUARD_MFA: 'required' });
    const manager = await createUser(database().db, [{ role: 'community_staff', area: tree.village }]);
    const worker = await createUser(database().db, [{ role: 'grid_worker', area: tree.microA }]);
    const session = await signIn(strict, manager.username);
    const me = await strict.inject({ url: '/api/auth/me', headers: session.headers });
    expect(me.json()).toMatchObject({ mfaEnabled: false, mfaEnrolmentRequired: true, mfaMode: 'required' });
    const blocked = await strict.inject({ url: `/api/areas/${tree.gridA.id}`, headers: session.headers });
    expect(blocked.statusCode).toBe(403);
    expect(blocked.json().error.code).toBe('MFA_ENROLMENT_REQUIRED');
    const { secret } = await enrol(strict, session);
    expect(
      (await strict.inject({ url: `/api/areas/${tree.gridA.id}`, headers: session.headers })).statusCode,
    ).toBe(200);
    // From now on the password alone is not enough.
    expect((await password(strict, manager.username, nextIp())).statusCode).toBe(202);
    expect(secret).toBeTruthy();
    // A grid worker holds none of those rights: the second factor stays optional.
    const workerSession = await signIn(strict, worker.username);
    expect(
      (await strict.inject({ url: `/api/areas/${tree.microA.id}`, headers: workerSession.headers }))
        .statusCode,
    ).toBe(200);
    await strict.close();
  });

  it('is reset by a user manager (audited), and not by anyone else', async () => {
    const user = await createUser(database().db, [{ role: 'grid_worker', area: tree.microA }]);
    const admin = await createUser(database().db, [{ role: 'admin', area: tree.city }]);
    const outsider = await createUser(database().db, [{ role: 'grid_leader', area: tree.gridB }]);
    await enrol(app, await signIn(app, user.username));
    const adminSession = await signIn(app, admin.username);
    expect(
      (await app.inject({ url: `/api/users/${user.id}`, headers: adminSession.headers })).json().mfaEnabled,
    ).toBe(true);
    const denied = await app.inject({
      method: 'DELETE',
      url: `/api/users/${user.id}/mfa`,
      headers: (await signIn(app, outsider.username)).headers,
    });
    expect(denied.statusCode).toBeGreaterThanOrEqual(403);
    const reset = await app.inject({
      method: 'DELETE',
      url: `/api/users/${user.id}/mfa`,
      headers: adminSession.headers,
    });
    expect(reset.statusCode, reset.body).toBe(200);
    expect(reset.json().mfaEnabled).toBe(false);
    const audit = await database()
      .db.selectFrom('audit_log')
      .select(['action', 'actor_user_id'])
      .where('entity_id', '=', String(user.id))
      .where('action', '=', 'user.mfa_reset')
      .execute();
    expect(audit).toEqual([{ action: 'user.mfa_reset', actor_user_id: admin.id }]);
    expect((await password(app, user.username, nextIp())).statusCode).toBe(200);
  });

  it('with GRIDGUARD_MFA=off, offers no set-up and asks no code', async () => {
    const user = await createUser(database().db, [{ role: 'admin', area: tree.city }]);
    await enrol(app, await signIn(app, user.username));
    const off = await testApp(database(), clock, { GRIDGUARD_MFA: 'off' });
    expect((await password(off, user.username, nextIp())).statusCode).toBe(200);
    const other = await createUser(database().db, [{ role: 'admin', area: tree.city }]);
    const setup = await off.inject({
      method: 'POST',
      url: '/api/auth/mfa/setup',
      headers: (await signIn(off, other.username)).headers,
    });
    expect(setup.json().error.code).toBe('MFA_OFF');
    await off.close();
  });
});
