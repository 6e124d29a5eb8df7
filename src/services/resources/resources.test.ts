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
import { createHouse } from '../../test-support/services-fixtures.js';

describeEachDatabase('resource and service lists, three lists', (database) => {
  let app: FastifyInstance;
  let tree: AreaTree;
  let otherTree: AreaTree;
  let staff: Session;
  let otherStaff: Session;
  let workerA: Session;
  let workerB: Session;
  let volunteer: Session;

  beforeAll(async () => {
    const db = database().db;
    app = await testApp(database(), new TestClock());
    tree = await createAreaTree(db);
    otherTree = await createAreaTree(db);
    staff = await signIn(
      app,
      (await createUser(db, [{ role: 'community_staff', area: tree.village }])).username,
    );
    otherStaff = await signIn(
      app,
      (await createUser(db, [{ role: 'community_staff', area: otherTree.village }])).username,
    );
    workerA = await signIn(
      app,
      (await createUser(db, [{ role: 'grid_worker', area: tree.microA }])).username,
    );
    workerB = await signIn(
      app,
      (await createUser(db, [{ role: 'grid_worker', area: tree.microB }])).username,
    );
    volunteer = await signIn(
      app,
      (await createUser(db, [{ role: 'volunteer', area: tree.microA }])).username,
    );
  });
  afterAll(async () => {
    await app.close();
  });

  const call = (session: Session, method: 'GET' | 'POST' | 'PATCH', url: string, payload?: object) =>
    app.inject({ method, url, headers: session.headers, ...(payload ? { payload } : {}) });

  it('keeps entries per community with phones encrypted and masked', async () => {
    const pharmacy = await call(staff, 'POST', '/api/service-resources', {
      areaId: tree.village.id,
      list: 'resource',
      kind: 'pharmacy',
      name: '星火大药房',
      contactName: '李店长',
      phone: '13912345678',
      address: '星火路8号',
    });
    expect(pharmacy.statusCode, pharmacy.body).toBe(201);
    expect(pharmacy.json()).toMatchObject({ phoneMasked: '139****5678', list: 'resource', kind: 'pharmacy' });
    const stored = await database()
      .db.selectFrom('service_resources')
      .select(['phone_secret'])
      .where('id', '=', pharmacy.json<{ id: number }>().id)
      .executeTakeFirstOrThrow();
    expect(stored.phone_secret).not.toContain('13912345678');

    const atGrid = await call(staff, 'POST', '/api/service-resources', {
      areaId: tree.gridA.id,
      list: 'service',
      kind: 'elderly_care',
      name: '助老服务',
    });
    expect(atGrid.statusCode).toBe(400);
    expect(atGrid.json().error.code).toBe('AREA_LEVEL_INVALID');
    const badKind = await call(staff, 'POST', '/api/service-resources', {
      areaId: tree.village.id,
      list: 'service',
      kind: 'Elderly Care!',
      name: '助老服务',
    });
    expect(badKind.statusCode).toBe(400);
    await call(staff, 'POST', '/api/service-resources', {
      areaId: tree.village.id,
      list: 'service',
      kind: 'elderly_care',
      name: '助老上门服务',
    });
    // Workers manage nothing here, but read their community's lists (kept above their micro-grid).
    const workerCreate = await call(workerA, 'POST', '/api/service-resources', {
      areaId: tree.village.id,
      list: 'resource',
      kind: 'shop',
      name: '小卖部',
    });
    expect(workerCreate.statusCode).toBe(403);
    const seen = await call(volunteer, 'GET', '/api/service-resources?list=resource&q=药房');
    expect(seen.json<{ items: Array<{ name: string }> }>().items.map((r) => r.name)).toEqual(['星火大药房']);
    const other = await call(otherStaff, 'GET', '/api/service-resources');
    expect(other.json<{ total: number }>().total).toBe(0);
    expect(
      (await call(otherStaff, 'GET', `/api/service-resources/${pharmacy.json<{ id: number }>().id}`))
        .statusCode,
    ).toBe(404);
    expect(
      (
        await call(otherStaff, 'PATCH', `/api/service-resources/${pharmacy.json<{ id: number }>().id}`, {
          name: 'x',
        })
      ).statusCode,
    ).toBe(404);

    const changed = await call(
      staff,
      'PATCH',
      `/api/service-resources/${pharmacy.json<{ id: number }>().id}`,
      {
        phone: null,
        details: '24小时营业',
      },
    );
    expect(changed.statusCode, changed.body).toBe(200);
    expect(changed.json()).toMatchObject({ phoneMasked: null, details: '24小时营业' });
    const retired = await call(
      staff,
      'POST',
      `/api/service-resources/${pharmacy.json<{ id: number }>().id}/retire`,
    );
    expect(retired.statusCode).toBe(200);
    expect(
      (await call(staff, 'GET', '/api/service-resources?list=resource')).json<{ total: number }>().total,
    ).toBe(0);
    const audit = await database()
      .db.selectFrom('audit_log')
      .select('action')
      .where('entity_type', '=', 'service_resource')
      .where('entity_id', '=', String(pharmacy.json<{ id: number }>().id))
      .orderBy('id')
      .execute();
    expect(audit.map((a) => a.action)).toEqual([
      'service_resource.create',
      'service_resource.update',
      'service_resource.retire',
    ]);
  });

  it('summarises the three lists of an area, with open requests of that area only', async () => {
    const db = database().db;
    await call(staff, 'POST', '/api/service-resources', {
      areaId: tree.village.id,
      list: 'resource',
      kind: 'vehicle',
      name: '村委会面包车',
    });
    const houseA = await createHouse(db, tree.cellA);
    const houseB = await createHouse(db, tree.cellB);
    for (const [session, houseId, urgency] of [
      [workerA, houseA.id, 'urgent'],
      [workerA, houseA.id, 'normal'],
      [workerB, houseB.id, 'normal'],
    ] as const) {
      const response = await call(session, 'POST', '/api/service-requests', {
        houseId,
        kind: 'medicine',
        details: '感冒药',
        urgency,
      });
      expect(response.statusCode, response.body).toBe(201);
    }
    const lists = await call(workerA, 'GET', `/api/areas/${tree.microA.id}/three-lists`);
    expect(lists.statusCode, lists.body).toBe(200);
    const body = lists.json();
    expect(body.problems).toMatchObject({
      openRequests: 2,
      urgentRequests: 1,
      unassignedRequests: 2,
      openEvents: 0,
      requestsByKind: { medicine: 2 },
    });
    expect(body.problems.topRequests[0].urgency).toBe('urgent');
    expect(body.resources).toMatchObject({ total: 1, byKind: { vehicle: 1 } });
    expect(body.services).toMatchObject({ total: 1, byKind: { elderly_care: 1 } });

    const village = await call(staff, 'GET', `/api/areas/${tree.village.id}/three-lists`);
    expect(village.json().problems.openRequests).toBe(3);
    expect((await call(workerB, 'GET', `/api/areas/${tree.microA.id}/three-lists`)).statusCode).toBe(404);
    expect((await call(volunteer, 'GET', `/api/areas/${tree.microA.id}/three-lists`)).statusCode).toBe(404);
  });
});
