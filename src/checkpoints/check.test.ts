import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { describeEachDatabase } from '../test-support/database.js';
import { createCheckpoint } from '../test-support/checkpoints-fixtures.js';
import { notificationsOf } from '../test-support/events-fixtures.js';
import {
  type AreaTree,
  createAreaTree,
  createUser,
  type Session,
  signIn,
  TestClock,
  testApp,
} from '../test-support/factories.js';
import { addPerson } from '../test-support/health-rounds-fixtures.js';
import { addKeyPerson, setHealth } from '../test-support/health-status-fixtures.js';
import { createHouse, issueDoorToken } from '../test-support/services-fixtures.js';
import { GATE_LOOKUP_LIMITS, LOOKUP_LIMITS } from '../register/lookup-budget.js';
import { generatePassKeyPair, type PassJwk, signPassToken } from './pass-token.js';

const DAY = 86_400_000;

describeEachDatabase('the gate check of a person', (database) => {
  let app: FastifyInstance;
  let tree: AreaTree;
  let other: AreaTree;
  let gate: Session;
  let workerId: number;
  const clock = new TestClock();
  const now = clock.now();
  const cp: Record<'open' | 'passOnly' | 'elsewhere', number> = { open: 0, passOnly: 0, elsewhere: 0 };
  const people: Record<'green' | 'red' | 'quarantined', { id: number; documentNumber: string }> = {} as never;
  let privateJwk: PassJwk;
  let kid: string;
  let houseToken: string;

  const post = (url: string, payload: object, headers: Record<string, string> = {}) =>
    app.inject({ method: 'POST', url, payload, headers: { ...gate.headers, ...headers } });
  const identify = (checkpoint: number, payload: object) =>
    post(`/api/checkpoints/${checkpoint}/checks/identify`, payload);
  const record = (checkpoint: number, payload: object, headers: Record<string, string> = {}) =>
    post(`/api/checkpoints/${checkpoint}/checks`, payload, headers);
  const count = async (table: 'checkpoint_records' | 'events') =>
    Number(
      (
        await database()
          .db.selectFrom(table)
          .select((eb) => eb.fn.countAll().as('n'))
          .executeTakeFirstOrThrow()
      ).n,
    );

  /** A pass row for the person and its QR text, signed with the test key. */
  async function pass(personId: number, options: { validTo: Date; status?: 'active' | 'revoked' }) {
    const code = `TX${Math.random().toString(36).slice(2, 10)}`;
    const row = await database()
      .db.insertInto('passes')
      .values({
        code,
        person_id: personId,
        area_id: tree.village.id,
        area_path: tree.village.path,
        purpose: '返岗上班',
        valid_from: new Date(now.getTime() - 7 * DAY),
        valid_to: options.validTo,
        status: options.status ?? 'active',
        applied_by: 'staff',
        revoked_at: options.status === 'revoked' ? now : null,
      })
      .returning('id')
      .executeTakeFirstOrThrow();
    const token = await signPassToken(
      {
        v: 1,
        kid,
        pid: row.id,
        code,
        name: '王**',
        doc: '1****************X',
        purpose: '返岗上班',
        cps: [],
        area: tree.village.path,
        nbf: Math.floor((now.getTime() - 7 * DAY) / 1000),
        exp: Math.floor(options.validTo.getTime() / 1000),
      },
      privateJwk,
    );
    return { id: row.id, token };
  }

  beforeAll(async () => {
    app = await testApp(database(), clock);
    const db = database().db;
    tree = await createAreaTree(db);
    other = await createAreaTree(db);
    workerId = (await createUser(db, [{ role: 'grid_worker', area: tree.gridA }])).id;
    gate = await signIn(app, (await createUser(db, [{ role: 'volunteer', area: tree.village }])).username);
    cp.open = (await createCheckpoint(db, tree.village, { name: '村东入口' })).id;
    cp.passOnly = (
      await createCheckpoint(db, tree.village, {
        name: '村西入口',
        pass_required: true,
        check_temperature: false,
      })
    ).id;
    cp.elsewhere = (await createCheckpoint(db, other.village)).id;
    const house = await createHouse(db, tree.cellA);
    for (const [key, name] of [
      ['green', '王绿码'],
      ['red', '李红码'],
      ['quarantined', '赵隔离'],
    ] as const)
      people[key] = await addPerson(db, tree.cellA.id, { name, houseId: house.id });
    await setHealth(db, people.green.id, now, { code: 'GREEN', testHoursAgo: 10, doses: 3 });
    await setHealth(db, people.red.id, now, { code: 'RED', testHoursAgo: 10, doses: 3 });
    await setHealth(db, people.quarantined.id, now, { code: 'GREEN', testHoursAgo: 10, doses: 3 });
    await addKeyPerson(db, people.quarantined.id, 'home_quarantine', '2026-11-02');
    const keys = await generatePassKeyPair();
    privateJwk = keys.privateJwk;
    kid = 'k-test';
    await db
      .insertInto('pass_signing_keys')
      .values({ kid, public_jwk: JSON.stringify(keys.publicJwk), private_secret: 'sealed-elsewhere' })
      .execute();
    houseToken = await issueDoorToken(db, house);
  });
  afterAll(async () => {
    await app.close();
  });

  it('identifies by ID number (masked), records only on duty, and a retry is not doubled', async () => {
    const found = await identify(cp.open, { idNumber: people.green.documentNumber });
    expect(found.statusCode, found.body).toBe(200);
    const subject = found.json().subjects[0];
    expect(subject).toMatchObject({ nameMasked: '王**', verdict: 'green' });
    expect(found.body).not.toContain(people.green.documentNumber);
    expect(found.body).not.toContain('王绿码');
    expect(found.body).not.toContain(`"personId"`);

    const offDuty = await record(cp.open, {
      handle: subject.handle,
      direction: 'in',
      temperature: 36.5,
      decision: 'allowed',
    });
    expect(offDuty.statusCode).toBe(409);
    expect(offDuty.json().error.code).toBe('DUTY_NOT_SIGNED_IN');

    const signedIn = await post(`/api/checkpoints/${cp.open}/duty/sign-in`, {
      lng: 120.1,
      lat: 30.2,
      accuracyM: 8,
    });
    expect(signedIn.statusCode, signedIn.body).toBe(200);
    const before = await count('checkpoint_records');
    const key = { 'idempotency-key': '0b6f3c1e-2d4a-4c8e-9f1a-7b2c3d4e5f60' };
    const body = {
      handle: subject.handle,
      direction: 'in',
      temperature: 36.5,
      disinfected: true,
      decision: 'allowed',
    };
    const first = await record(cp.open, body, key);
    expect(first.statusCode, first.body).toBe(201);
    expect(first.json()).toMatchObject({
      record: { verdict: 'green', decision: 'allowed', fever: false },
      event: null,
    });
    const replay = await record(cp.open, body, key);
    expect(replay.headers['idempotent-replayed']).toBe('true');
    expect(replay.json().record.id).toBe(first.json().record.id);
    const again = await record(cp.open, body);
    expect(again.statusCode).toBe(409);
    expect(again.json().error.code).toBe('CHECK_ALREADY_RECORDED');
    expect(await count('checkpoint_records')).toBe(before + 1);

    const recent = await app.inject({
      url: `/api/checkpoints/${cp.open}/checks/recent`,
      headers: gate.headers,
    });
    expect(recent.json().items[0]).toMatchObject({ nameMasked: '王**', direction: 'in', temperature: 36.5 });
    expect(recent.body).not.toContain('王绿码');
  });

  it('refuses a red-code or quarantined person, opening an event for their grid worker', async () => {
    const red = (await identify(cp.open, { idNumber: people.red.documentNumber })).json().subjects[0];
    expect(red.verdict).toBe('red');
    expect(red.reasons[0]).toMatchObject({ code: 'HEALTH_CODE_RED', severity: 'red' });
    const before = { records: await count('checkpoint_records'), events: await count('events') };
    const allowed = await record(cp.open, {
      handle: red.handle,
      direction: 'in',
      temperature: 36.6,
      decision: 'allowed',
    });
    expect(allowed.statusCode).toBe(409);
    expect(allowed.json().error.code).toBe('CHECK_MUST_REFUSE');
    expect(await count('checkpoint_records')).toBe(before.records);
    expect(await count('events')).toBe(before.events);

    // The door code names the household: the quarantined member is red, the others as they are.
    const door = await identify(cp.open, {
      doorToken: `https://gg.example/h/${houseToken}`,
    });
    expect(door.statusCode, door.body).toBe(200);
    const members = door.json().subjects as Array<{
      nameMasked: string;
      verdict: string;
      handle: string;
      reasons: Array<{ code: string }>;
    }>;
    expect(members.map((m) => [m.nameMasked, m.verdict])).toEqual([
      ['王**', 'green'],
      ['李**', 'red'],
      ['赵**', 'red'],
    ]);
    const quarantined = members[2]!;
    expect(quarantined.reasons[0]!.code).toBe('KEY_PERSON_QUARANTINE');
    const refused = await record(cp.open, {
      handle: quarantined.handle,
      direction: 'in',
      temperature: 36.4,
      decision: 'refused',
      note: '劝返回家',
    });
    expect(refused.statusCode, refused.body).toBe(201);
    const eventId = refused.json().event.id;
    const event = await database()
      .db.selectFrom('events as e')
      .innerJoin('event_categories as c', 'c.id', 'e.category_id')
      .select(['e.area_id', 'e.tier', 'e.tier_area_id', 'e.description', 'c.code'])
      .where('e.id', '=', eventId)
      .executeTakeFirstOrThrow();
    expect(event).toMatchObject({
      area_id: tree.cellA.id,
      tier: 'grid',
      tier_area_id: tree.gridA.id,
      code: 'epidemic.checkpoint_refusal',
    });
    expect(event.description).toContain('居家隔离');
    expect(
      (await notificationsOf(database().db, workerId, 'event.new')).map((n) => Number(n.entity_id)),
    ).toContain(eventId);

    // A fever is red too, and opens a fever event.
    const green = (await identify(cp.open, { idNumber: people.green.documentNumber })).json().subjects[0];
    const feverAllowed = await record(cp.open, {
      handle: green.handle,
      direction: 'out',
      temperature: 38.1,
      decision: 'allowed',
    });
    expect(feverAllowed.json().error.code).toBe('CHECK_MUST_REFUSE');
    const fever = await record(cp.open, {
      handle: green.handle,
      direction: 'out',
      temperature: 38.1,
      decision: 'refused',
    });
    expect(fever.json()).toMatchObject({ record: { fever: true, verdict: 'red', reasons: ['FEVER'] } });
    expect(fever.json().event.id).toBeGreaterThan(0);
  });

  it('verifies passes: valid opens a pass-only gate; expired, revoked, forged are refused', async () => {
    const future = new Date(now.getTime() + 3 * DAY);
    const valid = await pass(people.green.id, { validTo: future });
    const ok = await identify(cp.passOnly, { passToken: valid.token });
    expect(ok.statusCode, ok.body).toBe(200);
    expect(ok.json().subjects[0]).toMatchObject({ verdict: 'green', pass: { purpose: '返岗上班' } });
    expect(ok.json().subjects[0].reasons.map((r: { code: string }) => r.code)).toEqual(['PASS_VALID']);

    const expired = await pass(people.green.id, { validTo: new Date(now.getTime() - DAY) });
    const revoked = await pass(people.green.id, { validTo: future, status: 'revoked' });
    for (const [token, code] of [
      [expired.token, 'PASS_EXPIRED'],
      [revoked.token, 'PASS_REVOKED'],
    ] as const) {
      const answer = (await identify(cp.passOnly, { passToken: token })).json().subjects[0];
      expect(answer.verdict).toBe('red');
      expect(answer.reasons[0].code).toBe(code);
    }
    // Altered payload (another pass id) under the same signature: forged, nobody identified.
    const [head, payload, signature] = valid.token.split('.');
    const altered = JSON.parse(Buffer.from(payload!, 'base64url').toString());
    altered.pid = expired.id;
    const forged = await identify(cp.passOnly, {
      passToken: `${head}.${Buffer.from(JSON.stringify(altered)).toString('base64url')}.${signature}`,
    });
    expect(forged.statusCode).toBe(400);
    expect(forged.json().error).toMatchObject({
      code: 'PASS_INVALID',
      details: [{ params: { problem: 'PASS_FORGED' } }],
    });

    // The same person without a pass at a pass-only gate: a pass is required (the valid one is found by ID).
    const byId = (await identify(cp.passOnly, { idNumber: people.red.documentNumber })).json().subjects[0];
    expect(byId.reasons.map((r: { code: string }) => r.code)).toContain('PASS_REQUIRED');
    const greenById = (await identify(cp.passOnly, { idNumber: people.green.documentNumber })).json()
      .subjects[0];
    expect(greenById).toMatchObject({ verdict: 'green', pass: { code: expect.any(String) } });
  });

  it('keeps another township’s checkpoint invisible and answers bad input with clear errors', async () => {
    for (const response of [
      await identify(cp.elsewhere, { idNumber: people.green.documentNumber }),
      await post(`/api/checkpoints/${cp.elsewhere}/duty/sign-in`, {}),
      await identify(999999, { idNumber: people.green.documentNumber }),
    ]) {
      expect(response.statusCode).toBe(404);
      expect(response.json().error.code).toBe('CHECKPOINT_NOT_FOUND');
    }
    const mine = await app.inject({ url: '/api/checkpoints/duty/mine', headers: gate.headers });
    expect(
      mine
        .json()
        .checkpoints.map((c: { id: number }) => c.id)
        .sort(),
    ).toEqual([cp.open, cp.passOnly].sort());

    const malformed = await identify(cp.open, { idNumber: '33010119800101123' });
    expect(malformed.statusCode).toBe(400);
    expect(malformed.json().error.message).toContain('idNumber');
    const both = await identify(cp.open, { idNumber: people.green.documentNumber, recordId: 5 });
    expect(both.statusCode).toBe(400);
    const unknownRecord = await identify(cp.open, { recordId: 424242 });
    expect(unknownRecord.json().error.code).toBe('CHECKPOINT_RECORD_NOT_FOUND');

    const before = await count('checkpoint_records');
    const subject = (await identify(cp.open, { idNumber: people.green.documentNumber })).json().subjects[0];
    const hot = await record(cp.open, {
      handle: subject.handle,
      direction: 'in',
      temperature: 50,
      decision: 'allowed',
    });
    expect(hot.statusCode).toBe(400);
    expect(hot.json().error.message).toContain('temperature');
    const noTemperature = await record(cp.open, {
      handle: subject.handle,
      direction: 'in',
      decision: 'allowed',
    });
    expect(noTemperature.json().error.message).toContain('temperature');
    const tampered = await record(cp.open, {
      handle: `${subject.handle}x`,
      direction: 'in',
      temperature: 36.5,
      decision: 'allowed',
    });
    expect(tampered.json().error.code).toBe('CHECK_HANDLE_INVALID');
    // A handle from this gate is no good at another.
    const elsewhere = await record(cp.passOnly, {
      handle: subject.handle,
      direction: 'in',
      decision: 'allowed',
    });
    expect(elsewhere.statusCode).toBe(409); // not on duty there comes first
    clock.advance(11 * 60_000);
    const late = await record(cp.open, {
      handle: subject.handle,
      direction: 'in',
      temperature: 36.5,
      decision: 'allowed',
    });
    expect(late.json().error.code).toBe('CHECK_HANDLE_INVALID');
    expect(await count('checkpoint_records')).toBe(before);
  });

  it('gives a gate on duty its own, larger lookup budget; off duty, typed ID numbers spend the register budget', async () => {
    const db = database().db;
    const volunteer = async () => {
      const user = await createUser(db, [{ role: 'volunteer', area: tree.village }]);
      return { userId: user.id, headers: (await signIn(app, user.username)).headers };
    };
    const lookups = async (headers: Record<string, string>, times: number) => {
      const statuses: number[] = [];
      for (let i = 0; i < times; i += 1)
        statuses.push(
          (
            await app.inject({
              method: 'POST',
              url: `/api/checkpoints/${cp.open}/checks/identify`,
              payload: { idNumber: people.green.documentNumber },
              headers,
            })
          ).statusCode,
        );
      return statuses;
    };
    const off = await volunteer();
    const offDuty = await lookups(off.headers, LOOKUP_LIMITS[0]!.limit + 1);
    expect(offDuty.slice(0, -1).every((status) => status === 200)).toBe(true);
    expect(offDuty.at(-1)).toBe(429);

    const on = await volunteer();
    const duty = await app.inject({
      method: 'POST',
      url: `/api/checkpoints/${cp.open}/duty/sign-in`,
      payload: {},
      headers: on.headers,
    });
    expect(duty.statusCode, duty.body).toBe(200);
    const gateLimit = GATE_LOOKUP_LIMITS[0]!.limit;
    expect(gateLimit).toBeGreaterThan(LOOKUP_LIMITS[0]!.limit);
    const onDuty = await lookups(on.headers, gateLimit + 1);
    expect(onDuty.slice(0, -1).every((status) => status === 200)).toBe(true);
    expect(onDuty.at(-1)).toBe(429);
    // The shift did not touch the register budget.
    const registerUsed = await db
      .selectFrom('lookup_budgets')
      .select('caller')
      .where('caller', '=', `user:${on.userId}`)
      .execute();
    expect(registerUsed).toEqual([]);
  });
});
