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

describeEachDatabase('enterprise codes', (database) => {
  let app: FastifyInstance;
  let tree: AreaTree;
  let workerA: Session;
  let workerB: Session;
  let unitId: number;
  const clock = new TestClock();

  beforeAll(async () => {
    app = await testApp(database(), clock);
    tree = await createAreaTree(database().db);
    const sign = async (area: AreaTree['gridA']) =>
      signIn(app, (await createUser(database().db, [{ role: 'grid_worker', area }])).username);
    workerA = await sign(tree.gridA);
    workerB = await sign(tree.gridB);
    const unit = await app.inject({
      method: 'POST',
      url: '/api/units',
      headers: workerA.headers,
      payload: { areaId: tree.microA.id, name: '星火织造有限公司', category: 'enterprise' },
    });
    expect(unit.statusCode, unit.body).toBe(201);
    unitId = unit.json().id;
  });
  afterAll(async () => {
    await app.close();
  });

  const issue = (session: Session) =>
    app.inject({ method: 'POST', url: `/api/units/${unitId}/enterprise-codes`, headers: session.headers });
  const tokenOf = (scanUrl: string) => scanUrl.split('/').at(-1)!;

  it('gives an enterprise two codes that open only its name, and re-issuing stops the old ones', async () => {
    const first = await issue(workerA);
    expect(first.statusCode, first.body).toBe(201);
    const { enterprise, employee } = first.json();
    expect(enterprise).toMatchObject({
      kind: 'enterprise',
      unitId,
      label: '星火织造有限公司',
      status: 'active',
    });
    expect(enterprise.scanUrl).toMatch(/\/c\/[A-Za-z0-9_-]{22}$/);
    expect(employee.scanUrl).toMatch(/\/j\/[A-Za-z0-9_-]{22}$/);

    const page = await app.inject({ url: `/api/public/enterprises/${tokenOf(enterprise.scanUrl)}` });
    expect(page.json()).toEqual({
      name: '星火织造有限公司',
      category: 'enterprise',
      community: tree.village.name,
    });
    // Each code opens only its own door: the employee code is not the enterprise's.
    const crossed = await app.inject({ url: `/api/public/enterprises/${tokenOf(employee.scanUrl)}` });
    expect(crossed.statusCode).toBe(404);
    expect(
      (await app.inject({ url: `/api/public/employee-codes/${tokenOf(employee.scanUrl)}` })).statusCode,
    ).toBe(200);

    const again = await issue(workerA);
    expect(again.statusCode).toBe(201);
    const stale = await app.inject({ url: `/api/public/enterprises/${tokenOf(enterprise.scanUrl)}` });
    expect(stale.statusCode).toBe(404);
    expect(stale.json().error.code).toBe('CODE_NOT_FOUND');
    const fresh = await app.inject({
      url: `/api/public/enterprises/${tokenOf(again.json().enterprise.scanUrl)}`,
    });
    expect(fresh.statusCode).toBe(200);
  });

  it('lets only staff of the enterprise’s subtree issue its codes', async () => {
    const outside = await issue(workerB);
    expect(outside.statusCode).toBe(404);
    expect(outside.json().error.code).toBe('UNIT_NOT_FOUND');
    const bad = await app.inject({ url: '/api/public/enterprises/not-a-token' });
    expect(bad.statusCode).toBe(400);
  });
});
