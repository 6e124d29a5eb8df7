import ExcelJS from 'exceljs';
import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { residentIdCheckCharacter } from '../register/identity/identity-number.js';
import { describeEachDatabase } from '../test-support/database.js';
import {
  type AreaTree,
  createAreaTree,
  createUser,
  type Session,
  signIn,
  testApp,
} from '../test-support/factories.js';
import { multipart } from '../test-support/multipart.js';

const id = (first17: string) => first17 + residentIdCheckCharacter(first17);
const IDS = [id('33010619800101001'), id('33010619800101002'), id('33010619800101003')];

async function sheetRows(body: Buffer): Promise<string[][]> {
  const workbook = new ExcelJS.Workbook();
  await workbook.xlsx.load(body as unknown as ArrayBuffer);
  const rows: string[][] = [];
  workbook.worksheets[0]!.eachRow((row) =>
    rows.push((row.values as unknown[]).slice(1).map((v) => String(v ?? ''))),
  );
  return rows;
}

describeEachDatabase('register import API and persons export', (database) => {
  let app: FastifyInstance;
  let tree: AreaTree;
  let leaderA: Session;
  let leaderB: Session;
  let workerA: Session;

  beforeAll(async () => {
    app = await testApp(database());
    tree = await createAreaTree(database().db);
    leaderA = await signIn(
      app,
      (await createUser(database().db, [{ role: 'grid_leader', area: tree.gridA }])).username,
    );
    leaderB = await signIn(
      app,
      (await createUser(database().db, [{ role: 'grid_leader', area: tree.gridB }])).username,
    );
    workerA = await signIn(
      app,
      (await createUser(database().db, [{ role: 'grid_worker', area: tree.gridA }])).username,
    );
  });
  afterAll(async () => app.close());

  const csv = () =>
    [
      '户主姓名,证件,手机号码,网格编码,人员类型,备注',
      `陈一,${IDS[0]},13800000001,${tree.gridA.code},常住,`,
      `陈二,${IDS[1]},13800000002,${tree.microA.code},暂住,租户`,
      `陈三,${IDS[2]},12345,${tree.gridA.code},常住,`,
    ].join('\n');

  const post = async (
    url: string,
    session: Session,
    content: string,
    fields: Record<string, string> = {},
  ) => {
    const body = await multipart([{ name: '人员.csv', content }], fields);
    return app.inject({
      method: 'POST',
      url,
      headers: { ...session.headers, ...body.headers },
      payload: body.payload,
    });
  };

  it('previews the headers, a proposed mapping and masked first rows, then imports in the background', async () => {
    const preview = await post('/api/imports/persons/preview', leaderA, csv());
    expect(preview.statusCode, preview.body).toBe(200);
    const p = preview.json();
    expect(p.headers).toEqual(['户主姓名', '证件', '手机号码', '网格编码', '人员类型', '备注']);
    expect(p.mapping).toEqual({
      户主姓名: null,
      证件: null,
      手机号码: 'phone',
      网格编码: 'gridCode',
      人员类型: 'residenceType',
      备注: null,
    });
    expect(p.missingRequired).toEqual(['name', 'documentNumber']);
    expect(p.rows).toHaveLength(3);
    expect(p.rows[0].values.手机号码).toBe('138****0001');

    const missing = await post('/api/imports/persons', leaderA, csv());
    expect(missing.statusCode).toBe(400);
    expect(missing.json().error).toMatchObject({
      code: 'IMPORT_FILE_INVALID',
      details: { problem: 'MAPPING_INVALID' },
    });

    const mapping = JSON.stringify({ 户主姓名: 'name', 证件: 'documentNumber', 备注: null });
    const remapped = (await post('/api/imports/persons/preview', leaderA, csv(), { mapping })).json();
    expect(remapped.missingRequired).toEqual([]);
    expect(remapped.rows[0].values.证件).toBe(`3****************${IDS[0]!.slice(-1)}`);

    const started = await post('/api/imports/persons', leaderA, csv(), { mapping });
    expect(started.statusCode, started.body).toBe(202);
    const jobId = started.json().id as string;
    let job = started.json();
    for (let i = 0; i < 100 && job.status === 'running'; i++) {
      await new Promise((resolve) => setTimeout(resolve, 50));
      job = (
        await app.inject({ method: 'GET', url: `/api/imports/${jobId}`, headers: leaderA.headers })
      ).json();
    }
    expect(job).toMatchObject({
      status: 'done',
      kind: 'persons',
      fileName: '人员.csv',
      processedRows: 3,
      rejectedTotal: 1,
    });
    expect(job.report).toEqual({
      inserted: 2,
      updated: 0,
      unchanged: 0,
      rejected: [{ row: 4, field: '手机号码', code: 'phone', message: expect.any(String) }],
    });

    const rejects = await app.inject({
      method: 'GET',
      url: `/api/imports/${jobId}/rejects.xlsx`,
      headers: leaderA.headers,
    });
    expect(rejects.statusCode).toBe(200);
    const rows = await sheetRows(rejects.rawPayload);
    expect(rows[0]).toEqual([
      '行号',
      '字段',
      '错误代码',
      '错误说明',
      '户主姓名',
      '证件',
      '手机号码',
      '网格编码',
      '人员类型',
      '备注',
    ]);
    expect(rows[1]!.slice(0, 3)).toEqual(['4', '手机号码', 'phone']);
    expect(rows[1]!.slice(4, 6)).toEqual(['陈三', IDS[2]]);
    const audit = await database()
      .db.selectFrom('audit_log')
      .select(['action', 'entity_id', 'after'])
      .where('entity_id', '=', jobId)
      .orderBy('id')
      .execute();
    expect(audit).toEqual([
      {
        action: 'person.import',
        entity_id: jobId,
        after: { file: '人员.csv', format: 'csv', inserted: 2, updated: 0, unchanged: 0, rejected: 1 },
      },
      { action: 'person.import.rejects', entity_id: jobId, after: null },
    ]);

    // Someone of another grid cannot see the job; a worker of the same grid can.
    expect(
      (await app.inject({ method: 'GET', url: `/api/imports/${jobId}`, headers: leaderB.headers }))
        .statusCode,
    ).toBe(404);
    expect(
      (await app.inject({ method: 'GET', url: `/api/imports/${jobId}`, headers: workerA.headers }))
        .statusCode,
    ).toBe(200);
    const stored = await database()
      .db.selectFrom('persons')
      .select(['name', 'area_id'])
      .where('name', 'in', ['陈一', '陈二', '陈三'])
      .orderBy('name')
      .execute();
    expect(stored).toEqual([
      { name: '陈一', area_id: tree.gridA.id },
      { name: '陈二', area_id: tree.microA.id },
    ]);
  });

  it('exports masked by default, reveals only with the right and a reason, and audits every export', async () => {
    const url = `/api/persons/export.xlsx?within=${tree.gridA.id}`;
    const masked = await app.inject({ method: 'GET', url, headers: leaderA.headers });
    expect(masked.statusCode, masked.body).toBe(200);
    const rows = await sheetRows(masked.rawPayload);
    expect(rows[0]!.slice(0, 6)).toEqual([
      '姓名',
      '证件类型',
      '公民身份号码',
      '性别',
      '出生年份',
      '联系电话',
    ]);
    const chen = rows.find((r) => r[0] === '陈一')!;
    expect(chen.slice(1, 6)).toEqual([
      '居民身份证',
      `3****************${IDS[0]!.slice(-1)}`,
      '男',
      '1980',
      '138****0001',
    ]);
    expect(masked.rawPayload.includes(Buffer.from(IDS[0]!))).toBe(false);

    expect(
      (await app.inject({ method: 'GET', url: `${url}&reveal=true`, headers: leaderA.headers })).statusCode,
    ).toBe(400);
    const revealed = await app.inject({
      method: 'GET',
      url: `${url}&reveal=true&reason=${encodeURIComponent('疫情排查核对')}`,
      headers: leaderA.headers,
    });
    expect(revealed.statusCode).toBe(200);
    const full = (await sheetRows(revealed.rawPayload)).find((r) => r[0] === '陈一')!;
    expect(full.slice(2, 6)).toEqual([IDS[0], '男', '1980-01-01', '13800000001']);

    const audit = await database()
      .db.selectFrom('audit_log')
      .selectAll()
      .where('action', '=', 'person.export')
      .orderBy('id')
      .execute();
    expect(audit.map((a) => [a.after, a.reason, a.area_path])).toEqual([
      [{ within: tree.gridA.code, count: 2, revealed: false, status: 'active' }, null, tree.gridA.path],
      [
        { within: tree.gridA.code, count: 2, revealed: true, status: 'active' },
        '疫情排查核对',
        tree.gridA.path,
      ],
    ]);

    // Another grid's leader does not even learn that the area exists; a worker may not export at all.
    expect((await app.inject({ method: 'GET', url, headers: leaderB.headers })).statusCode).toBe(404);
    expect((await app.inject({ method: 'GET', url, headers: workerA.headers })).statusCode).toBe(403);
  });
  it('serves a blank template with the Chinese column titles', async () => {
    const response = await app.inject({
      url: '/api/imports/persons/template.xlsx',
      headers: workerA.headers,
    });
    expect(response.statusCode).toBe(200);
    expect(response.headers['content-type']).toContain('spreadsheetml');
    const [header] = await sheetRows(response.rawPayload);
    expect(header).toEqual(expect.arrayContaining(['姓名', '网格编码']));
  });
});
