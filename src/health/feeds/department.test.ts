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
  testApp,
} from '../../test-support/factories.js';
import { addPerson } from '../../test-support/health-rounds-fixtures.js';
import { multipart } from '../../test-support/multipart.js';

const STARTS = '2026-11-02T00:00:00+08:00';
const ENDS = '2026-11-04T00:00:00+08:00';

// The health department (卫健) account of grid A: it organises screening there (health.manage) and
// nowhere else, and does none of the field work (health.write) of the grid's workers.
describeEachDatabase('the health department at work: uploads, batches, rounds, key persons', (database) => {
  let app: FastifyInstance;
  let tree: AreaTree;
  let deptA: Session;
  let deptB: Session;
  let deptAName: string;
  let staff: Session;
  let personA: { id: number; documentNumber: string };
  let personB: { id: number; documentNumber: string };

  const get = (session: Session, url: string) => app.inject({ url, headers: session.headers });
  const send = (session: Session, method: 'POST' | 'PUT', url: string, payload: object) =>
    app.inject({ method, url, headers: session.headers, payload });
  const upload = async (session: Session, kind: string, areaId: number, csv: string) => {
    const body = await multipart([{ name: '核酸结果.csv', content: csv }], { areaId: String(areaId) });
    return app.inject({
      method: 'POST',
      url: `/api/health/imports/${kind}`,
      headers: { ...session.headers, ...body.headers },
      payload: body.payload,
    });
  };
  const poll = async (session: Session, batchId: number) => {
    let batch = (await get(session, `/api/feeds/batches/${batchId}`)).json();
    for (let i = 0; i < 200 && (batch.status === 'received' || batch.status === 'processing'); i++) {
      await new Promise((resolve) => setTimeout(resolve, 20));
      batch = (await get(session, `/api/feeds/batches/${batchId}`)).json();
    }
    return batch;
  };

  beforeAll(async () => {
    app = await testApp(database());
    const db = database().db;
    tree = await createAreaTree(db);
    const department = async (area: AreaTree['gridA']) =>
      createUser(db, [{ role: 'department', area, categories: ['health'] }]);
    const userA = await department(tree.gridA);
    deptAName = `测试${userA.username}`;
    deptA = await signIn(app, userA.username);
    deptB = await signIn(app, (await department(tree.gridB)).username);
    staff = await signIn(
      app,
      (await createUser(db, [{ role: 'community_staff', area: tree.village }])).username,
    );
    personA = await addPerson(db, tree.cellA.id, { name: '甲居民' });
    personB = await addPerson(db, tree.cellB.id, { name: '乙居民' });
  });
  afterAll(async () => app.close());

  it('holds health.manage over its area, and not health.write', async () => {
    const me = (await get(deptA, '/api/auth/me')).json();
    const rights = me.grants.flatMap((g: { rights: string[] }) => g.rights);
    expect(rights).toEqual(expect.arrayContaining(['health.read', 'health.manage']));
    expect(rights).not.toContain('health.write');
  });

  it('uploads test results for its area, lists the batch with who sent it, and downloads the rejects', async () => {
    const csv = [
      '姓名,身份证号,采样时间,检测结果',
      `甲居民,${personA.documentNumber},2026-11-01 07:00,阴性`,
      `错号,36042619910102009X,2026-11-01 07:10,阴性`,
      `甲居民,${personA.documentNumber},2026-11-01 07:20,不知道`,
    ].join('\n');
    const started = await upload(deptA, 'tests', tree.gridA.id, csv);
    expect(started.statusCode, started.body).toBe(202);
    const batchId: number = started.json().batchId;
    const batch = await poll(deptA, batchId);
    expect(batch).toMatchObject({ status: 'done', fileName: '核酸结果.csv', report: { inserted: 2 } });
    expect(batch.rejectedTotal).toBe(1);
    expect(batch.report.rejected[0]).toMatchObject({ row: 4 });

    const list = (await get(deptA, `/api/feeds/batches?within=${tree.gridA.id}&kind=tests`)).json();
    expect(list.items[0]).toMatchObject({
      batchId,
      kind: 'tests',
      status: 'done',
      area: { id: tree.gridA.id },
      sentBy: deptAName,
      inserted: 2,
      rejectedTotal: 1,
    });
    // The community above sees it; the department of grid B does not, nor its rejects.
    expect(
      (await get(staff, '/api/feeds/batches')).json().items.map((b: { batchId: number }) => b.batchId),
    ).toContain(batchId);
    expect((await get(deptB, '/api/feeds/batches')).json().items).toEqual([]);
    expect((await get(deptB, `/api/feeds/batches?within=${tree.gridA.id}`)).statusCode).toBe(404);
    expect((await get(deptB, `/api/feeds/batches/${batchId}/rejects.xlsx`)).statusCode).toBe(404);

    const file = await get(deptA, `/api/feeds/batches/${batchId}/rejects.xlsx`);
    expect(file.statusCode).toBe(200);
    expect(file.headers['content-type']).toContain('spreadsheetml');
    const workbook = new ExcelJS.Workbook();
    await workbook.xlsx.load(file.rawPayload as unknown as ArrayBuffer);
    const sheet = workbook.worksheets[0]!;
    expect(sheet.name).toBe('错误');
    expect(sheet.getRow(1).values).toEqual([undefined, '行号', '字段', '错误代码', '错误说明']);
    expect(sheet.getRow(2).getCell(1).value).toBe(4);
  });

  it('may not upload outside its area, nor import leads there', async () => {
    const refused = await upload(deptA, 'tests', tree.gridB.id, '姓名,身份证号,采样时间,检测结果\n');
    expect(refused.statusCode).toBe(404);
    expect(refused.json().error.code).toBe('AREA_NOT_FOUND');
    const lead = { reason: '协查', name: '甲居民', documentNumber: personA.documentNumber };
    const mine = await send(deptA, 'POST', '/api/leads', { areaId: tree.gridA.id, leads: [lead] });
    expect(mine.statusCode, mine.body).toBe(201);
    expect(mine.json().inserted).toBe(1);
    const theirs = await send(deptA, 'POST', '/api/leads', { areaId: tree.gridB.id, leads: [lead] });
    expect(theirs.statusCode).toBe(404);
  });

  it('starts and closes a round in its area, not outside, and marks no one', async () => {
    const round = { name: '甲网格第一轮', startsAt: STARTS, endsAt: ENDS };
    const created = await send(deptA, 'POST', '/api/rounds', { ...round, areaId: tree.gridA.id });
    expect(created.statusCode, created.body).toBe(201);
    const roundId: number = created.json().id;
    expect((await send(deptA, 'POST', '/api/rounds', { ...round, areaId: tree.gridB.id })).statusCode).toBe(
      404,
    );
    // Marking a person is the grid worker's, who saw them.
    const mark = await send(deptA, 'PUT', `/api/rounds/${roundId}/marks/${personA.id}`, {
      kind: 'exempt',
      reason: 'bedridden',
    });
    expect(mark.statusCode).toBe(403);

    const village = await send(staff, 'POST', '/api/rounds', { ...round, areaId: tree.village.id });
    // The village's round covers grid A, but closing it is for whoever runs the whole of it.
    expect((await send(deptA, 'POST', `/api/rounds/${village.json().id}/close`, {})).statusCode).toBe(403);
    const gridB = await send(staff, 'POST', '/api/rounds', { ...round, areaId: tree.gridB.id });
    expect((await send(deptA, 'POST', `/api/rounds/${gridB.json().id}/close`, {})).statusCode).toBe(404);
    const closed = await send(deptA, 'POST', `/api/rounds/${roundId}/close`, {});
    expect(closed.statusCode, closed.body).toBe(200);
    expect(closed.json().status).toBe('closed');
  });

  it('adds a key person of its area, not one of another grid', async () => {
    const added = await send(deptA, 'POST', '/api/key-persons', {
      personId: personA.id,
      category: 'home_monitoring',
    });
    expect(added.statusCode, added.body).toBe(201);
    const outside = await send(deptA, 'POST', '/api/key-persons', {
      personId: personB.id,
      category: 'home_monitoring',
    });
    expect(outside.statusCode).toBe(404);
  });
});
