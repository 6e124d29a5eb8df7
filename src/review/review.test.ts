import ExcelJS from 'exceljs';
import type { FastifyInstance } from 'fastify';
import type { Kysely } from 'kysely';
import { afterAll, beforeAll, expect, it } from 'vitest';
import type { DB, EventAction, EventStatus } from '../db/schema.js';
import type { AreaRow } from '../hierarchy/repository.js';
import { describeEachDatabase } from '../test-support/database.js';
import {
  type AreaTree,
  createAreaTree,
  createUser,
  type Session,
  signIn,
  testApp,
} from '../test-support/factories.js';
import type { AreaReviewList, WorkerReviewPage } from './schema.js';

const MINUTE = 60_000;
const DAY = 24 * 60 * MINUTE;
/** Monday 2 November 2026, 08:00 China time; the period reviewed is November. */
const T0 = new Date('2026-11-02T08:00:00+08:00');
const PERIOD = 'from=2026-11-01&to=2026-11-30';

interface StepSeed {
  action: EventAction;
  /** Minutes after the event's creation. */
  at: number;
  actor: number | null;
}
interface EventSeed {
  area: AreaRow;
  created: Date;
  status: EventStatus;
  assignee: number | null;
  steps: StepSeed[];
  /** Minutes after creation, as the workflow stamps them. */
  reported?: number;
  closed?: number;
  rating?: number;
}

let sequence = 0;
async function seedEvent(db: Kysely<DB>, categoryId: number, seed: EventSeed): Promise<number> {
  const at = (minutes: number | undefined) =>
    minutes === undefined ? null : new Date(seed.created.getTime() + minutes * MINUTE);
  const event = await db
    .insertInto('events')
    .values({
      code: `RV${String(++sequence).padStart(6, '0')}${Math.random().toString(36).slice(2, 6)}`,
      category_id: categoryId,
      area_id: seed.area.id,
      area_path: seed.area.path,
      tier: 'grid',
      tier_area_id: seed.area.id,
      source: 'patrol',
      status: seed.status,
      title: '考核测试事件',
      assignee_user_id: seed.assignee,
      rating: seed.rating ?? null,
      created_at: seed.created,
      updated_at: seed.created,
      reported_at: at(seed.reported),
      closed_at: at(seed.closed),
    })
    .returning('id')
    .executeTakeFirstOrThrow();
  if (seed.steps.length)
    await db
      .insertInto('event_steps')
      .values(
        seed.steps.map((step) => ({
          event_id: event.id,
          at: at(step.at)!,
          action: step.action,
          actor_user_id: step.actor,
          actor_name: step.actor === null ? 'system' : `user ${step.actor}`,
        })),
      )
      .execute();
  return event.id;
}

