import type { FastifyInstance } from 'fastify';
import type { Kysely } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SYSTEM_VIEWER } from '../../auth/scope.js';
import { SeededRandom } from '../../core/random.js';
import type { DB } from '../../db/schema.js';
import { describeEachDatabase } from '../../test-support/database.js';
import {
  type AreaTree,
  createAreaTree,
  createUser,
  type Session,
  signIn,
  TestClock,
  testApp,
} from '../../test-support/factories.js';
import { addResident, createHouse } from '../../test-support/services-fixtures.js';
import { sweepReportSheet } from './report-sheet.js';
import { countersUnder, rebuildCounters, recount } from './repository.js';
import { phaseOf } from './service.js';

// The clock stands on the second day of a ten-day sweep (2026-11-01 … 2026-11-10, China time).
const STARTS_ON = '2026-11-01';
const ENDS_ON = '2026-11-10';
const HOUR = 3600 * 1000;

describe('a sweep’s phase', () => {
  const row = {
    status: 'open',
    starts_at: new Date('2026-11-01T00:00:00+08:00'),
    ends_at: new Date('2026-11-11T00:00:00+08:00'),
  };
  it('is upcoming before its first day, running within it, ended after its last, closed when closed', () => {
    expect(phaseOf(row, new Date('2026-10-31T23:59:00+08:00'))).toBe('upcoming');
    expect(phaseOf(row, new Date('2026-11-10T23:59:00+08:00'))).toBe('running');
    expect(phaseOf(row, new Date('2026-11-11T00:00:00+08:00'))).toBe('ended');
    expect(phaseOf({ ...row, status: 'closed' }, new Date('2026-11-05T00:00:00+08:00'))).toBe('closed');
  });
});

