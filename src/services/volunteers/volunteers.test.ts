import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
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
import { createHouses } from '../../test-support/services-fixtures.js';
import { allocateHouses } from './allocate.js';

describe('allocateHouses', () => {
  it('fills everyone to three before anyone gets a fourth, keeps neighbours together, never exceeds five', () => {
    const plan = allocateHouses(
      [1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12],
      [
        { userId: 20, households: 0 },
        { userId: 10, households: 2 },
        { userId: 30, households: 5 },
      ],
    );
    expect(plan).toEqual([
      { houseId: 1, volunteerUserId: 10 },
      { houseId: 2, volunteerUserId: 20 },
      { houseId: 3, volunteerUserId: 20 },
      { houseId: 4, volunteerUserId: 20 },
      { houseId: 5, volunteerUserId: 10 },
      { houseId: 6, volunteerUserId: 10 },
      { houseId: 7, volunteerUserId: 20 },
      { houseId: 8, volunteerUserId: 20 },
    ]);
  });
});

describeEachDatabase('volunteers’ households', (database) => {
  let app: FastifyInstance;
  let tree: AreaTree;
  let leaderA: Session;
  let leaderB: Session;
  let workerA: Session;
  let volunteerSession: Session;
  const v: Array<{ id: number; username: string }> = [];
  let volunteerB: { id: number };

  beforeAll(async () => {
    const db = database().db;
    app = await testApp(database(), new TestClock());
    tree = await createAreaTree(db);
    leaderA = await signIn(app, (await createUser(db, [{ role: 'grid_leader', area: tree.gridA }])).username);
    leaderB = await signIn(app, (await createUser(db, [{ role: 'grid_leader', area: tree.gridB }])).username);
    workerA = await signIn(
      app,
      (await createUser(db, [{ role: 'grid_worker', area: tree.microA }])).username,
    );
    for (let i = 0; i < 3; i++) v.push(await createUser(db, [{ role: 'volunteer', area: tree.microA }]));
    volunteerB = await createUser(db, [{ role: 'volunteer', area: tree.microB }]);
    volunteerSession = await signIn(app, v[0]!.username);
  });
  afterAll(async () => {
    await app.close();
  });

  const call = (session: Session, method: 'GET' | 'POST' | 'DELETE', url: string, payload?: object) =>
    app.inject({ method, url, headers: session.headers, ...(payload ? { payload } : {}) });

  it('assigns at most five households per volunteer and one volunteer per household', async () => {
    const houses = await createHouses(database().db, tree.cellA, 7);
    const first = await call(leaderA, 'POST', '/api/volunteer-households', {
      volunteerUserId: v[0]!.id,
      houseIds: houses.slice(0, 4).map((h) => h.id),
    });
    expect(first.statusCode, first.body).toBe(200);
    expect(first.json().volunteer.households).toBe(4);

    const tooMany = await call(leaderA, 'POST', '/api/volunteer-households', {
      volunteerUserId: v[0]!.id,
      houseIds: [houses[4]!.id, houses[5]!.id],
    });
    expect(tooMany.statusCode).toBe(409);
    expect(tooMany.json().error.code).toBe('VOLUNTEER_FULL');
    expect(tooMany.json().error.message).toContain(`测试${v[0]!.username}`);

    // Assigning the same house again is a no-op; the fifth still fits.
    const fifth = await call(leaderA, 'POST', '/api/volunteer-households', {
      volunteerUserId: v[0]!.id,
      houseIds: [houses[0]!.id, houses[4]!.id],
    });
    expect(fifth.statusCode, fifth.body).toBe(200);
    expect(fifth.json().volunteer.households).toBe(5);

    const taken = await call(leaderA, 'POST', '/api/volunteer-households', {
      volunteerUserId: v[1]!.id,
      houseIds: [houses[0]!.id],
    });
    expect(taken.statusCode).toBe(409);
    expect(taken.json().error.code).toBe('HOUSE_ALREADY_COVERED');

    // A volunteer of micro-grid B does not serve micro-grid A.
    const foreign = await call(leaderA, 'POST', '/api/volunteer-households', {
      volunteerUserId: volunteerB.id,
      houseIds: [houses[6]!.id],
    });
    expect(foreign.statusCode).toBe(400);
    expect(foreign.json().error.code).toBe('VOLUNTEER_NOT_IN_AREA');

    // Grid B's leader can neither assign nor unassign grid A's houses.
    const outOfScope = await call(leaderB, 'POST', '/api/volunteer-households', {
      volunteerUserId: v[1]!.id,
      houseIds: [houses[6]!.id],
    });
    expect(outOfScope.statusCode).toBe(404);
    expect((await call(leaderB, 'DELETE', `/api/volunteer-households/${houses[0]!.id}`)).statusCode).toBe(
      404,
    );
    // Grid workers handle requests but do not manage coverage.
    expect((await call(workerA, 'DELETE', `/api/volunteer-households/${houses[0]!.id}`)).statusCode).toBe(
      403,
    );

    const freed = await call(leaderA, 'DELETE', `/api/volunteer-households/${houses[0]!.id}`);
    expect(freed.statusCode).toBe(204);
    const audit = await database()
      .db.selectFrom('audit_log')
      .select('action')
      .where('entity_type', '=', 'house')
      .where('entity_id', '=', String(houses[0]!.id))
      .orderBy('id')
      .execute();
    expect(audit.map((a) => a.action)).toEqual(['volunteer.assign', 'volunteer.unassign']);
  });

  it('reports coverage and auto-assigns uncovered houses deterministically', async () => {
    const report = await call(workerA, 'GET', `/api/areas/${tree.microA.id}/volunteer-coverage`);
    expect(report.statusCode, report.body).toBe(200);
    const before = report.json();
    expect(before.totals).toMatchObject({
      houses: 7,
      covered: 4,
      uncovered: 3,
      volunteers: 3,
      volunteersUnderMinimum: 2,
    });
    expect(before.volunteers.find((x: { userId: number }) => x.userId === v[0]!.id).households).toBe(4);
    expect(before.uncoveredHouses).toHaveLength(3);

    const auto = await call(leaderA, 'POST', `/api/areas/${tree.microA.id}/volunteer-coverage/auto-assign`);
    expect(auto.statusCode, auto.body).toBe(200);
    const result = auto.json();
    // Three uncovered houses go to the volunteer with the lowest id that is under three.
    expect(result.assigned.map((a: { volunteerUserId: number }) => a.volunteerUserId)).toEqual([
      v[1]!.id,
      v[1]!.id,
      v[1]!.id,
    ]);
    expect(result.coverage.totals).toMatchObject({ uncovered: 0, covered: 7, volunteersUnderMinimum: 1 });

    const nothingLeft = await call(
      leaderA,
      'POST',
      `/api/areas/${tree.microA.id}/volunteer-coverage/auto-assign`,
    );
    expect(nothingLeft.json().assigned).toEqual([]);
  });

  it('keeps coverage reports to staff of the area', async () => {
    expect((await call(leaderB, 'GET', `/api/areas/${tree.microA.id}/volunteer-coverage`)).statusCode).toBe(
      404,
    );
    // A volunteer handles their own requests but does not see the micro-grid's coverage.
    expect(
      (await call(volunteerSession, 'GET', `/api/areas/${tree.microA.id}/volunteer-coverage`)).statusCode,
    ).toBe(404);
    const grid = await call(leaderA, 'GET', `/api/areas/${tree.gridA.id}/volunteer-coverage`);
    expect(grid.statusCode).toBe(400);
    expect(grid.json().error.code).toBe('AREA_LEVEL_INVALID');
  });
});
