import { randomUUID } from 'node:crypto';
import type { FastifyInstance } from 'fastify';
import { afterAll, afterEach, beforeAll, expect, it } from 'vitest';
import { IDEMPOTENCY_LEASE_MS, idempotencyFaultsForTests } from './idempotency.js';
import { renewIdempotencyLeases } from './idempotency-repository.js';
import { describeEachDatabase } from '../test-support/database.js';
import { categoryId, createEventWorld, type EventWorld } from '../test-support/events-fixtures.js';
import { type Session, signIn, TestClock, testApp } from '../test-support/factories.js';
import { multipart } from '../test-support/multipart.js';
import { png } from '../test-support/test-images.js';

describeEachDatabase('idempotency keys', (database) => {
  let app: FastifyInstance;
  let world: EventWorld;
  let worker: Session;
  let other: Session;
  let houseId: number;
  const clock = new TestClock();

  beforeAll(async () => {
    app = await testApp(database(), clock);
    world = await createEventWorld(database().db);
    worker = await signIn(app, world.users.workerA.username);
    other = await signIn(app, world.users.workerB.username);
    const house = await app.inject({
      method: 'POST',
      url: '/api/houses',
      headers: worker.headers,
      payload: { areaId: world.tree.microA.id, address: `幂等路${randomUUID().slice(0, 6)}号` },
    });
    expect(house.statusCode, house.body).toBe(201);
    houseId = house.json<{ id: number }>().id;
  });
  afterAll(async () => {
    await app.close();
  });
  afterEach(() => {
    idempotencyFaultsForTests.insideTransaction = null;
    idempotencyFaultsForTests.afterCommit = null;
  });

  const visit = (session: Session, key: string | undefined, notes: string) =>
    app.inject({
      method: 'POST',
      url: '/api/visits',
      headers: { ...session.headers, ...(key === undefined ? {} : { 'idempotency-key': key }) },
      payload: { houseId, seenPersonIds: [], notes },
    });
  const visitsOfHouse = async () =>
    (
      await database()
        .db.selectFrom('household_visits')
        .select(['id', 'notes'])
        .where('house_id', '=', houseId)
        .execute()
    ).length;

  it('runs a retried visit once and answers the retry with the first answer', async () => {
    const before = await visitsOfHouse();
    const key = randomUUID();
    const first = await visit(worker, key, '第一次上门');
    expect(first.statusCode, first.body).toBe(201);
    expect(first.headers['idempotent-replayed']).toBeUndefined();
    const again = await visit(worker, key, '第一次上门');
    expect(again.statusCode).toBe(201);
    expect(again.headers['idempotent-replayed']).toBe('true');
    expect(again.json()).toEqual(first.json());
    expect(await visitsOfHouse()).toBe(before + 1);
    // Without a key nothing changes: two posts are two visits.
    await visit(worker, undefined, '无键');
    await visit(worker, undefined, '无键');
    expect(await visitsOfHouse()).toBe(before + 3);
  });

  it('refuses the same key with another body (422) and keys per user', async () => {
    const key = randomUUID();
    expect((await visit(worker, key, '甲')).statusCode).toBe(201);
    const changed = await visit(worker, key, '乙');
    expect(changed.statusCode).toBe(422);
    expect(changed.json().error.code).toBe('IDEMPOTENCY_KEY_REUSED');
    expect(changed.json().error.message).toContain('提交编号');
    // Another user's key space is their own: the same key runs for them (and is refused for the house, out of scope).
    const stranger = await visit(other, key, '甲');
    expect(stranger.headers['idempotent-replayed']).toBeUndefined();
    expect(stranger.statusCode).toBe(404);
  });

  it('refuses a key that is not a UUID, naming the header, and runs nothing', async () => {
    const before = await visitsOfHouse();
    for (const bad of ['abc', 'x'.repeat(36), "'; drop table visits; --"]) {
      const response = await visit(worker, bad, '坏键');
      expect(response.statusCode).toBe(400);
      expect(response.json().error.code).toBe('IDEMPOTENCY_KEY_INVALID');
      expect(response.json().error.details[0].field).toBe('headers.idempotency-key');
    }
    expect(await visitsOfHouse()).toBe(before);
  });

  it('lets one of two parallel identical requests run; the other waits its turn (409) or gets the replay', async () => {
    const before = await visitsOfHouse();
    const key = randomUUID();
    const answers = await Promise.all([visit(worker, key, '并发'), visit(worker, key, '并发')]);
    const statuses = answers.map((a) => a.statusCode).sort();
    expect(statuses[0]).toBe(201);
    expect([201, 409]).toContain(statuses[1]);
    const second = answers.find((a) => a.statusCode === 409 || a.headers['idempotent-replayed'] === 'true');
    expect(second, 'one answer is not a fresh run').toBeDefined();
    if (second!.statusCode === 409) expect(second!.json().error.code).toBe('IDEMPOTENCY_KEY_IN_FLIGHT');
    expect(await visitsOfHouse()).toBe(before + 1);
    // Once the first has finished, a retry gets its answer.
    const retry = await visit(worker, key, '并发');
    expect(retry.statusCode).toBe(201);
    expect(retry.headers['idempotent-replayed']).toBe('true');
  });

  it('frees a key left running by a node that died once its lease is out, and not before', async () => {
    const key = randomUUID();
    // What a node killed between its claim and its answer leaves: the claim, running, leased.
    const ran = await visit(worker, key, '节点崩溃');
    expect(ran.statusCode, ran.body).toBe(201);
    await database()
      .db.updateTable('idempotency_keys')
      .set({
        state: 'running',
        response_status: null,
        response_type: null,
        response_body: null,
        expires_at: new Date(clock.now().getTime() + IDEMPOTENCY_LEASE_MS),
      })
      .where('key', '=', key)
      .execute();
    const held = await visit(worker, key, '节点崩溃');
    expect(held.statusCode).toBe(409);
    expect(held.json().error.code).toBe('IDEMPOTENCY_KEY_IN_FLIGHT');
    clock.advance(IDEMPOTENCY_LEASE_MS + 1000);
    const before = await visitsOfHouse();
    const again = await visit(worker, key, '节点崩溃');
    expect(again.statusCode, again.body).toBe(201);
    expect(again.headers['idempotent-replayed']).toBeUndefined();
    expect(await visitsOfHouse()).toBe(before + 1);
    // Its answer is kept for the week again, not for a lease.
    const kept = await database()
      .db.selectFrom('idempotency_keys')
      .select(['state', 'expires_at'])
      .where('key', '=', key)
      .executeTakeFirstOrThrow();
    expect(kept.state).toBe('done');
    expect(new Date(kept.expires_at).getTime()).toBeGreaterThan(clock.now().getTime() + 6 * 24 * 3600 * 1000);
  });

  const keyRow = (key: string) =>
    database()
      .db.selectFrom('idempotency_keys')
      .select(['state', 'response_status', 'response_body'])
      .where('key', '=', key)
      .executeTakeFirst();

  it('commits the answer with the write: a node failing right after the commit leaves a retry the replay', async () => {
    const before = await visitsOfHouse();
    const key = randomUUID();
    // The node "dies" once the handler's transaction committed, before it answers or runs onSend's store.
    idempotencyFaultsForTests.afterCommit = () => Promise.reject(new Error('node killed after the commit'));
    const lost = await visit(worker, key, '提交后崩溃');
    expect(lost.statusCode).toBe(500);
    idempotencyFaultsForTests.afterCommit = null;
    // The write and its answer are both there: the same commit.
    expect(await visitsOfHouse()).toBe(before + 1);
    const row = await keyRow(key);
    expect(row?.state).toBe('done');
    expect(row?.response_status).toBe(201);
    // The retry replays the kept answer and writes nothing.
    const retry = await visit(worker, key, '提交后崩溃');
    expect(retry.statusCode, retry.body).toBe(201);
    expect(retry.headers['idempotent-replayed']).toBe('true');
    expect(retry.json()).toEqual(JSON.parse(row!.response_body!));
    expect(await visitsOfHouse()).toBe(before + 1);
    console.log(
      `idempotency after-commit failure: first=${lost.statusCode} retry=${retry.statusCode} replayed=${retry.headers['idempotent-replayed']} visits written=${(await visitsOfHouse()) - before}`,
    );
  });

  it('rolls the key back with the write: a failure inside the transaction leaves neither, and a retry runs once', async () => {
    const before = await visitsOfHouse();
    const key = randomUUID();
    idempotencyFaultsForTests.insideTransaction = () =>
      Promise.reject(new Error('crash inside the transaction'));
    const failed = await visit(worker, key, '事务内崩溃');
    expect(failed.statusCode).toBe(500);
    idempotencyFaultsForTests.insideTransaction = null;
    // Neither the visit nor a done key: the 5xx gave the running claim back.
    expect(await visitsOfHouse()).toBe(before);
    expect(await keyRow(key)).toBeUndefined();
    const retry = await visit(worker, key, '事务内崩溃');
    expect(retry.statusCode, retry.body).toBe(201);
    expect(retry.headers['idempotent-replayed']).toBeUndefined();
    expect(await visitsOfHouse()).toBe(before + 1);
    expect((await keyRow(key))?.state).toBe('done');
  });

  it('does not commit a write whose key was taken over after its lease ran out (409, rolled back)', async (ctx) => {
    // PGlite is one process with one connection: no second node can take the key over mid-transaction.
    if (database().raw.kind === 'pglite') ctx.skip();
    const before = await visitsOfHouse();
    const key = randomUUID();
    // While the write runs, its lease lapses and another node claims the key afresh.
    idempotencyFaultsForTests.insideTransaction = async () => {
      idempotencyFaultsForTests.insideTransaction = null;
      clock.advance(IDEMPOTENCY_LEASE_MS + 1000);
      await database()
        .db.updateTable('idempotency_keys')
        .set({ created_at: clock.now(), expires_at: new Date(clock.now().getTime() + IDEMPOTENCY_LEASE_MS) })
        .where('key', '=', key)
        .execute();
    };
    const late = await visit(worker, key, '租约过期');
    expect(late.statusCode, late.body).toBe(409);
    expect(late.json().error.code).toBe('IDEMPOTENCY_KEY_IN_FLIGHT');
    expect(await visitsOfHouse()).toBe(before);
    // The other node's claim is untouched: still running, not overwritten by the late node's 409.
    expect((await keyRow(key))?.state).toBe('running');
  });

  it('renews the lease of running keys only; a done key keeps its week', async () => {
    const [running, done] = [randomUUID(), randomUUID()];
    const userId = world.users.workerA.id;
    const now = clock.now();
    const soon = new Date(now.getTime() + 1000);
    const week = new Date(now.getTime() + 7 * 24 * 3600 * 1000);
    await database()
      .db.insertInto('idempotency_keys')
      .values([
        {
          user_id: userId,
          key: running,
          fingerprint: 'f',
          state: 'running',
          created_at: now,
          expires_at: soon,
        },
        { user_id: userId, key: done, fingerprint: 'f', state: 'done', created_at: now, expires_at: week },
      ])
      .execute();
    const until = new Date(now.getTime() + IDEMPOTENCY_LEASE_MS);
    await renewIdempotencyLeases(
      database().db,
      [
        { userId, key: running },
        { userId, key: done },
      ],
      until,
    );
    const rows = await database()
      .db.selectFrom('idempotency_keys')
      .select(['key', 'expires_at'])
      .where('key', 'in', [running, done])
      .execute();
    const expiry = new Map(rows.map((r) => [r.key, new Date(r.expires_at).getTime()]));
    expect(expiry.get(running)).toBe(until.getTime());
    expect(expiry.get(done)).toBe(week.getTime());
  });

  it('holds across app nodes on one database: the same key sent to two nodes at once runs once', async () => {
    const second = await testApp(database(), clock);
    try {
      const before = await visitsOfHouse();
      const key = randomUUID();
      const send = (node: FastifyInstance) =>
        node.inject({
          method: 'POST',
          url: '/api/visits',
          headers: { ...worker.headers, 'idempotency-key': key },
          payload: { houseId, seenPersonIds: [], notes: '两个节点' },
        });
      const answers = await Promise.all([send(app), send(second)]);
      const fresh = answers.filter((a) => a.statusCode === 201 && !a.headers['idempotent-replayed']);
      expect(fresh).toHaveLength(1);
      expect(await visitsOfHouse()).toBe(before + 1);
    } finally {
      await second.close();
    }
  });

  it('keeps a refusal too: a retry of a rejected write gets the same 4xx without running again', async () => {
    const key = randomUUID();
    const gone = {
      method: 'POST' as const,
      url: '/api/visits',
      payload: { houseId: 99999999, seenPersonIds: [] },
    };
    const first = await app.inject({ ...gone, headers: { ...worker.headers, 'idempotency-key': key } });
    expect(first.statusCode).toBe(404);
    const again = await app.inject({ ...gone, headers: { ...worker.headers, 'idempotency-key': key } });
    expect(again.statusCode).toBe(404);
    expect(again.headers['idempotent-replayed']).toBe('true');
    expect(again.json().error.code).toBe(first.json().error.code);
  });

  it('creates a patrol event with a photo once (multipart, retried)', async () => {
    const key = randomUUID();
    const category = await categoryId(database().db, 'epidemic.supply_need');
    const send = async () => {
      const form = await multipart(
        [{ field: 'photos', name: 'finding.png', content: await png(40, 30), type: 'image/png' }],
        {
          source: 'patrol',
          categoryId: String(category),
          areaId: String(world.tree.microA.id),
          title: '路灯不亮',
        },
      );
      return app.inject({
        method: 'POST',
        url: '/api/events',
        headers: { ...worker.headers, ...form.headers, 'idempotency-key': key },
        payload: form.payload,
      });
    };
    const first = await send();
    expect(first.statusCode, first.body).toBe(201);
    const again = await send();
    expect(again.statusCode).toBe(201);
    expect(again.headers['idempotent-replayed']).toBe('true');
    const { id } = first.json<{ id: number }>();
    expect(again.json<{ id: number }>().id).toBe(id);
    const events = await database()
      .db.selectFrom('events')
      .select('id')
      .where('title', '=', '路灯不亮')
      .execute();
    expect(events).toHaveLength(1);
    const detail = await app.inject({ url: `/api/events/${id}`, headers: worker.headers });
    expect(detail.json().photos).toHaveLength(1);
    // A form field that is not a number is refused naming it, as a JSON body would be.
    const bad = await multipart([], { source: 'patrol', categoryId: 'abc', areaId: '1', title: 'x' });
    const refused = await app.inject({
      method: 'POST',
      url: '/api/events',
      headers: { ...worker.headers, ...bad.headers },
      payload: bad.payload,
    });
    expect(refused.statusCode).toBe(400);
    expect(refused.json().error.details[0].field).toBe('body.categoryId');
  });

  it('forgets keys after 7 days (the expiry job), so the key may run again', async () => {
    const key = randomUUID();
    expect((await visit(worker, key, '过期')).statusCode).toBe(201);
    clock.advance(7 * 24 * 3600 * 1000 + 1000);
    const deleted = (await app.jobs.tick('idempotency-expiry')) as number;
    expect(deleted).toBeGreaterThan(0);
    const count = await database()
      .db.selectFrom('idempotency_keys')
      .select((eb) => eb.fn.countAll<number>().as('n'))
      .where('key', '=', key)
      .executeTakeFirstOrThrow();
    expect(Number(count.n)).toBe(0);
    // The week also ended the session: sign in again, as the phone would.
    worker = await signIn(app, world.users.workerA.username);
    const fresh = await visit(worker, key, '过期');
    expect(fresh.statusCode).toBe(201);
    expect(fresh.headers['idempotent-replayed']).toBeUndefined();
  });
});
