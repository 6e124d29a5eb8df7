import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { createApiToken } from '../auth/repository.js';
import { createCheckpoint } from '../test-support/checkpoints-fixtures.js';
import { describeEachDatabase } from '../test-support/database.js';
import {
  type AreaTree,
  createAreaTree,
  createUser,
  type Session,
  signIn,
  TestClock,
  testApp,
} from '../test-support/factories.js';
import { addPerson, nextIdNumber } from '../test-support/health-rounds-fixtures.js';

const HOUR = 3_600_000;

describeEachDatabase('vehicles at checkpoints', (database) => {
  const clock = new TestClock(new Date('2026-11-02T10:42:00+08:00'));
  let app: FastifyInstance;
  let tree: AreaTree;
  let other: AreaTree;
  const cp = {} as Record<'east' | 'west' | 'elsewhere', { id: number }>;
  let worker: Session;
  let leader: Session;
  let otherWorker: Session;
  let feedToken = '';
  let driver: { id: number; documentNumber: string };
  let names: Record<'worker' | 'leader' | 'otherWorker', string>;
  /** Sessions lapse when the test clock jumps a day. */
  const signInAll = async () => {
    worker = await signIn(app, names.worker);
    leader = await signIn(app, names.leader);
    otherWorker = await signIn(app, names.otherWorker);
  };

  beforeAll(async () => {
    const db = database().db;
    app = await testApp(database(), clock, { GRIDGUARD_VEHICLE_CHECK_WINDOW_HOURS: '24' });
    tree = await createAreaTree(db);
    other = await createAreaTree(db);
    cp.east = await createCheckpoint(db, tree.microA, { name: '东村口', kind: 'traffic' });
    cp.west = await createCheckpoint(db, tree.microB, { name: '西村口' });
    cp.elsewhere = await createCheckpoint(db, other.village, { name: '外镇卡口' });
    names = {
      worker: (await createUser(db, [{ role: 'grid_worker', area: tree.village }])).username,
      leader: (await createUser(db, [{ role: 'grid_leader', area: tree.gridA }])).username,
      otherWorker: (await createUser(db, [{ role: 'grid_worker', area: other.village }])).username,
    };
    await signInAll();
    feedToken = (
      await createApiToken(db, {
        name: '交警卡口数据',
        areaId: tree.city.id,
        capability: 'feed.health',
        createdBy: null,
      })
    ).token;
    driver = await addPerson(db, tree.cellA.id, { name: '张三' });
    await db
      .insertInto('risk_areas')
      .values([
        {
          source: 'test',
          region_code: '420106',
          name: '武昌区',
          level: 'high',
          valid_from: new Date('2026-10-01'),
        },
        {
          source: 'test',
          region_code: null,
          name: '黄石港',
          level: 'medium',
          valid_from: new Date('2026-10-01'),
        },
        // Lifted last month: no longer a reason.
        {
          source: 'test',
          region_code: '110105',
          name: '朝阳区',
          level: 'high',
          valid_from: new Date('2026-09-01'),
          valid_to: new Date('2026-10-01'),
        },
      ])
      .execute();
  });
  afterAll(async () => {
    await app.close();
  });

  const lookup = (session: Session, checkpointId: number, plate: string) =>
    app.inject({
      method: 'GET',
      url: `/api/checkpoints/${checkpointId}/vehicles/${encodeURIComponent(plate)}`,
      headers: { ...session.headers, 'accept-language': 'zh-CN' },
    });
  const check = (session: Session, checkpointId: number, body: Record<string, unknown>) =>
    app.inject({
      method: 'POST',
      url: `/api/checkpoints/${checkpointId}/vehicles/checks`,
      headers: session.headers,
      payload: { direction: 'in', decision: 'allowed', ...body },
    });

  it('normalises plates typed full-width, lower case or spaced, and names what is wrong with a bad one', async () => {
    for (const [typed, plate, kind] of [
      ['沪ａ１２３４５', '沪A12345', 'ordinary'],
      ['浙ad 12345', '浙AD12345', 'new_energy_small'],
      ['粤B·1234学', '粤B1234学', 'suffixed'],
    ]) {
      const res = await lookup(worker, cp.east.id, typed!);
      expect(res.statusCode, res.body).toBe(200);
      expect(res.json()).toMatchObject({
        plate,
        plateKind: kind,
        flagged: false,
        lastCheck: null,
        history: [],
      });
    }
    for (const [typed, code, problem] of [
      ['A12345', 'PLATE_PROVINCE', 'plateProvince'],
      ['浙A1234', 'PLATE_FORMAT', 'plateFormat'],
      ['浙AO1234', 'PLATE_FORMAT', 'plateFormat'],
    ]) {
      const res = await lookup(worker, cp.east.id, typed!);
      expect(res.statusCode, typed).toBe(400);
      const error = res.json().error;
      expect(error.code).toBe(code);
      expect(error.details[0]).toMatchObject({ field: 'params.plate', code: problem });
      expect(error.message).toMatch(/车牌/);
    }
    const empty = await check(worker, cp.east.id, { plate: ' · ' });
    expect(empty.json().error).toMatchObject({ code: 'PLATE_EMPTY', details: [{ field: 'body.plate' }] });
  });

  it('checked once, known everywhere: a check at one checkpoint shows at the other, occupants masked', async () => {
    const stranger = nextIdNumber('330102');
    const first = await check(worker, cp.east.id, {
      plate: '浙a88888',
      origin: '杭州市西湖区',
      destination: '星火村',
      cargo: '蔬菜',
      driverIdNumber: driver.documentNumber,
      passengerIdNumbers: [stranger],
    });
    expect(first.statusCode, first.body).toBe(201);
    expect(first.json().record).toMatchObject({
      plate: '浙A88888',
      source: 'staff',
      decision: 'allowed',
      flagged: false,
    });
    expect(first.body).not.toContain(driver.documentNumber);
    expect(first.body).not.toContain(stranger);

    const gateList = await app.inject({
      method: 'GET',
      url: `/api/checkpoints/${cp.east.id}/vehicles`,
      headers: worker.headers,
    });
    expect(gateList.json()).toMatchObject({ checkpoint: { name: '东村口' }, items: [{ plate: '浙A88888' }] });

    clock.advance(2 * HOUR);
    const there = await lookup(worker, cp.west.id, '浙A88888');
    expect(there.statusCode, there.body).toBe(200);
    const seen = there.json();
    expect(seen.lastCheck).toMatchObject({
      checkpoint: { id: cp.east.id, name: '东村口' },
      decision: 'allowed',
      origin: '杭州市西湖区',
      at: '2026-11-02T02:42:00.000Z',
      inScope: true,
    });
    expect(seen.lastCheck.occupants).toEqual([
      { role: 'driver', documentMasked: expect.stringMatching(/^\d\*+[\dX]$/), known: true },
      { role: 'passenger', documentMasked: expect.stringMatching(/^\d\*+[\dX]$/), known: false },
    ]);
    const audit = await database()
      .db.selectFrom('audit_log')
      .select(['after'])
      .where('action', '=', 'vehicle.check')
      .where('entity_id', '=', seen.lastCheck.id)
      .executeTakeFirstOrThrow();
    expect(JSON.stringify(audit.after)).not.toContain(driver.documentNumber);
    // The lookup itself is kept too: who asked for the plate, at which gate.
    const looked = await database()
      .db.selectFrom('audit_log')
      .select(['after', 'area_path'])
      .where('action', '=', 'vehicle.lookup')
      .where('entity_id', '=', String(cp.west.id))
      .execute();
    expect(looked.map((row) => row.after)).toContainEqual(
      expect.objectContaining({ plate: '浙A88888', flagged: false }),
    );

    // Past the window the check is no longer shown.
    clock.advance(23 * HOUR);
    await signInAll();
    expect((await lookup(worker, cp.west.id, '浙A88888')).json().lastCheck).toBeNull();
  });

  it('flags a vehicle from a current risk area, by region code or by name, with reasons', async () => {
    const byCode = await check(worker, cp.east.id, { plate: '鄂A12345', origin: '420106001' });
    expect(byCode.statusCode, byCode.body).toBe(201);
    expect(byCode.json().vehicle).toMatchObject({
      flagged: true,
      reasons: [{ kind: 'origin', riskArea: '武昌区', level: 'high', place: '420106001' }],
    });
    expect(byCode.json().record.flagged).toBe(true);
    const byName = await check(worker, cp.east.id, { plate: '鄂B12345', origin: '湖北省黄石市黄石港区' });
    expect(byName.json().vehicle.reasons).toMatchObject([{ riskArea: '黄石港', level: 'medium' }]);
    const lifted = await check(worker, cp.east.id, { plate: '京A12345', origin: '110105' });
    expect(lifted.json().vehicle.flagged).toBe(false);

    // The grid leader sees flagged vehicles of their grid's checkpoints.
    const recent = await app.inject({
      method: 'GET',
      url: '/api/vehicles/recent?flagged=true',
      headers: leader.headers,
    });
    expect(recent.statusCode, recent.body).toBe(200);
    expect(
      recent
        .json()
        .items.map((i: { plate: string }) => i.plate)
        .sort(),
    ).toEqual(['鄂A12345', '鄂B12345']);
  });

  it('flags from an imported trail; bad trail rows are refused one by one, retries stored once', async () => {
    const push = (trails: unknown[]) =>
      app.inject({
        method: 'POST',
        url: '/api/vehicles/trails',
        headers: { authorization: `Bearer ${feedToken}` },
        payload: { trails },
      });
    const at = new Date(clock.now().getTime() - 3 * 24 * HOUR).toISOString();
    const trails = [
      { plate: '苏E54321', at, regionCode: '420106', externalId: 't-1' },
      { plate: 'E54321', at, regionCode: '420106' },
      { plate: '苏E54321', at: new Date(clock.now().getTime() + 24 * HOUR).toISOString(), place: '武昌区' },
      { plate: '苏E54321', at, regionCode: '4201' },
    ];
    const res = await push(trails);
    expect(res.statusCode, res.body).toBe(200);
    expect(res.json()).toMatchObject({
      stored: 1,
      duplicates: 0,
      rejects: [
        { index: 1, code: 'PLATE_PROVINCE', field: 'body.trails/1/plate' },
        { index: 2, code: 'READ_TIME_INVALID', field: 'body.trails/2/at' },
        { index: 3, code: 'VALIDATION_FAILED', field: 'body.trails/3/regionCode' },
      ],
    });
    expect((await push(trails.slice(0, 1))).json()).toMatchObject({ stored: 0, duplicates: 1 });
    const seen = (await lookup(worker, cp.east.id, '苏E54321')).json();
    expect(seen).toMatchObject({
      flagged: true,
      reasons: [{ kind: 'trail', riskArea: '武昌区', place: '420106' }],
    });
    // A person's session is no feed.
    expect(
      (
        await app.inject({
          method: 'POST',
          url: '/api/vehicles/trails',
          headers: worker.headers,
          payload: { trails },
        })
      ).statusCode,
    ).toBe(403);
  });

  it('keeps a checkpoint of another township invisible, and its checks to where, when and what', async () => {
    expect((await lookup(worker, cp.elsewhere.id, '浙A88888')).json().error.code).toBe(
      'CHECKPOINT_NOT_FOUND',
    );
    expect((await check(worker, cp.elsewhere.id, { plate: '浙A88888' })).statusCode).toBe(404);
    const checkedThere = await check(otherWorker, cp.elsewhere.id, {
      plate: '皖K11111',
      origin: '合肥',
      cargo: '家具',
      driverIdNumber: nextIdNumber('340102'),
    });
    expect(checkedThere.statusCode, checkedThere.body).toBe(201);
    const here = (await lookup(worker, cp.east.id, '皖K11111')).json();
    expect(here.lastCheck).toMatchObject({
      checkpoint: { name: '外镇卡口' },
      origin: '合肥',
      cargo: null,
      occupants: [],
      recordedBy: null,
      inScope: false,
    });
    const recent = await app.inject({ method: 'GET', url: '/api/vehicles/recent', headers: leader.headers });
    expect(recent.json().items.map((i: { plate: string }) => i.plate)).not.toContain('皖K11111');
    // A grid leader of grid A may look at grid A's checkpoint but not record checks at grid B's… they hold checkpoint.check in their grid only.
    expect((await check(leader, cp.west.id, { plate: '浙A22222' })).statusCode).toBe(404);
  });
});
