import ExcelJS from 'exceljs';
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
import { addPerson, systemActor } from '../../test-support/health-leads-fixtures.js';
import { createLeads } from '../leads/service.js';
import { initialiseRound } from '../rounds/counters-repository.js';
import { SHEET_NAMES } from './daily.js';

const HOUR_MS = 3600 * 1000;
const DATE = '2026-11-02';

async function workbookOf(body: Buffer) {
  const workbook = new ExcelJS.Workbook();
  await workbook.xlsx.load(body as unknown as ArrayBuffer);
  return workbook;
}

/** Rows of a sheet as plain arrays (exceljs rows are 1-based with a hole at index 0). */
function rowsOf(workbook: ExcelJS.Workbook, name: string): unknown[][] {
  const sheet = workbook.getWorksheet(name)!;
  const rows: unknown[][] = [];
  sheet.eachRow((row) => rows.push((row.values as unknown[]).slice(1)));
  return rows;
}

describeEachDatabase('daily reports', (database) => {
  let app: FastifyInstance;
  let tree: AreaTree;
  const clock = new TestClock();
  let staff: Session;
  let workerA: Session;
  let workerB: Session;
  let commander: Session;
  const arrivals: Array<{ id: number; documentNumber: string }> = [];

  beforeAll(async () => {
    app = await testApp(database(), clock);
    const db = database().db;
    tree = await createAreaTree(db);
    const login = async (
      role: 'community_staff' | 'grid_worker' | 'commander',
      area: AreaTree[keyof AreaTree],
    ) => signIn(app, (await createUser(db, [{ role, area }])).username);
    staff = await login('community_staff', tree.village);
    workerA = await login('grid_worker', tree.gridA);
    workerB = await login('grid_worker', tree.gridB);
    commander = await login('commander', tree.village);
    const actor = systemActor(clock.now);
    arrivals.push(
      await addPerson(db, actor, app.cipher, {
        areaId: tree.microA.id,
        name: '周新来',
        phone: '13500000001',
        arrivalDate: DATE,
        arrivedFrom: '上海市',
        residenceType: 'floating',
      }),
    );
    arrivals.push(
      await addPerson(db, actor, app.cipher, { areaId: tree.gridB.id, name: '吴新来', arrivalDate: DATE }),
    );
    const resident = await addPerson(db, actor, app.cipher, { areaId: tree.cellA.id, name: '郑居民' });
    await addPerson(db, actor, app.cipher, {
      areaId: tree.gridB.id,
      name: '冯居民',
      arrivalDate: '2026-10-01',
    });

    await db
      .insertInto('key_persons')
      .values([
        {
          person_id: resident.id,
          area_path: tree.cellA.path,
          category: 'close_contact',
          starts_on: '2026-11-01',
          ends_on: '2026-11-07',
          plan: JSON.stringify({}),
          reason: '密接',
          source: 'manual',
        },
        {
          person_id: arrivals[1]!.id,
          area_path: tree.gridB.path,
          category: 'home_quarantine',
          starts_on: '2026-10-20',
          ends_on: '2026-11-10',
          plan: JSON.stringify({}),
          source: 'manual',
        },
      ])
      .execute();

    const round = await db
      .insertInto('screening_rounds')
      .values({
        area_id: tree.village.id,
        area_path: tree.village.path,
        name: '第3轮全员核酸',
        starts_at: new Date(clock.now().getTime() - 2 * HOUR_MS),
        ends_at: new Date(clock.now().getTime() + 24 * HOUR_MS),
        created_by: 'test',
      })
      .returning('id')
      .executeTakeFirstOrThrow();
    await db
      .insertInto('health_records')
      .values({
        kind: 'test',
        source: 'lab',
        record_key: 'id:t1',
        person_id: resident.id,
        area_path: tree.cellA.path,
        occurred_at: new Date(clock.now().getTime() - HOUR_MS),
        result: 'negative',
      })
      .execute();
    await initialiseRound(db, round.id);

    await db.transaction().execute((trx) =>
      createLeads(trx, actor, app.cipher, {
        areaId: tree.village.id,
        leads: [
          { documentNumber: resident.documentNumber, reason: '大数据推送' },
          { phone: '13600000000', reason: '大数据推送' },
        ],
      }),
    );
  });
  afterAll(async () => {
    await app.close();
  });

  const report = (session: Session, query: string) =>
    app.inject({ url: `/api/reports/daily.xlsx?${query}`, headers: session.headers });

  it('exports one workbook: key persons, round coverage, lead progress and arrivals, masked', async () => {
    const response = await report(staff, `node=${tree.village.id}&date=${DATE}`);
    expect(response.statusCode, response.body).toBe(200);
    expect(response.headers['content-type']).toContain('spreadsheetml');
    expect(response.headers['content-disposition']).toContain(encodeURIComponent('日报-测试社区'));
    const workbook = await workbookOf(response.rawPayload);
    expect(workbook.worksheets.map((s) => s.name)).toEqual([...SHEET_NAMES, '疫苗接种']);

    const summary = rowsOf(workbook, '重点人员统计');
    expect(String(summary[0]![0])).toContain(`测试社区（${tree.village.code}）疫情防控日报`);
    expect(String(summary[0]![0])).toContain(DATE);
    expect(summary[1]!.slice(0, 4)).toEqual([
      '区域',
      '编码',
      '涉疫地区来返人员（在管）',
      '密切接触者（在管）',
    ]);
    // 区域, 编码, 7 categories, 在管合计, 已解除, 已转出
    expect(summary.find((r) => r[0] === '甲网格')).toEqual([
      '甲网格',
      tree.gridA.code,
      0,
      1,
      0,
      0,
      0,
      0,
      0,
      1,
      0,
      0,
    ]);
    expect(summary.find((r) => r[0] === '乙网格')).toEqual([
      '乙网格',
      tree.gridB.code,
      0,
      0,
      0,
      1,
      0,
      0,
      0,
      1,
      0,
      0,
    ]);
    expect(summary.at(-1)!.slice(0, 2)).toEqual(['合计', tree.village.code]);
    expect(summary.at(-1)![9]).toBe(2);

    const list = rowsOf(workbook, '重点人员名单');
    expect(list[1]!.slice(0, 5)).toEqual(['区域', '姓名', '证件号码', '联系电话', '类别']);
    expect(list.slice(2).map((r) => [r[1], r[4]])).toEqual(
      expect.arrayContaining([
        ['郑**', '密切接触者'],
        ['吴**', '居家隔离'],
      ]),
    );

    const coverage = rowsOf(workbook, '筛查覆盖');
    // 轮次, 区域, 编码, 应检, 已检, 未检, 免检, 离开, 检测率
    expect(coverage.find((r) => r[1] === '甲网格')!.slice(3, 8)).toEqual([2, 1, 1, 0, 0]);
    expect(coverage.find((r) => r[1] === '乙网格')!.slice(3, 8)).toEqual([2, 0, 2, 0, 0]);
    expect(coverage.find((r) => r[1] === '合计')!.slice(3, 6)).toEqual([4, 1, 3]);

    const leads = rowsOf(workbook, '线索核查');
    expect(leads.find((r) => r[0] === '甲网格')).toEqual([
      '甲网格',
      tree.gridA.code,
      1,
      0,
      1,
      0,
      1,
      '未清零',
    ]);
    expect(leads.find((r) => r[0] === '测试社区（待分派）')!.slice(2, 7)).toEqual([1, 0, 1, 0, 1]);
    expect(leads.at(-1)!.slice(0, 3)).toEqual(['合计', tree.village.code, 2]);

    const arrived = rowsOf(workbook, '新增来人');
    expect(arrived).toHaveLength(4);
    const zhou = arrived.find((r) => r[1] === '周**')!;
    expect(zhou).toEqual([
      '甲一微网格',
      '周**',
      expect.any(String),
      `${arrivals[0]!.documentNumber.slice(0, 1)}${'*'.repeat(16)}${arrivals[0]!.documentNumber.slice(-1)}`,
      '135****0001',
      '上海市',
      undefined,
      undefined,
      '流动',
      '在住',
    ]);
    const text = JSON.stringify(arrived);
    expect(text).not.toContain(arrivals[0]!.documentNumber);
    expect(text).not.toContain('周新来');
  });

  it('reveals identities only with person.reveal and a reason, and logs every export', async () => {
    expect(
      (await report(commander, `node=${tree.village.id}&date=${DATE}&reveal=true&reason=x`)).statusCode,
    ).toBe(403);
    expect((await report(staff, `node=${tree.village.id}&date=${DATE}&reveal=true`)).statusCode).toBe(400);
    const response = await report(
      staff,
      `node=${tree.village.id}&date=${DATE}&reveal=true&reason=${encodeURIComponent('报送区指挥部')}`,
    );
    expect(response.statusCode, response.body).toBe(200);
    const arrived = rowsOf(await workbookOf(response.rawPayload), '新增来人');
    expect(arrived.find((r) => r[1] === '周新来')!.slice(3, 5)).toEqual([
      arrivals[0]!.documentNumber,
      '13500000001',
    ]);

    const audit = await database()
      .db.selectFrom('audit_log')
      .select(['after', 'reason', 'area_path'])
      .where('action', '=', 'report.daily.export')
      .orderBy('id')
      .execute();
    expect(audit.map((a) => [(a.after as { revealed: boolean }).revealed, a.reason])).toEqual([
      [false, null],
      [true, '报送区指挥部'],
    ]);
    expect(audit[1]!.area_path).toBe(tree.village.path);
  });

  it('scopes the report to the caller’s area', async () => {
    expect((await report(workerB, `node=${tree.gridA.id}&date=${DATE}`)).statusCode).toBe(404);
    expect((await report(workerB, `node=${tree.village.id}&date=${DATE}`)).statusCode).toBe(404);
    const own = await report(workerA, `node=${tree.gridA.id}&date=${DATE}`);
    expect(own.statusCode).toBe(200);
    const workbook = await workbookOf(own.rawPayload);
    const arrived = rowsOf(workbook, '新增来人');
    // Only grid A's arrival; grid B's is not in this report.
    expect(arrived.slice(2).map((r) => r[1])).toEqual(['周**']);
    expect(
      rowsOf(workbook, '重点人员名单')
        .slice(2)
        .map((r) => r[1]),
    ).toEqual(['郑**']);
  });

  it('adds a vaccination sheet per grid whose figures equal a recount of the register', async () => {
    const db = database().db;
    const persons = await db.selectFrom('persons').select(['id', 'area_path', 'status']).execute();
    const ours = persons.filter((p) => p.area_path?.startsWith(tree.village.path));
    // Doses 3, 1, 2, 0… over the village's residents, as the vaccination feed would leave them.
    for (const [i, person] of ours.entries())
      await db
        .insertInto('person_health')
        .values({ person_id: person.id, vaccination_doses: [3, 1, 2, 0][i % 4]!, updated_at: clock.now() })
        .onConflict((oc) => oc.column('person_id').doUpdateSet({ vaccination_doses: [3, 1, 2, 0][i % 4]! }))
        .execute();
    const health = await db.selectFrom('person_health').select(['person_id', 'vaccination_doses']).execute();
    const doses = new Map(health.map((h) => [h.person_id, h.vaccination_doses]));
    const recount = (grid: { path: string }) => {
      const here = ours.filter((p) => p.status === 'active' && p.area_path!.startsWith(grid.path));
      const atLeast = (n: number) => here.filter((p) => (doses.get(p.id) ?? 0) >= n).length;
      return [here.length, atLeast(1), atLeast(2), atLeast(3)];
    };

    const workbook = await workbookOf(
      (await report(staff, `node=${tree.village.id}&date=${DATE}`)).rawPayload,
    );
    const rows = rowsOf(workbook, '疫苗接种');
    expect(String(rows[0]![0])).toContain('新冠疫苗接种覆盖');
    expect(rows[1]).toEqual([
      '网格',
      '编码',
      '在住人数',
      '接种≥1剂',
      '接种≥2剂',
      '接种≥3剂',
      '≥1剂比例',
      '≥2剂比例',
      '≥3剂比例',
    ]);
    const a = recount(tree.gridA);
    const b = recount(tree.gridB);
    expect(rows[2]!.slice(0, 6)).toEqual(['甲网格', tree.gridA.code, ...a]);
    expect(rows[3]!.slice(0, 6)).toEqual(['乙网格', tree.gridB.code, ...b]);
    const total = a.map((n, i) => n + b[i]!);
    expect(rows[4]!.slice(0, 6)).toEqual(['合计', tree.village.code, ...total]);
    expect(rows[4]![6]).toBeCloseTo(total[1]! / total[0]!, 4);
    expect(total[0]).toBeGreaterThan(0);

    // Worker A's report of grid A: the grid alone, nothing of grid B.
    const own = rowsOf(
      await workbookOf((await report(workerA, `node=${tree.gridA.id}&date=${DATE}`)).rawPayload),
      '疫苗接种',
    );
    expect(own.slice(2).map((r) => r.slice(0, 6))).toEqual([
      ['甲网格', tree.gridA.code, ...a],
      ['合计', tree.gridA.code, ...a],
    ]);
  });
});
