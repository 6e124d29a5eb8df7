import type { FastifyInstance } from 'fastify';
import { beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { describeEachDatabase } from '../test-support/database.js';
import {
  type AreaTree,
  createAreaTree,
  createUser,
  type Session,
  signIn,
  testApp,
} from '../test-support/factories.js';

const square = (lng: number, lat: number, size = 0.01) => ({
  type: 'Polygon',
  coordinates: [
    [
      [lng, lat],
      [lng + size, lat],
      [lng + size, lat + size],
      [lng, lat + size],
      [lng, lat],
    ],
  ],
});

describeEachDatabase('areas: create, rename, move, retire', (database) => {
  let app: FastifyInstance;
  let tree: AreaTree;
  let staff: Session;

  const snapshot = () =>
    database()
      .db.selectFrom('areas')
      .select(['id', 'code', 'path', 'parent_id', 'name', 'retired_at'])
      .orderBy('id')
      .execute();

  beforeAll(async () => {
    app = await testApp(database());
  });
  beforeEach(async () => {
    tree = await createAreaTree(database().db);
    const user = await createUser(database().db, [{ role: 'community_staff', area: tree.township }]);
    staff = await signIn(app, user.username);
  });

  it('creates a grid with the next free code and a boundary, and audits it', async () => {
    const response = await app.inject({
      method: 'POST',
      url: '/api/areas',
      headers: staff.headers,
      payload: { parentId: tree.village.id, name: '丙网格', kind: 'school', boundary: square(121.3, 30.7) },
    });
    expect(response.statusCode, response.body).toBe(201);
    const grid = response.json();
    expect(grid).toMatchObject({
      code: `${tree.village.code}003`,
      level: 'grid',
      kind: 'school',
      hasBoundary: true,
      centre: { lng: 121.305, lat: 30.705 },
    });
    const audit = await app.inject({
      url: `/api/audit?entityType=area&entityId=${grid.id}`,
      headers: staff.headers,
    });
    expect(audit.json().items[0]).toMatchObject({
      action: 'area.create',
      after: { code: grid.code, name: '丙网格' },
    });
    const map = await app.inject({
      url: `/api/areas/${tree.village.id}/children.geojson`,
      headers: staff.headers,
    });
    expect(map.json().features.find((f: { id: number }) => f.id === grid.id).geometry.type).toBe('Polygon');
  });

  it('rejects bad input with a clear error and changes nothing', async () => {
    const before = await snapshot();
    const cases: Array<{ payload: unknown; status: number; code: string; field?: string }> = [
      { payload: { parentId: 99999999, name: '无父' }, status: 404, code: 'AREA_PARENT_NOT_FOUND' },
      {
        payload: { parentId: tree.village.id, name: '重复', code: tree.gridA.code },
        status: 409,
        code: 'AREA_CODE_CONFLICT',
      },
      {
        payload: { parentId: tree.village.id, name: '错码', code: '110101001001001' },
        status: 400,
        code: 'AREA_CODE_INVALID',
      },
      {
        payload: {
          parentId: tree.village.id,
          name: '坏边界',
          boundary: {
            type: 'Polygon',
            coordinates: [
              [
                [121, 30],
                [122, 30],
                [121, 31],
              ],
            ],
          },
        },
        status: 400,
        code: 'GEOJSON_INVALID',
      },
      {
        payload: {
          parentId: tree.village.id,
          name: '坏类型',
          boundary: { type: 'Point', coordinates: [121, 30] },
        },
        status: 400,
        code: 'VALIDATION_FAILED',
        field: 'body.boundary',
      },
      { payload: { parentId: tree.village.id }, status: 400, code: 'VALIDATION_FAILED', field: 'body.name' },
      { payload: { parentId: tree.cellA.id, name: '埭下' }, status: 400, code: 'AREA_LEVEL_INVALID' },
      {
        payload: { parentId: tree.village.id, name: '多余', colour: 'red' },
        status: 400,
        code: 'VALIDATION_FAILED',
        field: 'body.colour',
      },
    ];
    for (const c of cases) {
      const response = await app.inject({
        method: 'POST',
        url: '/api/areas',
        headers: staff.headers,
        payload: c.payload as object,
      });
      expect(response.statusCode, JSON.stringify(c.payload)).toBe(c.status);
      const error = response.json().error;
      expect(error.code).toBe(c.code);
      expect(error.message.length).toBeGreaterThan(5);
      if (c.field) expect(error.details.map((d: { field: string }) => d.field)).toContain(c.field);
    }
    expect(await snapshot()).toEqual(before);
  });

  it('refuses an oversize body with 413 and stores nothing', async () => {
    const before = await snapshot();
    const huge = {
      parentId: tree.village.id,
      name: '大',
      boundary: {
        type: 'Polygon',
        coordinates: [Array.from({ length: 150000 }, (_, i) => [121 + i * 1e-7, 30])],
      },
    };
    const response = await app.inject({
      method: 'POST',
      url: '/api/areas',
      headers: { ...staff.headers, 'content-type': 'application/json' },
      payload: JSON.stringify(huge),
    });
    expect(response.statusCode, response.body.slice(0, 300)).toBe(413);
    expect(response.json().error.code).toBe('PAYLOAD_TOO_LARGE');
    expect(await snapshot()).toEqual(before);
  });

  it('renames and re-kinds an area', async () => {
    const response = await app.inject({
      method: 'PATCH',
      url: `/api/areas/${tree.gridA.id}`,
      headers: staff.headers,
      payload: { name: '甲网格（企业）', kind: 'enterprise' },
    });
    expect(response.json()).toMatchObject({
      name: '甲网格（企业）',
      kind: 'enterprise',
      code: tree.gridA.code,
    });
  });

  it('moves a grid with its subtree to another village, rewriting codes and paths consistently', async () => {
    const otherVillage = (
      await app.inject({
        method: 'POST',
        url: '/api/areas',
        headers: staff.headers,
        payload: { parentId: tree.township.id, name: '新村', code: `${tree.township.code}201` },
      })
    ).json();
    const response = await app.inject({
      method: 'POST',
      url: `/api/areas/${tree.gridA.id}/move`,
      headers: staff.headers,
      payload: { parentId: otherVillage.id },
    });
    expect(response.statusCode, response.body).toBe(200);
    expect(response.json()).toMatchObject({ parentId: otherVillage.id, code: `${otherVillage.code}001` });
    const rows = await database()
      .db.selectFrom('areas')
      .selectAll()
      .where('id', 'in', [tree.gridA.id, tree.microA.id, tree.cellA.id, otherVillage.id])
      .execute();
    const byId = new Map(rows.map((r) => [r.id, r]));
    const grid = byId.get(tree.gridA.id)!;
    const micro = byId.get(tree.microA.id)!;
    const cell = byId.get(tree.cellA.id)!;
    const village = byId.get(otherVillage.id)!;
    expect(grid.path).toBe(`${village.path}${grid.id}/`);
    expect(micro.path).toBe(`${grid.path}${micro.id}/`);
    expect(cell.path).toBe(`${micro.path}${cell.id}/`);
    expect([micro.code, cell.code]).toEqual([`${grid.code}01`, `${grid.code}0101`]);
    // Every node of the whole tree still satisfies: path = parent's path + id, code starts with parent's code.
    const all = await database()
      .db.selectFrom('areas as c')
      .innerJoin('areas as p', 'p.id', 'c.parent_id')
      .select(['c.path', 'c.id', 'c.code', 'p.path as parentPath', 'p.code as parentCode', 'c.level'])
      .execute();
    for (const row of all) {
      expect(row.path).toBe(`${row.parentPath}${row.id}/`);
      if (!['city', 'county'].includes(row.level)) expect(row.code.startsWith(row.parentCode)).toBe(true);
    }
  });

  it('refuses a move into its own subtree, to the wrong level, or onto taken codes — changing nothing', async () => {
    const before = await snapshot();
    const intoSelf = await app.inject({
      method: 'POST',
      url: `/api/areas/${tree.gridA.id}/move`,
      headers: staff.headers,
      payload: { parentId: tree.microA.id },
    });
    expect(intoSelf.json().error.code).toBe('AREA_MOVE_INVALID');
    const wrongLevel = await app.inject({
      method: 'POST',
      url: `/api/areas/${tree.microA.id}/move`,
      headers: staff.headers,
      payload: { parentId: tree.village.id },
    });
    expect(wrongLevel.json().error.code).toBe('AREA_LEVEL_INVALID');
    // microA (…00101) moving under grid B clashes with grid B's own micro-grid 01.
    const clash = await app.inject({
      method: 'POST',
      url: `/api/areas/${tree.microA.id}/move`,
      headers: staff.headers,
      payload: { parentId: tree.gridB.id },
    });
    expect(clash.statusCode).toBe(409);
    expect(clash.json().error).toMatchObject({
      code: 'AREA_CODE_CONFLICT',
      details: { codes: [tree.microB.code, tree.cellB.code] },
    });
    expect(await snapshot()).toEqual(before);
  });

  it('retires a subtree, hides it from lists and refuses children under it', async () => {
    const response = await app.inject({
      method: 'POST',
      url: `/api/areas/${tree.gridB.id}/retire`,
      headers: staff.headers,
      payload: { reason: '网格合并' },
    });
    expect(response.json()).toEqual({ retired: 3 });
    const list = await app.inject({ url: `/api/areas?parentId=${tree.village.id}`, headers: staff.headers });
    expect(list.json().items.map((a: { id: number }) => a.id)).toEqual([tree.gridA.id]);
    const child = await app.inject({
      method: 'POST',
      url: '/api/areas',
      headers: staff.headers,
      payload: { parentId: tree.gridB.id, name: '新微网格' },
    });
    expect(child.json().error.code).toBe('AREA_RETIRED');
  });

  describe('without a session', () => {
    it('answers 401, and 403 for a missing CSRF token', async () => {
      expect((await app.inject({ url: `/api/areas/${tree.gridA.id}` })).statusCode).toBe(401);
      const noCsrf = await app.inject({
        method: 'PATCH',
        url: `/api/areas/${tree.gridA.id}`,
        headers: { cookie: staff.cookie },
        payload: { name: 'x' },
      });
      expect(noCsrf.statusCode).toBe(403);
      expect(noCsrf.json().error.code).toBe('CSRF_TOKEN_INVALID');
    });
  });
});
