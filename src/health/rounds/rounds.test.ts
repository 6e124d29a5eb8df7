import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, expect, it } from 'vitest';
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
import { nodeCoverage, recountCoverage } from './counters-repository.js';
import { addPerson, addTestRecord } from '../../test-support/health-rounds-fixtures.js';

const STARTS = '2026-11-02T00:00:00+08:00';
const ENDS = '2026-11-04T00:00:00+08:00';
const inWindow = new Date('2026-11-02T09:30:00+08:00');
const beforeWindow = new Date('2026-11-01T20:00:00+08:00');

describeEachDatabase('screening rounds', (database) => {
  let app: FastifyInstance;
  let tree: AreaTree;
  let staff: Session;
  let staffName: string;
  let workerA: Session;
  let workerB: Session;
  let doctorA: Session;
  const clock = new TestClock();
  const a: number[] = [];
  const b: number[] = [];
  let roundId: number;

  const get = (session: Session, url: string) => app.inject({ url, headers: session.headers });
  const send = (session: Session, method: 'POST' | 'PUT' | 'DELETE', url: string, payload?: object) =>
    app.inject({ method, url, headers: session.headers, ...(payload ? { payload } : {}) });

  beforeAll(async () => {
    const db = database().db;
    app = await testApp(database(), clock);
    tree = await createAreaTree(db);
    const staffUser = await createUser(db, [{ role: 'community_staff', area: tree.village }]);
    staffName = staffUser.username;
    staff = await signIn(app, staffUser.username);
    workerA = await signIn(app, (await createUser(db, [{ role: 'grid_worker', area: tree.gridA }])).username);
    workerB = await signIn(app, (await createUser(db, [{ role: 'grid_worker', area: tree.gridB }])).username);
    doctorA = await signIn(app, (await createUser(db, [{ role: 'doctor', area: tree.gridA }])).username);
    a.push((await addPerson(db, tree.gridA.id, { name: '甲甲', phone: '13812345678' })).id);
    a.push((await addPerson(db, tree.cellA.id, { name: '甲乙', tags: ['bedridden'] })).id);
    a.push((await addPerson(db, tree.microA.id, { name: '甲丙' })).id);
    b.push((await addPerson(db, tree.gridB.id, { name: '乙甲' })).id);
    b.push((await addPerson(db, tree.cellB.id, { name: '乙乙' })).id);
    // One tested before the round exists, one outside the window.
    await addTestRecord(db, a[0]!, inWindow);
    await addTestRecord(db, b[0]!, beforeWindow);
  });
  afterAll(async () => {
    await app.close();
  });

  it('starts a round over a subtree for those who may run screening there, counting it at once', async () => {
    const bad = await send(staff, 'POST', '/api/rounds', {
      areaId: tree.village.id,
      name: '第一轮',
      startsAt: ENDS,
      endsAt: STARTS,
    });
    expect(bad.statusCode).toBe(400);
    expect(bad.json().error.code).toBe('ROUND_WINDOW_INVALID');
    // A grid worker sees only their grid: the village is not theirs to screen.
    const outside = await send(workerA, 'POST', '/api/rounds', {
      areaId: tree.village.id,
      name: '第一轮',
      startsAt: STARTS,
      endsAt: ENDS,
    });
    expect(outside.statusCode).toBe(404);

    const created = await send(staff, 'POST', '/api/rounds', {
      areaId: tree.village.id,
      name: '第一轮全员核酸',
      startsAt: STARTS,
      endsAt: ENDS,
    });
    expect(created.statusCode, created.body).toBe(201);
    roundId = created.json().id;
    expect(created.json()).toMatchObject({
      name: '第一轮全员核酸',
      area: { id: tree.village.id, level: 'village' },
      status: 'open',
      createdBy: staffName,
    });

    const coverage = await get(staff, `/api/rounds/${roundId}/coverage`);
    expect(coverage.statusCode, coverage.body).toBe(200);
    const body = coverage.json();
    expect(body.node).toMatchObject({
      area: { id: tree.village.id },
      due: 5,
      tested: 1,
      untested: 4,
      exempt: 0,
      departed: 0,
      testedShare: 0.2,
    });
    expect(body.children).toEqual([
      expect.objectContaining({ area: expect.objectContaining({ id: tree.gridA.id }), due: 3, tested: 1 }),
      expect.objectContaining({ area: expect.objectContaining({ id: tree.gridB.id }), due: 2, tested: 0 }),
    ]);
  });

  it('shows a grid worker their part of the round and their untested list, masked, and nothing of other grids', async () => {
    // The round covers grid A: worker A sees it, and lands on their grid by default.
    expect((await get(workerA, '/api/rounds')).json().items.map((r: { id: number }) => r.id)).toContain(
      roundId,
    );
    const mine = (await get(workerA, `/api/rounds/${roundId}/coverage`)).json();
    expect(mine.node).toMatchObject({ area: { id: tree.gridA.id }, due: 3, tested: 1, untested: 2 });
    expect(mine.children.map((c: { area: { id: number } }) => c.area.id)).toEqual([tree.microA.id]);
    expect(mine.children[0]).toMatchObject({ due: 2, tested: 0 });

    const list = await get(workerA, `/api/rounds/${roundId}/untested`);
    expect(list.statusCode, list.body).toBe(200);
    expect(list.json().total).toBe(2);
    const names = list.json().items.map((p: { name: string }) => p.name);
    expect(names.sort()).toEqual(['甲丙', '甲乙']);
    const bedridden = list.json().items.find((p: { name: string }) => p.name === '甲乙');
    expect(bedridden).toMatchObject({ tags: ['bedridden'], area: { id: tree.cellA.id }, mark: null });
    expect(bedridden.documentMasked).toMatch(/^\d\*{16}[\dX]$/);

    // Grid B's area, list and grids are not there for worker A.
    expect((await get(workerA, `/api/rounds/${roundId}/untested?within=${tree.gridB.id}`)).statusCode).toBe(
      404,
    );
    expect((await get(workerA, `/api/rounds/${roundId}/coverage?node=${tree.gridB.id}`)).statusCode).toBe(
      404,
    );
    const grids = (await get(workerA, `/api/rounds/${roundId}/coverage/grids`)).json().grids;
    expect(grids).toEqual([
      expect.objectContaining({ area: expect.objectContaining({ id: tree.gridA.id }), due: 3 }),
    ]);
    const all = (await get(staff, `/api/rounds/${roundId}/coverage/grids`)).json().grids;
    expect(all.map((g: { area: { id: number }; untested: number }) => [g.area.id, g.untested])).toEqual([
      [tree.gridA.id, 2],
      [tree.gridB.id, 2],
    ]);
    expect(all[0].parentId).toBe(tree.village.id);

    // A round of grid B alone is invisible to worker A.
    const roundB = await send(staff, 'POST', '/api/rounds', {
      areaId: tree.gridB.id,
      name: '乙网格补采',
      startsAt: STARTS,
      endsAt: ENDS,
    });
    expect(roundB.statusCode).toBe(201);
    expect((await get(workerA, `/api/rounds/${roundB.json().id}`)).statusCode).toBe(404);
    expect((await get(workerA, `/api/rounds/${roundB.json().id}/untested`)).statusCode).toBe(404);
    expect((await get(workerA, '/api/rounds')).json().items.map((r: { id: number }) => r.id)).not.toContain(
      roundB.json().id,
    );
    expect((await get(workerB, '/api/rounds')).json().total).toBe(2);
  });

  it('takes a test record into coverage as it arrives', async () => {
    await addTestRecord(database().db, a[2]!, inWindow);
    const node = (await get(workerA, `/api/rounds/${roundId}/coverage`)).json().node;
    expect(node).toMatchObject({ due: 3, tested: 2, untested: 1 });
    expect(
      (await get(workerA, `/api/rounds/${roundId}/untested`))
        .json()
        .items.map((p: { name: string }) => p.name),
    ).toEqual(['甲乙']);
  });

  it('lets the worker mark exemptions and outcomes, recounted at once and audited with who granted them', async () => {
    const url = `/api/rounds/${roundId}/marks/${a[1]}`;
    const wrongReason = await send(workerA, 'PUT', url, { kind: 'exempt', reason: 'refused' });
    expect(wrongReason.statusCode).toBe(400);
    expect(wrongReason.json().error.code).toBe('MARK_REASON_INVALID');
    expect((await send(workerB, 'PUT', url, { kind: 'exempt', reason: 'bedridden' })).statusCode).toBe(404);

    const outcome = await send(workerA, 'PUT', url, {
      kind: 'outcome',
      reason: 'unreachable',
      note: '电话未接',
    });
    expect(outcome.statusCode, outcome.body).toBe(200);
    const listed = (await get(workerA, `/api/rounds/${roundId}/untested`)).json().items;
    expect(listed[0].mark).toMatchObject({ kind: 'outcome', reason: 'unreachable', note: '电话未接' });

    const exempt = await send(doctorA, 'PUT', url, {
      kind: 'exempt',
      reason: 'bedridden',
      note: '卧床，上门采样另行安排',
    });
    expect(exempt.statusCode, exempt.body).toBe(200);
    expect((await get(workerA, `/api/rounds/${roundId}/untested`)).json().total).toBe(0);
    expect((await get(workerA, `/api/rounds/${roundId}/coverage`)).json().node).toMatchObject({
      due: 3,
      tested: 2,
      exempt: 1,
      untested: 0,
    });

    const audit = await database()
      .db.selectFrom('audit_log')
      .select(['action', 'actor_name', 'before', 'after'])
      .where('entity_type', '=', 'round_mark')
      .orderBy('id')
      .execute();
    expect(audit.map((e) => e.action)).toEqual(['round.mark', 'round.mark']);
    expect(audit[1]!.after).toMatchObject({ kind: 'exempt', reason: 'bedridden' });
    expect(audit[1]!.before).toMatchObject({ kind: 'outcome', reason: 'unreachable' });
    expect(audit[1]!.actor_name).toMatch(/^doctor_/);

    expect((await send(workerA, 'DELETE', url)).statusCode).toBe(204);
    expect((await send(workerA, 'DELETE', url)).statusCode).toBe(404);
    expect((await get(workerA, `/api/rounds/${roundId}/coverage`)).json().node).toMatchObject({
      exempt: 0,
      untested: 1,
    });
    expect(await nodeCoverage(database().db, roundId, tree.village.path)).toEqual(
      await recountCoverage(database().db, roundId, tree.village.path),
    );
  });

  it('closes a round: only over the whole round, once, and its figures stay as they were', async () => {
    expect((await send(workerA, 'POST', `/api/rounds/${roundId}/close`)).statusCode).toBe(403);
    const closed = await send(staff, 'POST', `/api/rounds/${roundId}/close`);
    expect(closed.statusCode, closed.body).toBe(200);
    expect(closed.json()).toMatchObject({ status: 'closed', closedBy: staffName });
    expect((await send(staff, 'POST', `/api/rounds/${roundId}/close`)).statusCode).toBe(409);
    const before = (await get(staff, `/api/rounds/${roundId}/coverage`)).json();

    const db = database().db;
    await addTestRecord(db, a[1]!, inWindow);
    await addPerson(db, tree.gridB.id, { name: '乙新' });
    await db
      .updateTable('persons')
      .set({ status: 'departed', departed_on: '2026-11-03' })
      .where('id', '=', b[1]!)
      .execute();
    const mark = await send(workerB, 'PUT', `/api/rounds/${roundId}/marks/${b[0]}`, {
      kind: 'exempt',
      reason: 'away',
    });
    expect(mark.statusCode).toBe(409);
    expect(mark.json().error.code).toBe('ROUND_CLOSED');

    expect((await get(staff, `/api/rounds/${roundId}/coverage`)).json()).toEqual(before);
  });
});
