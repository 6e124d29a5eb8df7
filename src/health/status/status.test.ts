import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { describeEachDatabase } from '../../test-support/database.js';
import {
  type AreaTree,
  createAreaTree,
  signInNewUser,
  TestClock,
  testApp,
} from '../../test-support/factories.js';
import { addPerson } from '../../test-support/health-rounds-fixtures.js';
import { addKeyPerson, setHealth } from '../../test-support/health-status-fixtures.js';
import { healthStatuses } from './service.js';

const HOUR = 3_600_000;

describeEachDatabase('the shared health-status verdict', (database) => {
  let app: FastifyInstance;
  let tree: AreaTree;
  const clock = new TestClock();
  const now = clock.now();
  const today = '2026-11-02';
  const ids: Record<'green' | 'red' | 'quarantined' | 'returnee', number> = {
    green: 0,
    red: 0,
    quarantined: 0,
    returnee: 0,
  };

  beforeAll(async () => {
    app = await testApp(database(), clock);
    const db = database().db;
    tree = await createAreaTree(db);
    ids.green = (await addPerson(db, tree.cellA.id, { name: '王绿码' })).id;
    ids.red = (await addPerson(db, tree.cellA.id, { name: '李红码' })).id;
    ids.quarantined = (await addPerson(db, tree.cellA.id, { name: '赵隔离' })).id;
    ids.returnee = (
      await addPerson(db, tree.cellB.id, {
        name: '钱返乡',
        arrivalDate: '2026-10-30',
        arrivedFrom: '测试风险县某镇',
      })
    ).id;
    await setHealth(db, ids.green, now, { code: 'GREEN', testHoursAgo: 10, doses: 3 });
    await setHealth(db, ids.red, now, { code: 'RED', testHoursAgo: 10, doses: 2 });
    await setHealth(db, ids.quarantined, now, { code: 'GREEN', testHoursAgo: 10, doses: 2 });
    await addKeyPerson(db, ids.quarantined, 'home_quarantine', today);
    await addKeyPerson(db, ids.returnee, 'returnee', today);
    await db
      .insertInto('risk_areas')
      .values({
        source: 'test',
        name: '测试风险县',
        level: 'high',
        valid_from: new Date(now.getTime() - 72 * HOUR),
      })
      .execute();
  });
  afterAll(async () => {
    await app.close();
  });

  it('gives green, red and amber with stable reason codes, for many persons in one call', async () => {
    const statuses = await healthStatuses(database().db, Object.values(ids), now, { testWithinHours: 48 });
    expect(statuses.size).toBe(4);
    expect(statuses.get(ids.green)).toMatchObject({ verdict: 'green', reasons: [] });
    expect(statuses.get(ids.red)!.verdict).toBe('red');
    expect(statuses.get(ids.red)!.reasons[0]).toMatchObject({ code: 'HEALTH_CODE_RED', severity: 'red' });
    expect(statuses.get(ids.quarantined)).toMatchObject({
      verdict: 'red',
      reasons: [{ code: 'KEY_PERSON_QUARANTINE', params: { category: 'home_quarantine' } }],
    });
    const returnee = statuses.get(ids.returnee)!;
    expect(returnee.verdict).toBe('amber');
    expect(returnee.reasons.map((r) => r.code).sort()).toEqual(
      [
        'HEALTH_CODE_UNKNOWN',
        'KEY_PERSON',
        'NO_VACCINATION',
        'RISK_AREA_ARRIVAL',
        'TEST_MISSING_IN_WINDOW',
      ].sort(),
    );
    expect(returnee.reasons.find((r) => r.code === 'RISK_AREA_ARRIVAL')!.params).toMatchObject({
      area: '测试风险县',
      level: 'high',
    });
    // The info reason comes last and does not make anyone amber.
    expect(returnee.reasons.at(-1)!.code).toBe('NO_VACCINATION');

    // A tighter window than the last negative test: amber, naming the window and the last test.
    const strict = (await healthStatuses(database().db, [ids.green], now, { testWithinHours: 6 })).get(
      ids.green,
    )!;
    expect(strict.verdict).toBe('amber');
    expect(strict.reasons[0]).toMatchObject({
      code: 'TEST_MISSING_IN_WINDOW',
      params: { hours: 6, lastAt: new Date(now.getTime() - 10 * HOUR).toISOString() },
    });
  });

  it('answers the person page in scope only (health.read), 404 elsewhere', async () => {
    const workerA = await signInNewUser(app, database().db, [{ role: 'grid_worker', area: tree.gridA }]);
    const own = await app.inject({ url: `/api/persons/${ids.red}/health-status`, headers: workerA.headers });
    expect(own.statusCode, own.body).toBe(200);
    expect(own.json()).toMatchObject({
      personId: ids.red,
      verdict: 'red',
      facts: { healthCode: 'RED', vaccinationDoses: 2 },
    });
    const elsewhere = await app.inject({
      url: `/api/persons/${ids.returnee}/health-status`,
      headers: workerA.headers,
    });
    expect(elsewhere.statusCode).toBe(404);
    expect(elsewhere.json().error.code).toBe('PERSON_NOT_FOUND');
    const bad = await app.inject({
      url: `/api/persons/${ids.green}/health-status?testWithinHours=0`,
      headers: workerA.headers,
    });
    expect(bad.statusCode).toBe(400);
  });
});
