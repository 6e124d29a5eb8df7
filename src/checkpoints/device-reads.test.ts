import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { createApiToken } from '../auth/repository.js';
import { createCheckpoint } from '../test-support/checkpoints-fixtures.js';
import { describeEachDatabase } from '../test-support/database.js';
import { createUser, type Session, signIn, TestClock, testApp } from '../test-support/factories.js';
import { createEventWorld, type EventWorld, notificationsOf } from '../test-support/events-fixtures.js';
import { addPerson } from '../test-support/health-rounds-fixtures.js';

const SECOND = 1000;
const MINUTE = 60 * SECOND;

describeEachDatabase('device reads at checkpoints', (database) => {
  const clock = new TestClock(new Date('2026-11-02T20:00:00+08:00'));
  let app: FastifyInstance;
  let world: EventWorld;
  let checkpointId: number;
  const devices = {} as Record<
    'plate' | 'gate' | 'road' | 'old',
    { id: number; code: string; token: string }
  >;
  let areaToken = '';
  let manager: Session;

  beforeAll(async () => {
    const db = database().db;
    app = await testApp(database(), clock, { GRIDGUARD_PLATE_READ_MERGE_SECONDS: '60' });
    world = await createEventWorld(db);
    const team = await db
      .insertInto('teams')
      .values({
        area_id: world.tree.gridA.id,
        area_path: world.tree.gridA.path,
        name: '东口值守队',
        kind: 'checkpoint',
        leader_user_id: world.users.leaderA.id,
      })
      .returning('id')
      .executeTakeFirstOrThrow();
    checkpointId = (await createCheckpoint(db, world.tree.microA, { name: '东村口', team_id: team.id })).id;
    for (const [key, kind, status] of [
      ['plate', 'plate', 'online'],
      ['gate', 'face_gate', 'online'],
      ['road', 'road', 'online'],
      ['old', 'plate', 'retired'],
    ] as const) {
      const code = `DEV-${key}-${world.tree.microA.id}`;
      const row = await db
        .insertInto('cameras')
        .values({
          area_id: world.tree.microA.id,
          area_path: world.tree.microA.path,
          code,
          name: `东村口${key}`,
          kind,
          status,
          checkpoint_id: kind === 'road' ? null : checkpointId,
        })
        .returning('id')
        .executeTakeFirstOrThrow();
      const { token } = await createApiToken(db, {
        name: code,
        areaId: world.tree.microA.id,
        capability: 'device.alerts',
        createdBy: null,
        cameraId: row.id,
      });
      devices[key] = { id: row.id, code, token };
    }
    areaToken = (
      await createApiToken(db, {
        name: 'area',
        areaId: world.tree.village.id,
        capability: 'device.alerts',
        createdBy: null,
      })
    ).token;
    await db
      .insertInto('risk_areas')
      .values({
        source: 'test',
        region_code: '420106',
        name: '武昌区',
        level: 'high',
        valid_from: new Date('2026-10-01'),
      })
      .execute();
    manager = await signIn(
      app,
      (await createUser(db, [{ role: 'grid_leader', area: world.tree.gridA }])).username,
    );
  });
  afterAll(async () => {
    await app.close();
  });

  const post = (kind: 'plate' | 'face', token: string, payload: unknown) =>
    app.inject({
      method: 'POST',
      url: `/api/devices/${kind}-reads`,
      headers: { authorization: `Bearer ${token}` },
      payload: payload as Record<string, unknown>,
    });
  const at = (offsetMs = 0) => new Date(clock.now().getTime() + offsetMs).toISOString();
  const recordsOf = (plate: string) =>
    database()
      .db.selectFrom('checkpoint_records')
      .select(['id', 'at', 'last_read_at', 'reads', 'flagged', 'source', 'camera_id'])
      .where('plate', '=', plate)
      .orderBy('at')
      .execute();

  it('merges repeated and out-of-order reads of one plate, answers a retried read the same, starts anew after the window', async () => {
    const first = await post('plate', devices.plate.token, {
      plate: '浙ａ１２３４５',
      at: at(),
      externalId: 'r-1',
    });
    expect(first.statusCode, first.body).toBe(200);
    expect(first.json()).toMatchObject({ stored: 1, results: [{ status: 'stored', flagged: false }] });
    const recordId = first.json().results[0].recordId;

    const repeat = await post('plate', devices.plate.token, {
      plate: '浙A12345',
      at: at(40 * SECOND),
      externalId: 'r-2',
    });
    expect(repeat.json().results[0]).toMatchObject({ status: 'merged', recordId });
    const earlier = await post('plate', devices.plate.token, {
      plate: '浙A12345',
      at: at(-30 * SECOND),
      externalId: 'r-0',
    });
    expect(earlier.json().results[0]).toMatchObject({ status: 'merged', recordId });
    const retry = await post('plate', devices.plate.token, {
      plate: '浙A12345',
      at: at(40 * SECOND),
      externalId: 'r-2',
    });
    expect(retry.json()).toMatchObject({ duplicates: 1, results: [{ status: 'duplicate', recordId }] });

    let records = await recordsOf('浙A12345');
    expect(records).toHaveLength(1);
    expect(records[0]).toMatchObject({ reads: 3, source: 'device', camera_id: devices.plate.id });
    expect(records[0]!.at.toISOString()).toBe(at(-30 * SECOND));
    expect(records[0]!.last_read_at!.toISOString()).toBe(at(40 * SECOND));

    // A batch: two reads of a new plate 10 s apart merge with each other; one 4 minutes later is a new crossing.
    const batch = await post('plate', devices.plate.token, [
      { plate: '浙A12345', at: at(4 * MINUTE), externalId: 'r-3' },
      { plate: '浙B77777', at: at(), externalId: 'r-4' },
      { plate: '浙B77777', at: at(10 * SECOND), externalId: 'r-5' },
      { plate: '浙B77777', at: at(10 * SECOND), externalId: 'r-5' },
    ]);
    expect(batch.json(), batch.body).toMatchObject({ stored: 2, merged: 1, duplicates: 1 });
    records = await recordsOf('浙A12345');
    expect(records.map((r) => r.reads)).toEqual([3, 1]);
    expect((await recordsOf('浙B77777')).map((r) => r.reads)).toEqual([2]);
    const camera = await database()
      .db.selectFrom('cameras')
      .select('last_read_at')
      .where('id', '=', devices.plate.id)
      .executeTakeFirstOrThrow();
    expect(camera.last_read_at?.toISOString()).toBe(at(4 * MINUTE));
  });

  it('refuses unknown, retired and misplaced devices, malformed plates and reads from the future, storing nothing', async () => {
    const before = await database()
      .db.selectFrom('checkpoint_records')
      .select((eb) => eb.fn.countAll().as('n'))
      .executeTakeFirstOrThrow();
    const cases: Array<[string, unknown, number, string]> = [
      [areaToken, { camera: 'NO-SUCH-CAMERA', plate: '浙A11111', at: at() }, 404, 'CAMERA_NOT_FOUND'],
      [devices.old.token, { plate: '浙A11111', at: at() }, 409, 'CAMERA_RETIRED'],
      [devices.road.token, { plate: '浙A11111', at: at() }, 409, 'CAMERA_NOT_AT_CHECKPOINT'],
      [devices.plate.token, { plate: '浙A1111', at: at() }, 400, 'PLATE_FORMAT'],
      [devices.plate.token, { plate: '浙A11111', at: at(60 * MINUTE) }, 400, 'READ_TIME_INVALID'],
      [devices.gate.token, { plate: '浙A11111', at: at() }, 409, 'CAMERA_NOT_AT_CHECKPOINT'],
    ];
    for (const [token, body, status, code] of cases) {
      const res = await post('plate', token, body);
      expect(res.statusCode, `${code}: ${res.body}`).toBe(status);
      expect(res.json().error.code).toBe(code);
    }
    expect((await post('plate', 'gg_not-a-token', { plate: '浙A11111', at: at() })).statusCode).toBe(401);
    // In a batch the bad rows are refused one by one and the good ones stored.
    const batch = await post('plate', areaToken, [
      { camera: devices.plate.code, plate: '浙C11111', at: at() },
      { camera: 'NO-SUCH-CAMERA', plate: '浙C22222', at: at() },
      { camera: devices.plate.code, plate: 'X', at: at() },
    ]);
    expect(batch.statusCode, batch.body).toBe(200);
    expect(batch.json()).toMatchObject({
      stored: 1,
      rejected: 2,
      results: [
        { index: 0, status: 'stored' },
        { index: 1, status: 'rejected', code: 'CAMERA_NOT_FOUND' },
        { index: 2, status: 'rejected', code: 'PLATE_PROVINCE', field: 'body.plate' },
      ],
    });
    const after = await database()
      .db.selectFrom('checkpoint_records')
      .select((eb) => eb.fn.countAll().as('n'))
      .executeTakeFirstOrThrow();
    expect(Number(after.n) - Number(before.n)).toBe(1);
  });

  it('flags a vehicle whose trail touches a risk area and alerts the checkpoint team once, not per read', async () => {
    await database()
      .db.insertInto('vehicle_trails')
      .values({
        plate: '鄂A66666',
        at: new Date(clock.now().getTime() - 2 * 86_400_000),
        region_code: '420106',
        source: '交警',
      })
      .execute();
    const read = await post('plate', devices.plate.token, { plate: '鄂A66666', at: at() });
    expect(read.json().results[0]).toMatchObject({ status: 'stored', flagged: true });
    clock.advance(10 * MINUTE);
    const again = await post('plate', devices.plate.token, { plate: '鄂A66666', at: at() });
    expect(again.json().results[0]).toMatchObject({ status: 'stored', flagged: true });
    const alerts = await notificationsOf(database().db, world.users.leaderA.id, 'checkpoint.vehicle_flagged');
    expect(alerts).toHaveLength(1);
    expect(alerts[0]).toMatchObject({ priority: 'urgent', entity_id: String(checkpointId) });
    const flagged = await recordsOf('鄂A66666');
    expect(flagged.every((r) => r.flagged)).toBe(true);
    // The grid leader's list shows it.
    const recent = await app.inject({
      method: 'GET',
      url: '/api/vehicles/recent?flagged=true',
      headers: manager.headers,
    });
    expect(recent.json().items.map((i: { plate: string }) => i.plate)).toContain('鄂A66666');
  });

  it('turns face-gate reads into person records, matched by ID number, and a fever into an event', async () => {
    const person = await addPerson(database().db, world.tree.cellA.id, { name: '李四' });
    const res = await post('face', devices.gate.token, [
      { at: at(), temperature: 36.5, idNumber: person.documentNumber, externalId: 'f-1' },
      { at: at(), temperature: 38.2, externalId: 'f-2' },
      { at: at(), temperature: 36.6, idNumber: '110101199001011234' },
    ]);
    expect(res.statusCode, res.body).toBe(200);
    const body = res.json();
    expect(body).toMatchObject({ stored: 2, rejected: 1 });
    expect(body.results[0]).toMatchObject({ status: 'stored', fever: false, eventId: null });
    expect(body.results[1]).toMatchObject({ status: 'stored', fever: true, eventId: expect.any(Number) });
    expect(body.results[2]).toMatchObject({ status: 'rejected', field: 'body.idNumber' });
    expect(res.body).not.toContain(person.documentNumber);
    const rows = await database()
      .db.selectFrom('checkpoint_records')
      .select(['person_id', 'document_masked', 'fever', 'event_id', 'subject'])
      .where('camera_id', '=', devices.gate.id)
      .orderBy('id')
      .execute();
    expect(rows[0]).toMatchObject({ subject: 'person', person_id: person.id, fever: false });
    expect(rows[0]!.document_masked).not.toBe(person.documentNumber);
    expect(rows[1]).toMatchObject({ fever: true, event_id: body.results[1].eventId });
    const event = await database()
      .db.selectFrom('events')
      .select(['source', 'title'])
      .where('id', '=', body.results[1].eventId)
      .executeTakeFirstOrThrow();
    expect(event.source).toBe('device');
    // Resending the fever read opens nothing new.
    const retry = await post('face', devices.gate.token, { at: at(), temperature: 38.2, externalId: 'f-2' });
    expect(retry.json().results[0]).toMatchObject({ status: 'duplicate', eventId: body.results[1].eventId });
  });

  it('registers a plate camera, issues its token once (the old one revoked), retires it; other areas stay invisible', async () => {
    const api = (method: 'GET' | 'POST' | 'PATCH', url: string, payload?: Record<string, unknown>) =>
      app.inject({ method, url, headers: manager.headers, ...(payload ? { payload } : {}) });
    const code = `NEW-PLATE-${world.tree.microA.id}`;
    const missing = await api('POST', '/api/devices', {
      code,
      name: '新车牌机',
      kind: 'plate',
      areaId: world.tree.microA.id,
    });
    expect(missing.json().error).toMatchObject({
      code: 'CAMERA_NOT_AT_CHECKPOINT',
      details: [{ field: 'body.checkpointId' }],
    });
    const created = await api('POST', '/api/devices', {
      code,
      name: '新车牌机',
      kind: 'plate',
      areaId: world.tree.gridA.id,
      checkpointId,
    });
    expect(created.statusCode, created.body).toBe(201);
    const id = created.json().id as number;
    expect(created.json()).toMatchObject({
      checkpoint: { id: checkpointId, name: '东村口' },
      area: { id: world.tree.microA.id },
    });
    expect(
      (
        await api('POST', '/api/devices', { code, name: 'x', kind: 'road', areaId: world.tree.gridA.id })
      ).json().error.code,
    ).toBe('CAMERA_CODE_TAKEN');

    const first = await api('POST', `/api/devices/${id}/token`);
    const second = await api('POST', `/api/devices/${id}/token`);
    expect(second.json().device.tokenIssuedAt).not.toBeNull();
    expect((await post('plate', first.json().token, { plate: '浙D12345', at: at() })).statusCode).toBe(401);
    expect((await post('plate', second.json().token, { plate: '浙D12345', at: at() })).statusCode).toBe(200);
    const renamed = await api('PATCH', `/api/devices/${id}`, { name: '东口车牌机' });
    expect(renamed.json()).toMatchObject({ name: '东口车牌机', lastReadAt: at() });

    const listed = await api('GET', '/api/devices?kind=plate');
    expect(listed.json().items.map((d: { code: string }) => d.code)).toContain(code);
    expect((await api('POST', `/api/devices/${id}/retire`)).json().status).toBe('retired');
    expect((await post('plate', second.json().token, { plate: '浙D12345', at: at() })).statusCode).toBe(401);
    const audit = await database()
      .db.selectFrom('audit_log')
      .select('action')
      .where('entity_type', '=', 'camera')
      .where('entity_id', '=', String(id))
      .orderBy('id')
      .execute();
    expect(audit.map((a) => a.action)).toEqual([
      'camera.create',
      'camera.token_issue',
      'camera.token_issue',
      'camera.update',
      'camera.retire',
    ]);
    // A grid leader of grid B sees none of grid A's devices.
    const leaderB = await signIn(
      app,
      (await createUser(database().db, [{ role: 'grid_leader', area: world.tree.gridB }])).username,
    );
    const theirs = await app.inject({ method: 'GET', url: '/api/devices', headers: leaderB.headers });
    expect(theirs.json().items).toEqual([]);
    expect(
      (await app.inject({ method: 'POST', url: `/api/devices/${id}/token`, headers: leaderB.headers }))
        .statusCode,
    ).toBe(404);
  });
});
