import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { describeEachDatabase } from '../test-support/database.js';
import {
  type AreaTree,
  createAreaTree,
  type Session,
  signInNewUser,
  TestClock,
  testApp,
} from '../test-support/factories.js';
import { addPerson } from '../test-support/health-rounds-fixtures.js';
import { addKeyPerson, setHealth } from '../test-support/health-status-fixtures.js';

const HOUR = 3_600_000;

describeEachDatabase('register health filters: no dose, yellow/red code, fever in 24 h', (database) => {
  let app: FastifyInstance;
  let tree: AreaTree;
  let workerA: Session;
  let leader: Session;
  let police: Session;
  const clock = new TestClock();
  const now = clock.now();
  const ids: Record<string, number> = {};

  beforeAll(async () => {
    app = await testApp(database(), clock);
    const db = database().db;
    tree = await createAreaTree(db);
    const add = async (key: string, cell: 'cellA' | 'cellB') =>
      (ids[key] = (await addPerson(db, tree[cell].id, { name: `测${key}` })).id);
    for (const cell of ['cellA', 'cellB'] as const) {
      const s = cell.slice(-1);
      await setHealth(db, await add(`yellow${s}`, cell), now, { code: 'YELLOW', doses: 2 });
      await setHealth(db, await add(`red${s}`, cell), now, { code: 'RED', doses: 2 });
      await setHealth(db, await add(`green${s}`, cell), now, { code: 'GREEN', doses: 3 });
      await add(`nothing${s}`, cell);
      const fever = await add(`fever${s}`, cell);
      await setHealth(db, fever, now, { code: 'GREEN', doses: 1, testHoursAgo: 30, result: 'positive' });
      await db
        .updateTable('person_health')
        .set({ last_temperature: 38.2, last_temperature_at: new Date(now.getTime() - 3 * HOUR) })
        .where('person_id', '=', fever)
        .execute();
      const oldFever = await add(`oldFever${s}`, cell);
      await setHealth(db, oldFever, now, { code: 'GREEN', doses: 1 });
      await db
        .updateTable('person_health')
        .set({ last_temperature: 38.9, last_temperature_at: new Date(now.getTime() - 30 * HOUR) })
        .where('person_id', '=', oldFever)
        .execute();
      await addKeyPerson(db, ids[`green${s}`]!, 'returnee', '2026-11-02');
    }
    workerA = await signInNewUser(app, db, [{ role: 'grid_worker', area: tree.gridA }]);
    leader = await signInNewUser(app, db, [{ role: 'community_staff', area: tree.village }]);
    police = await signInNewUser(app, db, [{ role: 'police', area: tree.village }]);
  });
  afterAll(async () => {
    await app.close();
  });

  const names = async (session: Session, query: string) => {
    const response = await app.inject({
      url: `/api/persons?${query}&pageSize=100`,
      headers: session.headers,
    });
    expect(response.statusCode, response.body).toBe(200);
    const page = response.json() as { total: number; items: Array<{ id: number }> };
    const byId = new Map(Object.entries(ids).map(([key, id]) => [id, key]));
    expect(page.total).toBe(page.items.length);
    return page.items.map((p) => byId.get(p.id)).sort();
  };

  it('each filter finds the persons whose facts match, inside the caller’s grid only', async () => {
    expect(await names(workerA, 'health=yellow_code')).toEqual(['yellowA']);
    expect(await names(workerA, 'health=red_code')).toEqual(['redA']);
    expect(await names(workerA, 'health=fever_24h')).toEqual(['feverA']);
    expect(await names(workerA, 'health=positive_14d')).toEqual(['feverA']);
    expect(await names(workerA, 'health=key_person')).toEqual(['greenA']);
    expect(await names(workerA, 'health=no_dose')).toEqual(['nothingA']);
    expect(await names(leader, 'health=red_code')).toEqual(['redA', 'redB']);
    // Grid B's persons stay out of reach through a filter too, even when asked for by area.
    const within = await app.inject({
      url: `/api/persons?health=red_code&within=${tree.gridB.id}`,
      headers: workerA.headers,
    });
    expect(within.statusCode).toBe(404);
  });

  it('health filters need health.read: the police see the register but no one through them', async () => {
    expect((await names(police, 'status=active')).length).toBeGreaterThanOrEqual(12);
    expect(await names(police, 'health=red_code')).toEqual([]);
    const bad = await app.inject({ url: '/api/persons?health=purple', headers: leader.headers });
    expect(bad.statusCode).toBe(400);
  });
});
