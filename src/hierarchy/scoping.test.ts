import type { FastifyInstance } from 'fastify';
import { beforeAll, describe, expect, it } from 'vitest';
import { ROLES, rightsOf, type Role } from '../auth/rights.js';
import { describeEachDatabase } from '../test-support/database.js';
import {
  type AreaTree,
  createAreaTree,
  createUser,
  type Session,
  signIn,
  testApp,
} from '../test-support/factories.js';

/**
 * Graded access (市县乡村): a role bound to grid A reads, lists and changes grid A's subtree and
 * nothing of grid B, for every role. Out-of-scope reads answer 404, forbidden actions 403.
 */
describeEachDatabase('area scoping for every role', (database) => {
  let app: FastifyInstance;
  let tree: AreaTree;
  const sessions = new Map<Role, Session>();

  beforeAll(async () => {
    app = await testApp(database());
    tree = await createAreaTree(database().db);
    for (const role of ROLES) {
      const user = await createUser(database().db, [
        { role, area: tree.gridA, ...(role === 'department' ? { categories: ['health'] } : {}) },
      ]);
      sessions.set(role, await signIn(app, user.username));
    }
    // Someone in grid B, whose account a grid A manager must not see.
    await createUser(database().db, [{ role: 'grid_worker', area: tree.microB }]);
  });

  const as = (role: Role) => sessions.get(role)!.headers;

  describe.each(ROLES)('role %s bound to grid A', (role) => {
    const manages = rightsOf(role).includes('area.manage');

    it('reads its subtree and gets 404 for grid B and above', async () => {
      for (const inside of [tree.gridA, tree.microA, tree.cellA]) {
        const response = await app.inject({ url: `/api/areas/${inside.id}`, headers: as(role) });
        expect(response.statusCode, `${inside.name}: ${response.body}`).toBe(200);
        expect(response.json().code).toBe(inside.code);
      }
      for (const outside of [tree.gridB, tree.microB, tree.cellB, tree.village]) {
        const response = await app.inject({ url: `/api/areas/${outside.id}`, headers: as(role) });
        expect(response.statusCode).toBe(404);
        expect(response.json().error.code).toBe('AREA_NOT_FOUND');
      }
    });

    it('lists only its subtree', async () => {
      const roots = await app.inject({ url: '/api/areas/roots', headers: as(role) });
      expect(roots.json().items.map((a: { id: number }) => a.id)).toEqual([tree.gridA.id]);
      const search = await app.inject({
        url: `/api/areas?q=${encodeURIComponent('一')}&pageSize=100`,
        headers: as(role),
      });
      const codes = search.json().items.map((a: { code: string }) => a.code);
      expect(codes).toContain(tree.microA.code);
      expect(codes).not.toContain(tree.microB.code);
      const children = await app.inject({ url: `/api/areas?parentId=${tree.gridB.id}`, headers: as(role) });
      expect(children.json()).toMatchObject({ items: [], total: 0 });
      const within = await app.inject({ url: `/api/areas?within=${tree.village.id}`, headers: as(role) });
      expect(within.statusCode).toBe(404);
    });

    it(`${manages ? 'may' : 'may not'} change its subtree and never grid B`, async () => {
      const inside = await app.inject({
        method: 'PATCH',
        url: `/api/areas/${tree.microA.id}`,
        headers: as(role),
        payload: { name: `甲一微网格${role.length}` },
      });
      expect(inside.statusCode, inside.body).toBe(manages ? 200 : 403);
      const outside = await app.inject({
        method: 'PATCH',
        url: `/api/areas/${tree.microB.id}`,
        headers: as(role),
        payload: { name: '被改名' },
      });
      expect(outside.statusCode).toBe(manages ? 404 : 403);
      const stored = await database()
        .db.selectFrom('areas')
        .select('name')
        .where('id', '=', tree.microB.id)
        .executeTakeFirstOrThrow();
      expect(stored.name).toBe('乙一微网格');
    });

    it('sees users and audit entries of its subtree only', async () => {
      const users = await app.inject({ url: '/api/users?pageSize=500', headers: as(role) });
      if (!rightsOf(role).includes('user.read')) {
        expect(users.statusCode).toBe(403);
        return;
      }
      const areaIds = users
        .json()
        .items.flatMap((u: { assignments: Array<{ areaId: number }> }) => u.assignments.map((a) => a.areaId));
      expect(areaIds.length).toBeGreaterThan(0);
      expect(new Set(areaIds)).toEqual(new Set([tree.gridA.id]));
    });
  });

  it('keeps audit entries of grid B from an auditor of grid A', async () => {
    const staffB = await createUser(database().db, [{ role: 'community_staff', area: tree.gridB }]);
    const sessionB = await signIn(app, staffB.username);
    const renamed = await app.inject({
      method: 'PATCH',
      url: `/api/areas/${tree.cellB.id}`,
      headers: sessionB.headers,
      payload: { name: '乙一埭（新）' },
    });
    expect(renamed.statusCode).toBe(200);
    const seenByA = await app.inject({
      url: `/api/audit?entityType=area&entityId=${tree.cellB.id}`,
      headers: as('community_staff'),
    });
    expect(seenByA.json().total).toBe(0);
    const seenByB = await app.inject({
      url: `/api/audit?entityType=area&entityId=${tree.cellB.id}`,
      headers: sessionB.headers,
    });
    expect(seenByB.json().items[0]).toMatchObject({
      action: 'area.update',
      actor: staffB.username,
      before: { name: '乙一埭' },
    });
  });

  it('gives a county commander the whole county and a grid worker only its micro-grid', async () => {
    const commander = await createUser(database().db, [{ role: 'commander', area: tree.county }]);
    const worker = await createUser(database().db, [{ role: 'grid_worker', area: tree.microA }]);
    const c = await signIn(app, commander.username);
    const w = await signIn(app, worker.username);
    const countyWide = await app.inject({
      url: `/api/areas?within=${tree.county.id}&level=cell`,
      headers: c.headers,
    });
    expect(
      countyWide
        .json()
        .items.map((a: { id: number }) => a.id)
        .sort(),
    ).toEqual([tree.cellA.id, tree.cellB.id].sort());
    expect((await app.inject({ url: `/api/areas/${tree.gridA.id}`, headers: w.headers })).statusCode).toBe(
      404,
    );
    expect((await app.inject({ url: `/api/areas/${tree.cellA.id}`, headers: w.headers })).statusCode).toBe(
      200,
    );
  });
});
