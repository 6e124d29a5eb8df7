import ExcelJS from 'exceljs';
import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { createCheckpoint, twoVillagesWithStaff } from '../test-support/checkpoints-fixtures.js';
import { describeEachDatabase } from '../test-support/database.js';
import { type AreaTree, type Session, TestClock, testApp } from '../test-support/factories.js';
import { purgeExpiredRecords } from './figures-service.js';

const HOUR_MS = 3600 * 1000;
const DAY_MS = 24 * HOUR_MS;
// The test clock stands at 2026-11-02 08:00 China time.
const DATE = '2026-11-02';

describeEachDatabase('checkpoint figures, the daily report sheet and retention', (database) => {
  let app: FastifyInstance;
  let tree: AreaTree;
  let other: AreaTree;
  let staff: Session;
  let otherStaff: Session;
  let east: number;
  let road: number;
  const clock = new TestClock();

  beforeAll(async () => {
    app = await testApp(database(), clock);
    const db = database().db;
    ({ tree, other, staff, otherStaff } = await twoVillagesWithStaff(app, db));
    east = (await createCheckpoint(db, tree.gridA, { name: '东入口' })).id;
    road = (await createCheckpoint(db, tree.gridB, { name: '镇道卡口', kind: 'traffic' })).id;
    const foreign = (await createCheckpoint(db, other.village)).id;

    const at = (hours: number) => new Date(clock.now().getTime() + hours * HOUR_MS);
    const person = (checkpoint: number, path: string, hours: number, extra: object = {}) => ({
      checkpoint_id: checkpoint,
      area_path: path,
      subject: 'person' as const,
      source: 'staff' as const,
      at: at(hours),
      decision: 'allowed' as const,
      ...extra,
    });
    const vehicle = (checkpoint: number, path: string, hours: number, plate: string, extra: object = {}) => ({
      checkpoint_id: checkpoint,
      area_path: path,
      subject: 'vehicle' as const,
      source: 'device' as const,
      at: at(hours),
      plate,
      ...extra,
    });
    await db
      .insertInto('checkpoint_records')
      .values([
        // Today at the east entrance: 3 people (one refused with a fever), 1 vehicle.
        person(east, tree.gridA.path, -1),
        person(east, tree.gridA.path, 1),
        person(east, tree.gridA.path, 2, { decision: 'refused', fever: true, temperature: 38.4 }),
        vehicle(east, tree.gridA.path, 3, '浙A12345'),
        // Today on the road: 2 vehicles, one flagged for a risk area and refused.
        vehicle(road, tree.gridB.path, 0.5, '浙B23456'),
        vehicle(road, tree.gridB.path, 4, '苏E34567', { flagged: true, decision: 'refused', reads: 3 }),
        // Yesterday and long ago: not today's figures.
        person(east, tree.gridA.path, -20),
        person(east, tree.gridA.path, -40 * 24),
        vehicle(road, tree.gridB.path, -35 * 24, '浙C45678'),
        // Another township's.
        person(foreign, other.village.path, 1),
      ])
      .execute();
    await db
      .insertInto('checkpoint_gaps')
      .values({
        checkpoint_id: road,
        area_path: tree.gridB.path,
        started_at: at(-2),
        ended_at: at(-1),
        required: 1,
      })
      .execute();
  });
  afterAll(async () => {
    await app.close();
  });

  it('counts people, vehicles, refusals, fevers, flagged vehicles and gaps per checkpoint and area', async () => {
    const response = await app.inject({
      url: `/api/checkpoints/figures?areaId=${tree.village.id}&date=${DATE}`,
      headers: staff.headers,
    });
    expect(response.statusCode, response.body).toBe(200);
    const figures = response.json();
    expect(figures.total).toEqual({ people: 3, vehicles: 3, refused: 2, fevers: 1, flagged: 1, gaps: 1 });
    const byName = Object.fromEntries(figures.checkpoints.map((c: { name: string }) => [c.name, c]));
    expect(byName['东入口']).toMatchObject({
      people: 3,
      vehicles: 1,
      refused: 1,
      fevers: 1,
      flagged: 0,
      gaps: 0,
    });
    expect(byName['镇道卡口']).toMatchObject({ people: 0, vehicles: 2, refused: 1, flagged: 1, gaps: 1 });
    expect(
      figures.areas.map((a: { area: { name: string }; people: number }) => [a.area.name, a.people]),
    ).toEqual([
      ['甲网格', 3],
      ['乙网格', 0],
    ]);
    // Another township's staff see only their own; this village is outside their scope.
    const foreign = await app.inject({
      url: `/api/checkpoints/figures?date=${DATE}`,
      headers: otherStaff.headers,
    });
    expect(foreign.json().total.people).toBe(1);
    const outside = await app.inject({
      url: `/api/checkpoints/figures?areaId=${tree.village.id}`,
      headers: otherStaff.headers,
    });
    expect(outside.statusCode).toBe(404);
  });

  it('adds a 卡口 sheet with these figures to the daily XLSX report', async () => {
    const response = await app.inject({
      url: `/api/reports/daily.xlsx?node=${tree.village.id}&date=${DATE}`,
      headers: staff.headers,
    });
    expect(response.statusCode, response.body.slice(0, 300)).toBe(200);
    const workbook = new ExcelJS.Workbook();
    await workbook.xlsx.load(response.rawPayload as unknown as ArrayBuffer);
    const sheet = workbook.getWorksheet('卡口');
    expect(sheet).toBeDefined();
    const rows: unknown[][] = [];
    sheet!.eachRow((row) => rows.push((row.values as unknown[]).slice(1)));
    expect(rows[1]).toEqual([
      '区域',
      '卡口',
      '编号',
      '类型',
      '查验人员',
      '查验车辆',
      '劝返',
      '发热',
      '风险车辆',
      '缺岗次数',
    ]);
    expect(rows.find((r) => r[1] === '东入口')).toEqual([
      '甲网格',
      '东入口',
      expect.any(String),
      '村口',
      3,
      1,
      1,
      1,
      0,
      0,
    ]);
    expect(rows.at(-1)).toEqual(['合计', '2 个卡口', tree.village.code, undefined, 3, 3, 2, 1, 1, 1]);
  });

  it('deletes crossings older than the retention period, in batches, by the registered job too', async () => {
    const db = database().db;
    const count = async () =>
      Number(
        (
          await db
            .selectFrom('checkpoint_records')
            .select((eb) => eb.fn.countAll().as('n'))
            .executeTakeFirstOrThrow()
        ).n,
      );
    expect(await count()).toBe(10);
    // 30 days: the two crossings of 35 and 40 days ago go (one per batch here), the rest stays.
    expect(await purgeExpiredRecords(db, clock.now(), 30, 1)).toBe(2);
    expect(await count()).toBe(8);
    expect(await purgeExpiredRecords(db, clock.now(), 30)).toBe(0);

    // The job uses the configured period (default 28 days): 29 days on, everything of today is gone.
    expect(app.config.checkpointRecordRetentionDays).toBe(28);
    clock.advance(29 * DAY_MS);
    expect(await app.jobs.tick('checkpoint-record-purge')).toBe(8);
    expect(await count()).toBe(0);
  });
});