describeEachDatabase('door-to-door sweeps', (database) => {
  let app: FastifyInstance;
  let db: Kysely<DB>;
  let tree: AreaTree;
  let staff: Session;
  let workerA: Session;
  let workerB: Session;
  let volunteer: Session;
  let volunteerId: number;
  let workerBId: number;
  const clock = new TestClock();
  // Occupied houses of grid A (cell) and grid B, with their residents.
  const housesA: Array<{ id: number; residents: number[] }> = [];
  const housesB: Array<{ id: number; residents: number[] }> = [];
  let emptyHouseA: number;
  let sweepId: number;

  const get = (session: Session, url: string) => app.inject({ url, headers: session.headers });
  const send = (session: Session, method: 'POST' | 'PUT', url: string, payload?: object) =>
    app.inject({ method, url, headers: session.headers, ...(payload ? { payload } : {}) });
  const visit = (session: Session, houseId: number, payload: object, id = sweepId) =>
    send(session, 'POST', `/api/sweeps/${id}/households/${houseId}/visits`, payload);

  async function occupiedHouse(area: AreaTree['cellA'], residents: number) {
    const house = await createHouse(db, area);
    const ids: number[] = [];
    for (let i = 0; i < residents; i++) ids.push((await addResident(db, house)).id);
    return { id: house.id, residents: ids };
  }

  beforeAll(async () => {
    db = database().db;
    clock.advance(-clock.now().getTime() + new Date('2026-11-02T09:00:00+08:00').getTime());
    app = await testApp(database(), clock);
    tree = await createAreaTree(db);
    staff = await signIn(
      app,
      (await createUser(db, [{ role: 'community_staff', area: tree.village }])).username,
    );
    workerA = await signIn(app, (await createUser(db, [{ role: 'grid_worker', area: tree.gridA }])).username);
    const wB = await createUser(db, [{ role: 'grid_worker', area: tree.gridB }]);
    workerBId = wB.id;
    workerB = await signIn(app, wB.username);
    const vol = await createUser(db, [{ role: 'volunteer', area: tree.microA }]);
    volunteerId = vol.id;
    volunteer = await signIn(app, vol.username);
    for (let i = 0; i < 6; i++) housesA.push(await occupiedHouse(tree.cellA, 1 + (i % 3)));
    for (let i = 0; i < 4; i++) housesB.push(await occupiedHouse(tree.cellB, 2));
    emptyHouseA = (await createHouse(db, tree.cellA)).id;
    // The volunteer covers (包户) the first two households of grid A.
    await db
      .insertInto('volunteer_households')
      .values(
        housesA.slice(0, 2).map((h) => ({
          house_id: h.id,
          volunteer_user_id: vol.id,
          area_path: tree.cellA.path,
          assigned_by: 'test',
        })),
      )
      .execute();
  });
  afterAll(async () => {
    await app.close();
  });

  it('starts a sweep over the village for those who may run health work there, snapshotting its occupied houses', async () => {
    const backwards = await send(staff, 'POST', '/api/sweeps', {
      areaId: tree.village.id,
      name: '十日拉网排查',
      startsOn: ENDS_ON,
      endsOn: STARTS_ON,
    });
    expect(backwards.statusCode).toBe(400);
    expect(backwards.json().error.code).toBe('SWEEP_WINDOW_INVALID');
    expect(backwards.json().error.details[0].field).toBe('body.endsOn');
    // Grid B's worker may not start a sweep over the whole village; a volunteer none at all.
    const outside = await send(workerB, 'POST', '/api/sweeps', {
      areaId: tree.village.id,
      name: '越界',
      startsOn: STARTS_ON,
      endsOn: ENDS_ON,
    });
    expect(outside.statusCode).toBe(404);
    const byVolunteer = await send(volunteer, 'POST', '/api/sweeps', {
      areaId: tree.microA.id,
      name: '志愿者',
      startsOn: STARTS_ON,
      endsOn: ENDS_ON,
    });
    expect(byVolunteer.statusCode).toBe(403);

    const created = await send(staff, 'POST', '/api/sweeps', {
      areaId: tree.village.id,
      name: '十日拉网排查',
      startsOn: STARTS_ON,
      endsOn: ENDS_ON,
    });
    expect(created.statusCode, created.body).toBe(201);
    const sweep = created.json();
    sweepId = sweep.id;
    expect(sweep.phase).toBe('running');
    // Ten occupied households; the empty house is not one of them.
    expect(sweep.figures).toMatchObject({ total: 10, visited: 0, attempted: 0, unvisited: 10, fevers: 0 });
    const late = await createHouse(db, tree.cellA);
    await addResident(db, late);
    expect((await get(staff, `/api/sweeps/${sweepId}`)).json().figures.total).toBe(10);
    expect((await get(staff, `/api/sweeps/${sweepId}/households/${emptyHouseA}`)).statusCode).toBe(404);
    const audit = await db
      .selectFrom('audit_log')
      .select('action')
      .where('entity_type', '=', 'sweep_campaign')
      .where('entity_id', '=', String(sweepId))
      .execute();
    expect(audit.map((a) => a.action)).toEqual(['sweep.create']);
  });

  it('keeps grid A’s worker to grid A: grid B’s households are neither listed nor visitable', async () => {
    const list = await get(workerA, `/api/sweeps/${sweepId}/households?pending=true&pageSize=100`);
    expect(list.statusCode).toBe(200);
    expect(
      list
        .json()
        .items.map((h: { house: { id: number } }) => h.house.id)
        .sort(),
    ).toEqual(housesA.map((h) => h.id).sort());
    expect(list.json().items.every((h: { canVisit: boolean }) => h.canVisit)).toBe(true);
    // A's worker sees only grid A's part of the figures.
    expect((await get(workerA, `/api/sweeps/${sweepId}`)).json().figures.total).toBe(6);
    const b = housesB[0]!;
    const read = await get(workerA, `/api/sweeps/${sweepId}/households/${b.id}`);
    expect(read.statusCode).toBe(404);
    expect(read.json().error.code).toBe('SWEEP_HOUSEHOLD_NOT_FOUND');
    const write = await visit(workerA, b.id, { outcome: 'nobody_home', members: [] });
    expect(write.statusCode).toBe(404);
    expect(write.json().error.code).toBe('SWEEP_HOUSEHOLD_NOT_FOUND');
    expect((await get(workerB, `/api/sweeps/${sweepId}/progress`)).json().node.figures.attempted).toBe(0);
  });

  it('lets a volunteer record visits only for the households they cover or are given', async () => {
    const mine = await get(volunteer, '/api/sweeps/households/mine');
    expect(mine.statusCode).toBe(200);
    expect(
      mine
        .json()
        .items.map((h: { house: { id: number } }) => h.house.id)
        .sort(),
    ).toEqual(
      housesA
        .slice(0, 2)
        .map((h) => h.id)
        .sort(),
    );
    // The desk lists are not theirs (no health.read).
    expect((await get(volunteer, `/api/sweeps/${sweepId}/households`)).statusCode).toBe(403);
    const covered = housesA[0]!;
    const ok = await visit(volunteer, covered.id, {
      outcome: 'visited',
      members: [{ personId: covered.residents[0], temperature: 36.6, symptoms: [], doses: 3 }],
    });
    expect(ok.statusCode, ok.body).toBe(201);
    const other = housesA[3]!;
    const refused = await visit(volunteer, other.id, { outcome: 'nobody_home', members: [] });
    expect(refused.statusCode).toBe(404);

    // Grid B's worker cannot be given grid A's households; the volunteer can.
    const wrong = await send(staff, 'POST', `/api/sweeps/${sweepId}/assignments`, {
      houseIds: [other.id],
      assigneeUserId: workerBId,
    });
    expect(wrong.statusCode).toBe(400);
    expect(wrong.json().error.code).toBe('SWEEP_ASSIGNEE_INVALID');
    expect(wrong.json().error.details[0].field).toBe('body.assigneeUserId');
    const given = await send(workerA, 'POST', `/api/sweeps/${sweepId}/assignments`, {
      houseIds: [other.id],
      assigneeUserId: volunteerId,
    });
    expect(given.statusCode, given.body).toBe(200);
    expect(given.json().assigned).toBe(1);
    const nowMine = await get(volunteer, '/api/sweeps/households/mine');
    expect(nowMine.json().items.map((h: { house: { id: number } }) => h.house.id)).toContain(other.id);
    expect((await visit(volunteer, other.id, { outcome: 'nobody_home', members: [] })).statusCode).toBe(201);
    // Grid A's worker may not hand out grid B's households.
    const foreign = await send(workerA, 'POST', `/api/sweeps/${sweepId}/assignments`, {
      houseIds: [housesB[0]!.id],
      assigneeUserId: volunteerId,
    });
    expect(foreign.statusCode).toBe(404);
  });

  it('names the field of every refused answer', async () => {
    const house = housesA[1]!;
    const hot = await visit(workerA, house.id, {
      outcome: 'visited',
      members: [{ personId: house.residents[0], temperature: 45 }],
    });
    expect(hot.statusCode).toBe(400);
    expect(hot.json().error.details[0].field).toBe('body.members.0.temperature');
    const unknownSymptom = await visit(workerA, house.id, {
      outcome: 'visited',
      members: [{ personId: house.residents[0], symptoms: ['headache'] }],
    });
    expect(unknownSymptom.statusCode).toBe(400);
    expect(unknownSymptom.json().error.details[0].field).toMatch(/^body\.members\.0\.symptoms/);
    const stranger = await visit(workerA, house.id, {
      outcome: 'visited',
      members: [{ personId: housesB[0]!.residents[0] }],
    });
    expect(stranger.statusCode).toBe(400);
    expect(stranger.json().error.details[0].field).toBe('body.members.0.personId');
    const nobody = await visit(workerA, house.id, {
      outcome: 'nobody_home',
      members: [{ personId: house.residents[0] }],
    });
    expect(nobody.statusCode).toBe(400);
    expect(nobody.json().error.details[0]).toMatchObject({ field: 'body.members', code: 'nobodyHome' });
    const future = await visit(workerA, house.id, {
      outcome: 'nobody_home',
      members: [],
      visitedAt: new Date(clock.now().getTime() + 2 * HOUR).toISOString(),
    });
    expect(future.json().error.details[0].field).toBe('body.visitedAt');
    // Nothing of these reached the household.
    const detail = await get(workerA, `/api/sweeps/${sweepId}/households/${house.id}`);
    expect(detail.json().household.state).toBe('unvisited');
  });

  it('turns temperatures into health records and person health; a correction moves them back', async () => {
    const house = housesA[2]!;
    const person = house.residents[0]!;
    const first = await visit(workerA, house.id, {
      outcome: 'visited',
      members: [
        {
          personId: person,
          temperature: 38.1,
          symptoms: ['fever', 'cough'],
          travel: '武汉',
          fromRiskArea: true,
        },
      ],
    });
    expect(first.statusCode, first.body).toBe(201);
    expect(first.json().household).toMatchObject({ state: 'visited', fevers: 1 });
    expect(first.json().visits[0].members[0]).toMatchObject({ fever: true, symptoms: ['fever', 'cough'] });
    const health = () =>
      db
        .selectFrom('person_health')
        .select('last_temperature')
        .where('person_id', '=', person)
        .executeTakeFirst();
    expect(Number((await health())?.last_temperature)).toBe(38.1);
    const records = await db
      .selectFrom('health_records')
      .select(['kind', 'source', 'batch_id', 'value'])
      .where('person_id', '=', person)
      .execute();
    expect(records).toEqual([{ kind: 'temperature', source: 'sweep', batch_id: null, value: '38.10' }]);
    expect((await get(staff, `/api/sweeps/${sweepId}/progress`)).json().node.figures.fevers).toBe(1);
    // The health rules act on the sweep's reading: one fever key person for the grid worker.
    const feverKeyPersons = async () =>
      db
        .selectFrom('key_persons')
        .select(['category', 'source'])
        .where('person_id', '=', person)
        .where('status', '=', 'active')
        .execute();
    expect(await feverKeyPersons()).toEqual([{ category: 'fever', source: 'health_rule' }]);

    const fixed = await visit(workerA, house.id, {
      outcome: 'visited',
      members: [{ personId: person, temperature: 36.5 }],
      notes: '复测体温正常',
    });
    expect(fixed.statusCode).toBe(201);
    expect(fixed.json().visits).toHaveLength(2);
    expect(fixed.json().visits[0].correctsId).toBe(fixed.json().visits[1].id);
    expect(Number((await health())?.last_temperature)).toBe(36.5);
    expect((await get(staff, `/api/sweeps/${sweepId}/progress`)).json().node.figures.fevers).toBe(0);
    // A later reading opens nothing new; ending the fever follow-up stays the worker's call.
    expect(await feverKeyPersons()).toEqual([{ category: 'fever', source: 'health_rule' }]);
  });

  it('keeps progress equal to a recount after random visits and corrections', async () => {
    const random = new SeededRandom(13);
    const all = [
      ...housesA.map((h) => ({ ...h, who: workerA })),
      ...housesB.map((h) => ({ ...h, who: workerB })),
    ];
    for (let i = 0; i < 40; i++) {
      const house = random.pick(all);
      const home = random.chance(0.7);
      const members = home
        ? house.residents
            .filter(() => random.chance(0.8))
            .map((personId) => ({
              personId,
              temperature: random.chance(0.8) ? Math.round((35.8 + random.next() * 3) * 10) / 10 : null,
              symptoms: random.chance(0.3) ? ['cough'] : [],
            }))
        : [];
      const response = await visit(
        house.who,
        house.id,
        home && members.length > 0
          ? { outcome: 'visited', members }
          : { outcome: 'nobody_home', members: [] },
      );
      expect(response.statusCode, response.body).toBe(201);
    }
    const counted = await recount(db, sweepId);
    const counters = await countersUnder(db, sweepId, tree.village.path);
    const byPath = (rows: Array<{ area_path: string }>) =>
      [...rows].sort((x, y) => (x.area_path < y.area_path ? -1 : 1));
    expect(byPath(counters)).toEqual(byPath(counted.map(({ area_id: _, ...rest }) => rest)));
    // Counters spoilt by hand come back from the source in one call.
    await db.updateTable('sweep_counters').set({ visited: 99 }).where('campaign_id', '=', sweepId).execute();
    await rebuildCounters(db, sweepId);
    expect(byPath(await countersUnder(db, sweepId, tree.village.path))).toEqual(byPath(counters));

    const progress = (await get(staff, `/api/sweeps/${sweepId}/progress`)).json();
    const sum = (rows: typeof counted, key: 'total' | 'visited' | 'attempted' | 'fevers') =>
      rows.reduce((n, r) => n + r[key], 0);
    expect(progress.node.figures).toMatchObject({
      total: sum(counted, 'total'),
      visited: sum(counted, 'visited'),
      attempted: sum(counted, 'attempted'),
      fevers: sum(counted, 'fevers'),
    });
    const gridA = progress.grids.find((g: { area: { id: number } }) => g.area.id === tree.gridA.id);
    const inA = counted.filter((r) => r.area_path.startsWith(tree.gridA.path));
    expect(gridA.figures).toMatchObject({ total: sum(inA, 'total'), visited: sum(inA, 'visited') });
    const rowB = progress.rows.find((r: { area: { id: number } }) => r.area.id === tree.cellB.id);
    const inB = counted.filter((r) => r.area_path.startsWith(tree.cellB.path));
    expect(rowB.figures.unvisited).toBe(sum(inB, 'total') - sum(inB, 'visited') - sum(inB, 'attempted'));

    // The daily report's sheet shows the same figures per grid.
    const sheet = await sweepReportSheet.build(
      db,
      { viewer: SYSTEM_VIEWER, ip: null, now: clock.now },
      { ...tree.village },
      {
        date: '2026-11-02',
        start: new Date('2026-11-02T00:00:00+08:00'),
        end: new Date('2026-11-03T00:00:00+08:00'),
      },
    );
    const total = sheet!.rows.find((r) => r[2] === '合计')!;
    expect(total.slice(4, 9)).toEqual([
      sum(counted, 'total'),
      sum(counted, 'visited'),
      sum(counted, 'attempted'),
      sum(counted, 'total') - sum(counted, 'visited') - sum(counted, 'attempted'),
      sum(counted, 'fevers'),
    ]);
  });

  it('closes: only over the whole sweep, once; then no visit lands and the figures stay', async () => {
    const before = (await get(staff, `/api/sweeps/${sweepId}`)).json().figures;
    const byWorker = await send(workerA, 'POST', `/api/sweeps/${sweepId}/close`);
    expect(byWorker.statusCode).toBe(403);
    const closed = await send(staff, 'POST', `/api/sweeps/${sweepId}/close`);
    expect(closed.statusCode).toBe(200);
    expect(closed.json()).toMatchObject({ status: 'closed', phase: 'closed', figures: before });
    expect((await send(staff, 'POST', `/api/sweeps/${sweepId}/close`)).json().error.code).toBe(
      'SWEEP_CLOSED',
    );
    const late = await visit(workerA, housesA[4]!.id, { outcome: 'nobody_home', members: [] });
    expect(late.statusCode).toBe(409);
    expect(late.json().error.code).toBe('SWEEP_CLOSED');
    expect((await get(volunteer, '/api/sweeps/households/mine')).json().items).toEqual([]);
    expect((await get(staff, `/api/sweeps/${sweepId}`)).json().figures).toEqual(before);
  });

  it('refuses visits outside a sweep’s dates and shows it ended after its last day', async () => {
    const start = (startsOn: string, endsOn: string) =>
      send(staff, 'POST', '/api/sweeps', { areaId: tree.gridA.id, name: '短期排查', startsOn, endsOn });
    const ended = await start('2026-11-01', '2026-11-01');
    expect(ended.statusCode).toBe(201);
    expect(ended.json().phase).toBe('ended');
    const upcoming = await start('2026-11-05', '2026-11-06');
    expect(upcoming.json().phase).toBe('upcoming');
    for (const id of [ended.json().id, upcoming.json().id]) {
      const refused = await visit(workerA, housesA[5]!.id, { outcome: 'nobody_home', members: [] }, id);
      expect(refused.statusCode).toBe(409);
      expect(refused.json().error.code).toBe('SWEEP_NOT_RUNNING');
    }
    // An ended sweep is still closed by hand, which the desk offers.
    expect((await send(staff, 'POST', `/api/sweeps/${ended.json().id}/close`)).statusCode).toBe(200);
  });
});
