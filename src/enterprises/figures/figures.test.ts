import type { FastifyInstance } from 'fastify';
import type { Kysely } from 'kysely';
import { afterAll, beforeAll, expect, it } from 'vitest';
import type { AreaRow } from '../../hierarchy/repository.js';
import type { DB } from '../../db/schema.js';
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

const NOW = new Date('2026-11-03T10:00:00+08:00');

describeEachDatabase('the return-to-work board', (database) => {
  let app: FastifyInstance;
  let db: Kysely<DB>;
  let tree: AreaTree;
  let staff: Session;
  let workerB: Session;
  const clock = new TestClock(NOW);

  async function firm(area: AreaRow, name: string, state: string | null, submittedDaysAgo = 0) {
    const { id } = await db
      .insertInto('units')
      .values({
        area_id: area.id,
        area_path: area.path,
        name,
        category: 'enterprise',
        created_at: NOW,
        updated_at: NOW,
      })
      .returning('id')
      .executeTakeFirstOrThrow();
    if (state === null) return id;
    const submitted = new Date(NOW.getTime() - submittedDaysAgo * 86_400_000);
    await db
      .insertInto('enterprise_filings')
      .values({
        unit_id: id,
        area_id: area.id,
        area_path: area.path,
        state: state as 'draft',
        submitted_at: state === 'draft' ? null : submitted,
        decide_by: state === 'submitted' ? new Date(submitted.getTime() + 3 * 86_400_000) : null,
        created_by: 'test',
        created_at: submitted,
        updated_at: submitted,
      })
      .execute();
    return id;
  }

  beforeAll(async () => {
    db = database().db;
    app = await testApp(database(), clock);
    tree = await createAreaTree(db);
    staff = await signIn(
      app,
      (await createUser(db, [{ role: 'community_staff', area: tree.village }])).username,
    );
    workerB = await signIn(app, (await createUser(db, [{ role: 'grid_worker', area: tree.gridB }])).username);
    await firm(tree.cellA, '甲一厂', 'approved');
    await firm(tree.microA, '甲二厂', 'submitted', 5);
    await firm(tree.cellA, '甲三厂', null);
    await firm(tree.cellB, '乙一厂', 'returned');
    await firm(tree.cellB, '乙二厂', 'approved');
  });
  afterAll(async () => {
    await app.close();
  });

  const board = (session: Session, areaId: number) =>
    app.inject({ url: `/api/enterprises/board?areaId=${areaId}`, headers: session.headers });

  it('counts each grid’s enterprises, filings and inspections due, and totals them', async () => {
    const round = await app.inject({
      method: 'POST',
      url: '/api/enterprise-inspections/rounds',
      headers: staff.headers,
      payload: {
        areaId: tree.village.id,
        name: '复工检查第一轮',
        startsOn: '2026-11-02',
        endsOn: '2026-11-06',
      },
    });
    expect(round.statusCode, round.body).toBe(201);

    const res = await board(staff, tree.village.id);
    expect(res.statusCode, res.body).toBe(200);
    const { areas, total } = res.json();
    const byName = Object.fromEntries(areas.map((a: { area: { name: string } }) => [a.area.name, a]));
    expect(byName['甲网格'].counts).toMatchObject({
      enterprises: 3,
      filed: 2,
      approved: 1,
      waiting: 1,
      filingsOverdue: 1,
      inspectionsDue: 1,
    });
    expect(byName['乙网格'].counts).toMatchObject({
      enterprises: 2,
      filed: 2,
      approved: 1,
      returned: 1,
      inspectionsDue: 1,
    });
    expect(total).toMatchObject({
      enterprises: 5,
      filed: 4,
      approved: 2,
      waiting: 1,
      returned: 1,
      inspectionsDue: 2,
    });
  });

  it('reads only within the caller’s area', async () => {
    expect((await board(workerB, tree.gridA.id)).statusCode).toBe(404);
    const own = await board(workerB, tree.gridB.id);
    expect(own.statusCode).toBe(200);
    expect(own.json().total).toMatchObject({ enterprises: 2, approved: 1 });
    expect((await board(workerB, 0)).statusCode).toBe(400);
  });
});
