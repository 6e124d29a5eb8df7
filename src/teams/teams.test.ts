import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { createHouse } from '../test-support/services-fixtures.js';
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

describeEachDatabase('teams, members and responsibilities', (database) => {
  let app: FastifyInstance;
  let tree: AreaTree;
  let staff: Session;
  let leaderA: Session;
  let leaderB: Session;
  const users: Record<string, { id: number; username: string }> = {};

  beforeAll(async () => {
    const db = database().db;
    app = await testApp(database(), new TestClock());
    tree = await createAreaTree(db);
    users.staff = await createUser(db, [{ role: 'community_staff', area: tree.village }]);
    users.leaderA = await createUser(db, [{ role: 'grid_leader', area: tree.gridA }]);
    users.leaderB = await createUser(db, [{ role: 'grid_leader', area: tree.gridB }]);
    users.workerA = await createUser(db, [{ role: 'grid_worker', area: tree.microA }]);
    users.workerB = await createUser(db, [{ role: 'grid_worker', area: tree.microB }]);
    users.policeA = await createUser(db, [{ role: 'police', area: tree.gridA }]);
    users.doctorA = await createUser(db, [{ role: 'doctor', area: tree.gridA }]);
    users.volunteerA = await createUser(db, [{ role: 'volunteer', area: tree.microA }]);
    users.volunteerB = await createUser(db, [{ role: 'volunteer', area: tree.microB }]);
    users.townPolice = await createUser(db, [{ role: 'police', area: tree.township }]);
    staff = await signIn(app, users.staff.username);
    leaderA = await signIn(app, users.leaderA.username);
    leaderB = await signIn(app, users.leaderB.username);
  });
  afterAll(async () => {
    await app.close();
  });

  const call = (
    session: Session,
    method: 'GET' | 'POST' | 'PATCH' | 'PUT' | 'DELETE',
    url: string,
    payload?: object,
  ) => app.inject({ method, url, headers: session.headers, ...(payload ? { payload } : {}) });

  it('builds a grid team whose members must serve the grid, and audits each change', async () => {
    const created = await call(leaderA, 'POST', '/api/teams', {
      areaId: tree.gridA.id,
      name: '甲网格一格多员',
      kind: 'grid',
      leaderUserId: users.leaderA!.id,
    });
    expect(created.statusCode, created.body).toBe(201);
    const team = created.json<{
      id: number;
      leader: { userId: number };
      members: Array<{ userId: number; duty: string }>;
    }>();
    expect(team.leader.userId).toBe(users.leaderA!.id);
    expect(team.members).toEqual([expect.objectContaining({ userId: users.leaderA!.id, duty: 'leader' })]);

    for (const [user, duty] of [
      ['workerA', 'grid_worker'],
      ['policeA', 'police'],
      ['doctorA', 'doctor'],
      // A township police officer serves the grid from above.
      ['townPolice', 'checkpoint'],
    ] as const) {
      const added = await call(leaderA, 'PUT', `/api/teams/${team.id}/members/${users[user]!.id}`, { duty });
      expect(added.statusCode, added.body).toBe(200);
    }
    // A worker of grid B holds no role in, below or above grid A.
    const outsider = await call(leaderA, 'PUT', `/api/teams/${team.id}/members/${users.workerB!.id}`, {
      duty: 'grid_worker',
    });
    expect(outsider.statusCode).toBe(400);
    expect(outsider.json().error.code).toBe('USER_NOT_IN_AREA');

    const detail = await call(leaderA, 'GET', `/api/teams/${team.id}`);
    expect(detail.json<{ members: unknown[] }>().members).toHaveLength(5);

    const removed = await call(leaderA, 'DELETE', `/api/teams/${team.id}/members/${users.townPolice!.id}`);
    expect(removed.statusCode).toBe(200);
    expect(removed.json<{ members: unknown[] }>().members).toHaveLength(4);
    const again = await call(leaderA, 'DELETE', `/api/teams/${team.id}/members/${users.townPolice!.id}`);
    expect(again.statusCode).toBe(404);

    const audit = await database()
      .db.selectFrom('audit_log')
      .select('action')
      .where('entity_type', '=', 'team')
      .where('entity_id', '=', String(team.id))
      .orderBy('id')
      .execute();
    expect(audit.map((a) => a.action)).toEqual([
      'team.create',
      'team.member.set',
      'team.member.set',
      'team.member.set',
      'team.member.set',
      'team.member.remove',
    ]);
  });

  it('keeps grid B’s leader out of grid A’s teams', async () => {
    const created = await call(leaderA, 'POST', '/api/teams', {
      areaId: tree.gridA.id,
      name: '甲网格服务队',
      kind: 'service',
    });
    const id = created.json<{ id: number }>().id;
    const rename = await call(leaderB, 'PATCH', `/api/teams/${id}`, { name: '乙改名' });
    expect(rename.statusCode).toBe(404);
    const createThere = await call(leaderB, 'POST', '/api/teams', {
      areaId: tree.gridA.id,
      name: '越权',
      kind: 'service',
    });
    expect(createThere.statusCode).toBe(404);
    const list = await call(leaderB, 'GET', '/api/teams');
    expect(list.json<{ items: Array<{ id: number }> }>().items.some((t) => t.id === id)).toBe(false);
    const listA = await call(leaderA, 'GET', `/api/teams?areaId=${tree.gridA.id}&kind=service`);
    expect(listA.json<{ items: Array<{ id: number }> }>().items.map((t) => t.id)).toContain(id);

    // Changing the leader moves the leader duty; retiring freezes the team.
    const lead = await call(leaderA, 'PATCH', `/api/teams/${id}`, { leaderUserId: users.volunteerA!.id });
    expect(lead.json<{ leader: { userId: number } }>().leader.userId).toBe(users.volunteerA!.id);
    const retired = await call(leaderA, 'POST', `/api/teams/${id}/retire`);
    expect(retired.statusCode).toBe(200);
    const afterRetire = await call(leaderA, 'PUT', `/api/teams/${id}/members/${users.workerA!.id}`, {
      duty: 'member',
    });
    expect(afterRetire.statusCode).toBe(409);
    expect(afterRetire.json().error.code).toBe('TEAM_RETIRED');
  });

  it('records 包片包户 responsibilities for areas and single households in scope', async () => {
    const house = await createHouse(database().db, tree.cellA);
    const houseB = await createHouse(database().db, tree.cellB);
    const area = await call(leaderA, 'POST', '/api/responsibilities', {
      userId: users.workerA!.id,
      areaId: tree.microA.id,
    });
    expect(area.statusCode, area.body).toBe(201);
    const household = await call(leaderA, 'POST', '/api/responsibilities', {
      userId: users.volunteerA!.id,
      houseId: house.id,
    });
    expect(household.statusCode, household.body).toBe(201);
    expect(household.json().house).toEqual({ id: house.id, address: house.address });
    expect(household.json().area.id).toBe(tree.cellA.id);

    const duplicate = await call(leaderA, 'POST', '/api/responsibilities', {
      userId: users.volunteerA!.id,
      houseId: house.id,
    });
    expect(duplicate.statusCode).toBe(409);
    const both = await call(leaderA, 'POST', '/api/responsibilities', {
      userId: users.volunteerA!.id,
      houseId: house.id,
      areaId: tree.microA.id,
    });
    expect(both.statusCode).toBe(400);
    const foreignHouse = await call(leaderA, 'POST', '/api/responsibilities', {
      userId: users.volunteerA!.id,
      houseId: houseB.id,
    });
    expect(foreignHouse.statusCode).toBe(404);
    const foreignUser = await call(leaderA, 'POST', '/api/responsibilities', {
      userId: users.volunteerB!.id,
      areaId: tree.microA.id,
    });
    expect(foreignUser.statusCode).toBe(400);

    const listB = await call(leaderB, 'GET', '/api/responsibilities');
    expect(listB.json<{ total: number }>().total).toBe(0);
    const deleteB = await call(
      leaderB,
      'DELETE',
      `/api/responsibilities/${household.json<{ id: number }>().id}`,
    );
    expect(deleteB.statusCode).toBe(404);
    const deleteA = await call(
      leaderA,
      'DELETE',
      `/api/responsibilities/${household.json<{ id: number }>().id}`,
    );
    expect(deleteA.statusCode).toBe(204);
  });

  it('shows the 1+1+N+K picture of a grid, with volunteers’ household counts', async () => {
    const db = database().db;
    const houses = [await createHouse(db, tree.cellA), await createHouse(db, tree.cellA)];
    await db
      .insertInto('volunteer_households')
      .values(
        houses.map((h) => ({
          house_id: h.id,
          volunteer_user_id: users.volunteerA!.id,
          area_path: h.area_path,
          assigned_by: 'test',
        })),
      )
      .execute();
    await call(staff, 'POST', '/api/teams', {
      areaId: tree.village.id,
      name: '社区志愿服务队',
      kind: 'service',
    });

    // Asked from a micro-grid, the answer is its grid.
    const response = await call(leaderA, 'GET', `/api/areas/${tree.microA.id}/grid-team`);
    expect(response.statusCode, response.body).toBe(200);
    const view = response.json();
    expect(view.grid.id).toBe(tree.gridA.id);
    const ids = (list: Array<{ userId: number }>) => list.map((p) => p.userId);
    expect(ids(view.leaders)).toEqual([users.leaderA!.id]);
    expect(ids(view.workers)).toEqual([users.workerA!.id]);
    expect(ids(view.police)).toEqual([users.policeA!.id]);
    expect(ids(view.doctors)).toEqual([users.doctorA!.id]);
    expect(view.volunteers).toEqual([
      expect.objectContaining({
        userId: users.volunteerA!.id,
        households: 2,
        area: expect.objectContaining({ id: tree.microA.id }),
      }),
    ]);
    expect(view.workers[0].inTeam).toBe(true);
    expect(view.counts).toMatchObject({
      workers: 1,
      police: 1,
      doctors: 1,
      volunteers: 1,
      coveredHouseholds: 2,
    });
    expect(view.serviceTeams.map((t: { name: string }) => t.name)).toEqual(
      expect.arrayContaining(['社区志愿服务队']),
    );
    // Retired teams are not offered to dispatch.
    expect(view.serviceTeams.map((t: { name: string }) => t.name)).not.toContain('甲网格服务队');

    const forbidden = await call(leaderB, 'GET', `/api/areas/${tree.gridA.id}/grid-team`);
    expect(forbidden.statusCode).toBe(404);
    const village = await call(staff, 'GET', `/api/areas/${tree.village.id}/grid-team`);
    expect(village.statusCode).toBe(400);
    expect(village.json().error.code).toBe('AREA_LEVEL_INVALID');
  });
});
