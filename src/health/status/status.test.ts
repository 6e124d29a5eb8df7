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

  it('gives the last dose date, a bounded week of temperatures and a fever within 24 h', async () => {
    const db = database().db;
    const person = (await addPerson(db, tree.cellA.id, { name: '孙体温' })).id;
    const readings = [
      { hoursAgo: 24 * 9, value: 36.4 }, // older than the week: left out
      ...Array.from({ length: 30 }, (_, i) => ({ hoursAgo: 100 - i * 3, value: 36.5 })),
      { hoursAgo: 2, value: 38.1 },
    ];
    await db
      .insertInto('health_records')
      .values(
        readings.map((r, i) => ({
          kind: 'temperature' as const,
          source: 'status-test',
          record_key: `t${person}-${i}`,
          person_id: person,
          area_path: tree.cellA.path,
          occurred_at: new Date(now.getTime() - r.hoursAgo * HOUR),
          value: r.value,
        })),
      )
      .execute();
    const vaccinatedAt = new Date('2026-05-01T10:00:00+08:00');
    await db
      .insertInto('person_health')
      .values({
        person_id: person,
        vaccination_doses: 3,
        last_vaccinated_at: vaccinatedAt,
        last_temperature: 38.1,
        last_temperature_at: new Date(now.getTime() - 2 * HOUR),
        health_code: 'GREEN',
        health_code_at: new Date(now.getTime() - HOUR),
        updated_at: now,
      })
      .execute();
    const status = (await healthStatuses(db, [person], now)).get(person)!;
    expect(status.facts).toMatchObject({
      vaccinationDoses: 3,
      lastVaccinatedAt: vaccinatedAt.toISOString(),
      lastTemperature: 38.1,
      fever: true,
    });
    expect(status.feverThreshold).toBe(37.3);
    expect(status.facts.temperatures).toHaveLength(28);
    expect(status.facts.temperatures.at(-1)).toEqual({
      at: new Date(now.getTime() - 2 * HOUR).toISOString(),
      value: 38.1,
    });
    const times = status.facts.temperatures.map((t) => t.at);
    expect([...times].sort()).toEqual(times);
    expect(status.verdict).toBe('amber');
    expect(status.reasons[0]).toMatchObject({ code: 'FEVER_RECENT', params: { temperature: 38.1 } });
    // Two days on, the same reading is history: no fever, no reason.
    const later = (await healthStatuses(db, [person], new Date(now.getTime() + 48 * HOUR))).get(person)!;
    expect(later.facts.fever).toBe(false);
    expect(later.reasons.map((r) => r.code)).not.toContain('FEVER_RECENT');
  });

  it('answers a list’s badges in one call, leaving out persons of other grids', async () => {
    const workerA = await signInNewUser(app, database().db, [{ role: 'grid_worker', area: tree.gridA }]);
    const response = await app.inject({
      url: `/api/health-statuses?ids=${ids.green}&ids=${ids.red}&ids=${ids.returnee}&ids=999999`,
      headers: workerA.headers,
    });
    expect(response.statusCode, response.body).toBe(200);
    const items = (response.json() as { items: Array<{ personId: number; verdict: string }> }).items;
    expect(items.map((s) => [s.personId, s.verdict]).sort()).toEqual(
      [
        [ids.green, 'green'],
        [ids.red, 'red'],
      ].sort(),
    );
    const none = await app.inject({ url: '/api/health-statuses', headers: workerA.headers });
    expect(none.statusCode).toBe(400);
  });
});
