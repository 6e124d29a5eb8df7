import ExcelJS from 'exceljs';
import { sql } from 'kysely';
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
import { addHouse } from '../../test-support/health-leads-fixtures.js';
import { addPerson, addTestRecord, systemActor } from '../../test-support/health-rounds-fixtures.js';

const STARTS = '2026-11-02T00:00:00+08:00';
const ENDS = '2026-11-04T00:00:00+08:00';

interface Row {
  personId: number;
  name: string;
  documentMasked: string;
  phoneMasked: string | null;
}

describeEachDatabase('the untested list a worker can finish', (database) => {
  let app: FastifyInstance;
  let tree: AreaTree;
  const clock = new TestClock();
  let staff: Session;
  let workerA: Session;
  let workerB: Session;
  /** A grid worker of row cell A who also reads the whole of grid A for the health department. */
  let cellWorker: Session;
  let roundId: number;
  const p = {} as Record<'a1' | 'a2' | 'a3' | 'a4' | 'b1' | 'b2', { id: number; documentNumber: string }>;

  const get = (session: Session, url: string) => app.inject({ url, headers: session.headers });
  const names = async (session: Session, query: string) => {
    const response = await get(session, `/api/rounds/${roundId}/untested?${query}`);
    expect(response.statusCode, response.body).toBe(200);
    return (response.json().items as Row[]).map((r) => r.name);
  };

  beforeAll(async () => {
    const db = database().db;
    app = await testApp(database(), clock);
    tree = await createAreaTree(db);
    const login = async (roles: Parameters<typeof createUser>[1]) =>
      signIn(app, (await createUser(db, roles)).username);
    staff = await login([{ role: 'community_staff', area: tree.village }]);
    workerA = await login([{ role: 'grid_worker', area: tree.gridA }]);
    workerB = await login([{ role: 'grid_worker', area: tree.gridB }]);
    cellWorker = await login([
      { role: 'grid_worker', area: tree.cellA },
      { role: 'department', area: tree.gridA, categories: ['health'] },
    ]);
    const house = await addHouse(db, systemActor(), tree.cellA.id, '星火村东埭3号');
    p.a1 = await addPerson(db, tree.cellA.id, {
      name: '张一',
      houseId: house,
      phone: '13812345678',
      tags: ['elderly_alone'],
    });
    p.a2 = await addPerson(db, tree.cellA.id, { name: '李二', currentAddress: '星火村东埭5号' });
    p.a3 = await addPerson(db, tree.microA.id, { name: '王三', currentAddress: '星火村西埭1号' });
    p.a4 = await addPerson(db, tree.gridA.id, { name: '赵四' });
    p.b1 = await addPerson(db, tree.cellB.id, { name: '张乙', currentAddress: '星火村东埭9号' });
    p.b2 = await addPerson(db, tree.gridB.id, { name: '钱乙' });
    await addTestRecord(db, p.a4.id, new Date('2026-11-02T09:30:00+08:00'));
    const before = new Date('2026-10-20T09:30:00+08:00');
    await addTestRecord(db, p.a2.id, before);
    await db
      .insertInto('person_health')
      .values({ person_id: p.a2.id, last_test_at: before, last_test_result: 'negative', updated_at: before })
      .execute();
    const created = await app.inject({
      method: 'POST',
      url: '/api/rounds',
      headers: staff.headers,
      payload: { areaId: tree.village.id, name: '第二轮', startsAt: STARTS, endsAt: ENDS },
    });
    expect(created.statusCode, created.body).toBe(201);
    roundId = created.json().id;
  });
  afterAll(async () => app.close());

  it('searches, filters and sorts within the worker’s own grid only', async () => {
    expect(await names(workerA, 'sort=name')).toEqual(['张一', '李二', '王三']);
    expect(await names(workerB, 'sort=name')).toEqual(['张乙', '钱乙']);
    // Name, address, the ID number's or phone's tail: never across into grid B.
    expect(await names(workerA, `q=${encodeURIComponent('张')}`)).toEqual(['张一']);
    expect(await names(workerA, `q=${encodeURIComponent('东埭')}&sort=name`)).toEqual(['张一', '李二']);
    expect(await names(workerA, 'q=5678')).toEqual(['张一']);
    expect(await names(workerA, `within=${tree.cellA.id}&sort=name`)).toEqual(['张一', '李二']);
    expect(await names(workerA, `within=${tree.microA.id}&tag=elderly_alone`)).toEqual(['张一']);
    const houseId = (await get(workerA, `/api/rounds/${roundId}/untested?q=5678`)).json().items[0].house.id;
    expect(await names(workerA, `houseId=${houseId}`)).toEqual(['张一']);
    // The oldest test first, never tested before anyone.
    expect((await names(workerA, 'sort=lastTest')).at(-1)).toBe('李二');
    // Grid B is not worker A's: its areas answer 404, its houses and names give nothing.
    expect((await get(workerA, `/api/rounds/${roundId}/untested?within=${tree.cellB.id}`)).statusCode).toBe(
      404,
    );
    expect(await names(workerA, `q=${encodeURIComponent('张乙')}`)).toEqual([]);
    const rows = (await get(workerA, `/api/rounds/${roundId}/untested?q=5678`)).json().items as Row[];
    expect(rows[0]).toMatchObject({ phoneMasked: '138****5678' });
    expect(rows[0]!.documentMasked).toContain('*');
    expect(JSON.stringify(rows)).not.toContain(p.a1.documentNumber);
  });

  it('shows "my rows": the areas of one’s field role, not all one may read', async () => {
    expect(await names(cellWorker, 'sort=name')).toEqual(['张一', '李二', '王三']);
    expect(await names(cellWorker, 'mine=true&sort=name')).toEqual(['张一', '李二']);
    expect(await names(workerA, 'mine=true&sort=name')).toEqual(['张一', '李二', '王三']);
  });

  it('exports the filtered list masked and audited', async () => {
    const response = await get(
      workerA,
      `/api/rounds/${roundId}/untested.xlsx?within=${tree.cellA.id}&sort=name`,
    );
    expect(response.statusCode, response.body).toBe(200);
    expect(response.headers['content-disposition']).toContain(encodeURIComponent('未检人员-第二轮'));
    const workbook = new ExcelJS.Workbook();
    await workbook.xlsx.load(response.rawPayload as unknown as ArrayBuffer);
    const rows: unknown[][] = [];
    workbook.worksheets[0]!.eachRow((row) => rows.push((row.values as unknown[]).slice(1)));
    expect(String(rows[0]![0])).toContain('已脱敏');
    expect(rows.slice(2).map((r) => r[2])).toEqual(['张一', '李二']);
    expect(rows[2]![4]).toBe('138****5678');
    expect(JSON.stringify(rows)).not.toContain(p.a1.documentNumber);
    expect(JSON.stringify(rows)).not.toContain('13812345678');
    expect(JSON.stringify(rows)).not.toContain('张乙');

    const audit = await database()
      .db.selectFrom('audit_log')
      .selectAll()
      .where('action', '=', 'round.export_untested')
      .execute();
    expect(audit).toHaveLength(1);
    expect(audit[0]).toMatchObject({ entity_id: String(roundId), area_path: tree.cellA.path });
    expect(audit[0]!.after).toMatchObject({ rows: 2, masked: true, within: tree.cellA.code });

    // Grid B's cell is not worker A's to export.
    expect(
      (await get(workerA, `/api/rounds/${roundId}/untested.xlsx?within=${tree.cellB.id}`)).statusCode,
    ).toBe(404);
  });

  it('marks the selected rows at once, all or none, only in the worker’s grid', async () => {
    const url = `/api/rounds/${roundId}/marks`;
    const post = (session: Session, payload: object) =>
      app.inject({ method: 'POST', url, headers: session.headers, payload });
    // One person of grid B in the selection refuses the whole batch.
    const mixed = await post(workerA, {
      personIds: [p.a1.id, p.b1.id],
      kind: 'outcome',
      reason: 'tested_elsewhere',
    });
    expect(mixed.statusCode).toBe(404);
    expect(mixed.json().error.code).toBe('PERSON_NOT_FOUND');
    expect((await get(workerA, `/api/rounds/${roundId}/untested?q=5678`)).json().items[0].mark).toBeNull();

    const marked = await post(workerA, {
      personIds: [p.a1.id, p.a2.id],
      kind: 'exempt',
      reason: 'away',
      note: '外出务工',
    });
    expect(marked.statusCode, marked.body).toBe(200);
    expect(marked.json().marked).toBe(2);
    expect(await names(workerA, 'sort=name')).toEqual(['王三']);
    const coverage = (await get(workerA, `/api/rounds/${roundId}/coverage`)).json();
    expect(coverage.node).toMatchObject({ exempt: 2, untested: 1 });
    // Worker B cannot mark grid A's people even one by one through the batch.
    expect((await post(workerB, { personIds: [p.a3.id], kind: 'exempt', reason: 'away' })).statusCode).toBe(
      404,
    );
  });

  it('refuses an export beyond the limit, naming the total, and writes no audit entry for it', async () => {
    // 5,001 residents of row cell B, set-based (the register's service would take minutes).
    await sql`insert into persons (area_id, area_path, document_type, document_hash, document_masked, secret, name, residence_type)
      select ${tree.cellB.id}, ${tree.cellB.path}, 'resident_id', 'bulk-' || i, '1****************' || (i % 10), 'x', '批量' || i, 'permanent'
      from generate_series(1, 5001) i`.execute(database().db);
    const response = await get(workerB, `/api/rounds/${roundId}/untested.xlsx`);
    expect(response.statusCode).toBe(422);
    expect(response.json().error.code).toBe('UNTESTED_EXPORT_TOO_LARGE');
    expect(response.json().error.message).toBe(
      '名单共 5003 人，一次最多导出 5000 人；请按网格、微网格、埭或标签筛选后再导出',
    );
    const audits = await database()
      .db.selectFrom('audit_log')
      .select('area_path')
      .where('action', '=', 'round.export_untested')
      .execute();
    expect(audits.map((a) => a.area_path)).toEqual([tree.cellA.path]);
    // Narrowed by a filter, it goes out.
    const narrowed = await get(
      workerB,
      `/api/rounds/${roundId}/untested.xlsx?q=${encodeURIComponent('张乙')}`,
    );
    expect(narrowed.statusCode).toBe(200);
  });
});