describeEachDatabase('performance review', (database) => {
  let app: FastifyInstance;
  let tree: AreaTree;
  let leader: Session;
  let reviewerA: Session;
  let plainWorker: Session;
  const users: Record<'a1' | 'a2' | 'b' | 'c' | 'idle' | 'lead', number> = {
    a1: 0,
    a2: 0,
    b: 0,
    c: 0,
    idle: 0,
    lead: 0,
  };

  beforeAll(async () => {
    const db = database().db;
    app = await testApp(database());
    tree = await createAreaTree(db);
    const { village, gridA, gridB, microA, cellA, cellB } = tree;
    const lead = await createUser(db, [{ role: 'grid_leader', area: village }]);
    const a1 = await createUser(db, [{ role: 'grid_worker', area: gridA }]);
    const a2 = await createUser(db, [{ role: 'grid_worker', area: microA }]);
    const b = await createUser(db, [{ role: 'grid_worker', area: gridB }]);
    const c = await createUser(db, [{ role: 'volunteer', area: gridB }]);
    const idle = await createUser(db, [{ role: 'grid_worker', area: gridA }]);
    const gridLeaderA = await createUser(db, [{ role: 'grid_leader', area: gridA }]);
    Object.assign(users, { a1: a1.id, a2: a2.id, b: b.id, c: c.id, idle: idle.id, lead: lead.id });
    leader = await signIn(app, lead.username);
    reviewerA = await signIn(app, gridLeaderA.username);
    plainWorker = await signIn(app, a1.username);

    const category = await db
      .insertInto('event_categories')
      .values({ code: 'review-test', name_zh: '考核测试', name_en: 'Review test' })
      .returning('id')
      .executeTakeFirstOrThrow();
    const add = (seed: EventSeed) => seedEvent(db, category.id, seed);
    const L = lead.id;
    // Worker A1: respond 20, 60, 10, 30 → median 25; close 200, 400, 1000 → median 400;
    // overdue only E2 (E4's escalation came before the event was theirs); ratings 5, 3, 4.
    await add({
      area: cellA,
      created: T0,
      status: 'closed',
      assignee: a1.id,
      reported: 100,
      closed: 200,
      rating: 5,
      steps: [
        { action: 'dispatch', at: 10, actor: L },
        { action: 'accept', at: 30, actor: a1.id },
        { action: 'report', at: 100, actor: a1.id },
        { action: 'close', at: 200, actor: L },
      ],
    });
    await add({
      area: gridA,
      created: new Date(T0.getTime() + DAY),
      status: 'evaluated',
      assignee: a1.id,
      reported: 300,
      closed: 400,
      rating: 3,
      steps: [
        { action: 'dispatch', at: 0, actor: L },
        { action: 'accept', at: 60, actor: a1.id },
        { action: 'escalate', at: 120, actor: null },
        { action: 'report', at: 300, actor: a1.id },
        { action: 'close', at: 400, actor: L },
      ],
    });
    await add({
      area: microA,
      created: new Date(T0.getTime() + 2 * DAY),
      status: 'reported',
      assignee: a1.id,
      reported: 50,
      steps: [
        { action: 'dispatch', at: 5, actor: L },
        { action: 'accept', at: 15, actor: a1.id },
        { action: 'report', at: 50, actor: a1.id },
      ],
    });
    await add({
      area: cellA,
      created: T0,
      status: 'evaluated',
      assignee: a1.id,
      reported: 80,
      closed: 1000,
      rating: 4,
      steps: [
        { action: 'escalate', at: 5, actor: null },
        { action: 'dispatch', at: 10, actor: L },
        { action: 'reassign', at: 20, actor: L },
        { action: 'accept', at: 50, actor: a1.id },
        { action: 'report', at: 80, actor: a1.id },
        { action: 'close', at: 1000, actor: L },
      ],
    });
    // Worker A2: respond 15 and 10 → 12.5; close 100 and 21,600 (created in October) → 10,850.
    await add({
      area: microA,
      created: T0,
      status: 'closed',
      assignee: a2.id,
      reported: 40,
      closed: 100,
      rating: 2,
      steps: [
        { action: 'dispatch', at: 10, actor: L },
        { action: 'accept', at: 25, actor: a2.id },
        { action: 'report', at: 40, actor: a2.id },
        { action: 'close', at: 100, actor: L },
      ],
    });
    // Reported, then sent back for more work: not handled.
    await add({
      area: cellA,
      created: T0,
      status: 'handling',
      assignee: a2.id,
      reported: 30,
      steps: [
        { action: 'dispatch', at: 0, actor: L },
        { action: 'accept', at: 10, actor: a2.id },
        { action: 'report', at: 30, actor: a2.id },
        { action: 'return', at: 40, actor: L },
      ],
    });
    const october20 = new Date('2026-10-20T08:00:00+08:00');
    await add({
      area: microA,
      created: october20,
      status: 'closed',
      assignee: a2.id,
      reported: 14 * 24 * 60,
      closed: 15 * 24 * 60,
      steps: [
        { action: 'dispatch', at: 10, actor: L },
        { action: 'accept', at: 20, actor: a2.id },
        { action: 'report', at: 14 * 24 * 60, actor: a2.id },
        { action: 'close', at: 15 * 24 * 60, actor: L },
      ],
    });
    // Handled in October: outside the period.
    await add({
      area: microA,
      created: october20,
      status: 'closed',
      assignee: a2.id,
      reported: 60,
      closed: 120,
      steps: [
        { action: 'dispatch', at: 0, actor: L },
        { action: 'accept', at: 5, actor: a2.id },
        { action: 'report', at: 60, actor: a2.id },
      ],
    });
    // Worker B: closed without a report (counts for the assignee), escalated before.
    await add({
      area: cellB,
      created: T0,
      status: 'closed',
      assignee: b.id,
      closed: 90,
      steps: [
        { action: 'escalate', at: 60, actor: null },
        { action: 'close', at: 90, actor: L },
      ],
    });
    // Still open in grid B: created, not handled.
    await add({
      area: gridB,
      created: new Date(T0.getTime() + 3 * DAY),
      status: 'dispatched',
      assignee: b.id,
      steps: [{ action: 'dispatch', at: 0, actor: L }],
    });
    // On the village itself, handled by the leader.
    await add({
      area: village,
      created: T0,
      status: 'closed',
      assignee: L,
      reported: 120,
      closed: 150,
      steps: [
        { action: 'dispatch', at: 0, actor: L },
        { action: 'accept', at: 100, actor: L },
        { action: 'report', at: 120, actor: L },
      ],
    });

    const house = async (area: AreaRow) =>
      (
        await db
          .insertInto('houses')
          .values({
            area_id: area.id,
            area_path: area.path,
            address: `${area.name}1号`,
            created_at: T0,
            updated_at: T0,
          })
          .returning('id')
          .executeTakeFirstOrThrow()
      ).id;
    const houseA = await house(cellA);
    const houseB = await house(cellB);
    const visit = (houseId: number, area: AreaRow, worker: number, at: Date) => ({
      house_id: houseId,
      area_id: area.id,
      area_path: area.path,
      worker_user_id: worker,
      worker_name: `user ${worker}`,
      visited_at: at,
    });
    await db
      .insertInto('household_visits')
      .values([
        visit(houseA, cellA, a2.id, T0),
        visit(houseA, cellA, a2.id, new Date(T0.getTime() + 5 * DAY)),
        visit(houseA, cellA, a2.id, october20),
        visit(houseB, cellB, b.id, T0),
        ...[1, 2, 3].map((d) => visit(houseB, cellB, c.id, new Date(T0.getTime() + d * DAY))),
        // 1 December 00:30 China time: after the period's last day.
        visit(houseB, cellB, c.id, new Date('2026-12-01T00:30:00+08:00')),
      ])
      .execute();
  });
  afterAll(async () => {
    await app.close();
  });

  const get = (session: Session, url: string) => app.inject({ url, headers: session.headers });

  it('reviews each worker with hand-computed medians, overdue shares, ratings and visits', async () => {
    const response = await get(leader, `/api/review/workers?areaId=${tree.village.id}&${PERIOD}`);
    expect(response.statusCode, response.body).toBe(200);
    const body = response.json() as WorkerReviewPage;
    expect(body.total).toBe(5);
    expect(body.period).toEqual({ from: '2026-11-01', to: '2026-11-30' });
    const rows = body.items.map((r) => ({
      user: r.userId,
      handled: r.eventsHandled,
      respond: r.medianRespondMinutes,
      close: r.medianCloseMinutes,
      overdue: r.overdueEvents,
      share: r.overdueShare,
      rating: r.ratingAverage,
      ratings: r.ratingCount,
      visits: r.visits,
    }));
    expect(rows).toEqual([
      {
        user: users.a1,
        handled: 4,
        respond: 25,
        close: 400,
        overdue: 1,
        share: 0.25,
        rating: 4,
        ratings: 3,
        visits: 0,
      },
      {
        user: users.a2,
        handled: 2,
        respond: 12.5,
        close: 10850,
        overdue: 0,
        share: 0,
        rating: 2,
        ratings: 1,
        visits: 2,
      },
      {
        user: users.b,
        handled: 1,
        respond: null,
        close: 90,
        overdue: 1,
        share: 1,
        rating: null,
        ratings: 0,
        visits: 1,
      },
      {
        user: users.lead,
        handled: 1,
        respond: 100,
        close: 150,
        overdue: 0,
        share: 0,
        rating: null,
        ratings: 0,
        visits: 0,
      },
      {
        user: users.c,
        handled: 0,
        respond: null,
        close: null,
        overdue: 0,
        share: null,
        rating: null,
        ratings: 0,
        visits: 3,
      },
    ]);
    expect(body.items[1]).toMatchObject({
      roles: ['grid_worker'],
      areas: [{ id: tree.microA.id, name: tree.microA.name }],
    });

    const second = (
      await get(leader, `/api/review/workers?areaId=${tree.village.id}&${PERIOD}&pageSize=2&page=2`)
    ).json() as WorkerReviewPage;
    expect(second.items.map((r) => r.userId)).toEqual([users.b, users.lead]);
    expect(second.total).toBe(5);
  });

  it('reviews each child area and the whole subtree, medians over all events', async () => {
    const response = await get(leader, `/api/review/areas?areaId=${tree.village.id}&${PERIOD}`);
    expect(response.statusCode, response.body).toBe(200);
    const body = response.json() as AreaReviewList;
    const pick = (r: AreaReviewList['total']) => [
      r.areaId,
      r.eventsCreated,
      r.eventsHandled,
      r.medianRespondMinutes,
      r.medianCloseMinutes,
      r.overdueEvents,
      r.overdueShare,
      r.ratingAverage,
      r.ratingCount,
      r.visits,
    ];
    expect(body.items.map((r) => [...pick(r), r.ownLevel])).toEqual([
      [tree.gridA.id, 6, 6, 17.5, 400, 2, 0.3333, 3.5, 4, 2, false],
      [tree.gridB.id, 2, 1, null, 90, 1, 1, null, 0, 4, false],
      [tree.village.id, 1, 1, 100, 150, 0, 0, null, 0, 0, true],
    ]);
    expect(pick(body.total)).toEqual([tree.village.id, 9, 8, 20, 200, 3, 0.375, 3.5, 4, 6]);
  });

  it('keeps a grid leader to their own grid and needs review.read', async () => {
    const village = await get(reviewerA, `/api/review/workers?areaId=${tree.village.id}&${PERIOD}`);
    expect(village.statusCode).toBe(404);
    expect(village.json().error.code).toBe('AREA_NOT_FOUND');
    expect((await get(reviewerA, `/api/review/areas?areaId=${tree.gridB.id}&${PERIOD}`)).statusCode).toBe(
      404,
    );
    expect(
      (await get(reviewerA, `/api/review/export.xlsx?areaId=${tree.gridB.id}&${PERIOD}`)).statusCode,
    ).toBe(404);

    const own = (
      await get(reviewerA, `/api/review/workers?areaId=${tree.gridA.id}&${PERIOD}`)
    ).json() as WorkerReviewPage;
    expect(own.items.map((r) => r.userId)).toEqual([users.a1, users.a2]);
    const areas = (
      await get(reviewerA, `/api/review/areas?areaId=${tree.gridA.id}&${PERIOD}`)
    ).json() as AreaReviewList;
    expect(areas.items.map((r) => [r.areaId, r.eventsHandled, r.ownLevel])).toEqual([
      [tree.microA.id, 5, false],
      [tree.gridA.id, 1, true],
    ]);
    expect(areas.total.eventsHandled).toBe(6);

    const forbidden = await get(plainWorker, `/api/review/workers?areaId=${tree.gridA.id}&${PERIOD}`);
    expect(forbidden.statusCode).toBe(403);
  });

  it('describes its routes in the OpenAPI document', async () => {
    const paths = Object.keys((await app.inject({ url: '/api/openapi.json' })).json().paths as object);
    expect(paths).toEqual(
      expect.arrayContaining([
        '/api/review/workers',
        '/api/review/areas',
        '/api/review/export.xlsx',
        '/api/events/{id}/photos/{photoId}',
        '/api/public/events/{token}/photos/{photoId}',
      ]),
    );
  });

  it('rejects a period that ends before it starts or is too long', async () => {
    const backwards = await get(
      leader,
      `/api/review/areas?areaId=${tree.village.id}&from=2026-11-30&to=2026-11-01`,
    );
    expect(backwards.statusCode).toBe(400);
    expect(backwards.json().error.code).toBe('REVIEW_PERIOD_INVALID');
    const long = await get(
      leader,
      `/api/review/areas?areaId=${tree.village.id}&from=2020-01-01&to=2026-11-01`,
    );
    expect(long.json().error.code).toBe('REVIEW_PERIOD_INVALID');
    const malformed = await get(
      leader,
      `/api/review/areas?areaId=${tree.village.id}&from=2026-13-01&to=2026-11-01`,
    );
    expect(malformed.statusCode).toBe(400);
  });

  it('exports both reviews as a workbook with bilingual headers and number formats, audit-logged', async () => {
    const response = await get(leader, `/api/review/export.xlsx?areaId=${tree.village.id}&${PERIOD}`);
    expect(response.statusCode, response.body).toBe(200);
    expect(response.headers['content-type']).toContain('spreadsheetml');
    expect(response.headers['content-disposition']).toContain(
      `review-${tree.village.code}-2026-11-01-2026-11-30.xlsx`,
    );
    const workbook = new ExcelJS.Workbook();
    await workbook.xlsx.load(response.rawPayload as unknown as ArrayBuffer);
    expect(workbook.worksheets.map((s) => s.name)).toEqual(['人员考核', '区域考核']);

    const workers = workbook.getWorksheet('人员考核')!;
    expect(String(workers.getCell('A1').value)).toContain('人员考核');
    const headers = (workers.getRow(2).values as unknown[]).slice(1);
    expect(headers).toContain('处理事件数\nEvents handled');
    expect(headers).toContain('超期率\nOverdue share');
    const column = (name: string) => headers.indexOf(name) + 1;
    const first = workers.getRow(3);
    expect(first.getCell(column('账号\nUsername')).value).toMatch(/^grid_worker_/);
    expect(first.getCell(column('处理事件数\nEvents handled')).value).toBe(4);
    const respond = first.getCell(column('响应时长中位数（分钟）\nMedian minutes to respond'));
    expect(respond.value).toBe(25);
    expect(respond.numFmt).toBe('#,##0.0');
    const share = first.getCell(column('超期率\nOverdue share'));
    expect(share.value).toBe(0.25);
    expect(share.numFmt).toBe('0.0%');
    expect(workers.rowCount).toBe(2 + 5);

    const areas = workbook.getWorksheet('区域考核')!;
    const last = areas.getRow(areas.rowCount);
    expect(last.getCell(1).value).toBe('合计');
    expect(last.getCell(3).value).toBe(9);
    expect(areas.getRow(5).getCell(1).value).toBe(`${tree.village.name}（本级）`);

    const audit = await database()
      .db.selectFrom('audit_log')
      .selectAll()
      .where('action', '=', 'review.export')
      .where('area_path', '=', tree.village.path)
      .execute();
    expect(audit).toHaveLength(1);
    expect(audit[0]!.after).toMatchObject({ from: '2026-11-01', to: '2026-11-30', workers: 5, areas: 3 });

    const english = await get(leader, `/api/review/export.xlsx?areaId=${tree.village.id}&${PERIOD}&lang=en`);
    const englishBook = new ExcelJS.Workbook();
    await englishBook.xlsx.load(english.rawPayload as unknown as ArrayBuffer);
    expect(englishBook.worksheets.map((s) => s.name)).toEqual(['Workers', 'Areas']);
    expect(englishBook.getWorksheet('Workers')!.getRow(2).getCell(5).value).toBe('Events handled');
  });
});
