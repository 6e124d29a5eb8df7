import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync, readFileSync, existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { problemMessage } from '../i18n/messages.js';
import type { ProblemCode } from '../i18n/problem-codes.js';
import type { RowReject } from '../imports/report.js';
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

const hasSoffice = (() => {
  try {
    execFileSync('which', ['soffice']);
    return true;
  } catch {
    return false;
  }
})();

describeEachDatabase('area import from CSV, XLSX and GeoJSON', (database) => {
  let app: FastifyInstance;
  let tree: AreaTree;
  let staff: Session;
  const dir = mkdtempSync(path.join(tmpdir(), 'gg-areas-'));

  beforeAll(async () => {
    app = await testApp(database());
    tree = await createAreaTree(database().db);
    staff = await signIn(
      app,
      (await createUser(database().db, [{ role: 'community_staff', area: tree.village }])).username,
    );
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  const upload = async (name: string, content: Buffer | string) => {
    const body = await multipart([{ name, content }]);
    return app.inject({
      method: 'POST',
      url: '/api/areas/import',
      headers: { ...staff.headers, ...body.headers },
      payload: body.payload,
    });
  };

  it('imports a GBK CSV parent-first, reports per-row rejects, and a re-run changes nothing', async () => {
    const v = tree.village.code;
    const csv = [
      '编码,名称,上级编码,类型',
      `${v}0010102,甲一二埭,${tree.microA.code},`,
      `${v}003,丙网格,${v},学校`,
      `${v}00301,丙一微网格,${v}003,`,
      `${v}0030101,丙一埭,${v}00301,`,
      `${v}004,丁网格,999999999999,`,
      `${v}003,丙网格重复,${v},`,
      `12345,短码,${v},`,
      `${tree.township.code}002,越权村,${tree.township.code},`,
    ].join('\r\n');
    const file = path.join(dir, 'areas-utf8.csv');
    writeFileSync(file, csv);
    execFileSync('sh', ['-c', `iconv -f utf-8 -t gbk ${file} > ${file}.gbk.csv`]);
    const gbk = readFileSync(`${file}.gbk.csv`);
    expect(gbk.includes(Buffer.from('丙网格'))).toBe(false);

    const first = await upload('areas.csv', gbk);
    expect(first.statusCode, first.body).toBe(200);
    const report = first.json();
    expect(report).toMatchObject({ inserted: 4, updated: 0, unchanged: 0 });
    expect(report.rejected.map((r: { row: number; code: string }) => [r.row, r.code])).toEqual([
      [6, 'parentNotFound'],
      [7, 'duplicateInFile'],
      [8, 'areaCodeFormat'],
      [9, 'areaForbidden'],
    ]);
    const school = await database()
      .db.selectFrom('areas')
      .selectAll()
      .where('code', '=', `${v}003`)
      .executeTakeFirstOrThrow();
    expect(school).toMatchObject({
      name: '丙网格',
      kind: 'school',
      level: 'grid',
      parent_id: tree.village.id,
    });

    const again = (await upload('areas.csv', gbk)).json();
    expect(again).toMatchObject({ inserted: 0, updated: 0, unchanged: 4 });
    expect(again.rejected).toHaveLength(4);
  });

  it('lists every problem of a rejected row, worded in the reader’s language', async () => {
    const v = tree.village.code;
    const csv = [
      '编码,名称,上级编码,层级,类型,经度,纬度',
      // Checked without the database: code, name, level, kind and centre all wrong at once.
      `12345,,${v},星球,火星,200,95`,
      // Checked against the tree: a village level under a grid, and a code that does not extend the grid's.
      `${v}009001,错层,${tree.gridA.code},村,,,`,
    ].join('\n');
    const english = await createUser(database().db, [{ role: 'community_staff', area: tree.village }]);
    await database().db.updateTable('users').set({ locale: 'en' }).where('id', '=', english.id).execute();
    const expected = [
      [2, 'code', 'areaCodeFormat'],
      [2, 'name', 'required'],
      [2, 'level', 'unknownWord'],
      [2, 'kind', 'unknownWord'],
      [2, 'centreLng', 'coordinate'],
      [2, 'centreLat', 'coordinate'],
      [3, 'level', 'levelUnderParent'],
      [3, 'code', 'areaCodePrefix'],
    ];
    for (const [session, locale] of [
      [staff, 'zh-CN'],
      [await signIn(app, english.username), 'en'],
    ] as const) {
      const body = await multipart([{ name: 'bad-areas.csv', content: csv }]);
      const response = await app.inject({
        method: 'POST',
        url: '/api/areas/import',
        headers: { ...session.headers, ...body.headers },
        payload: body.payload,
      });
      expect(response.statusCode, response.body).toBe(200);
      const report = response.json<{ inserted: number; rejected: RowReject[] }>();
      expect(report.inserted).toBe(0);
      expect(report.rejected.map((r) => [r.row, r.field, r.code])).toEqual(expected);
      expect(report.rejected[7]!.params).toEqual({ parent: tree.gridA.code });
      for (const r of report.rejected) {
        expect(r.message).toBe(problemMessage(locale, r.code as ProblemCode, r.params));
        const other = locale === 'en' ? 'zh-CN' : 'en';
        expect(r.message).not.toBe(problemMessage(other, r.code as ProblemCode, r.params));
      }
    }
    expect(await database().db.selectFrom('areas').select('id').where('name', '=', '错层').execute()).toEqual(
      [],
    );
  });

  it.skipIf(!hasSoffice)(
    'imports an XLSX written by LibreOffice, renaming a grid',
    async () => {
      const file = path.join(dir, 'rename.csv');
      writeFileSync(file, `编码,名称,上级编码\n${tree.gridA.code},甲网格（新名）,${tree.village.code}\n`);
      execFileSync(
        'soffice',
        ['--headless', '--infilter=CSV:44,34,76', '--convert-to', 'xlsx', '--outdir', dir, file],
        { stdio: 'ignore', timeout: 150_000 },
      );
      const xlsx = path.join(dir, 'rename.xlsx');
      expect(existsSync(xlsx)).toBe(true);
      const response = await upload('rename.xlsx', readFileSync(xlsx));
      expect(response.statusCode, response.body).toBe(200);
      const report = response.json();
      expect(report).toMatchObject({ inserted: 0, updated: 1, unchanged: 0, rejected: [] });
      const grid = await database()
        .db.selectFrom('areas')
        .select('name')
        .where('id', '=', tree.gridA.id)
        .executeTakeFirstOrThrow();
      expect(grid.name).toBe('甲网格（新名）');
    },
    200_000,
  );

  it('imports GeoJSON features with boundaries and rejects malformed geometry per feature', async () => {
    const square = [
      [
        [121.3, 30.7],
        [121.31, 30.7],
        [121.31, 30.71],
        [121.3, 30.71],
        [121.3, 30.7],
      ],
    ];
    const collection = {
      type: 'FeatureCollection',
      features: [
        {
          type: 'Feature',
          properties: { code: `${tree.village.code}005`, name: '戊网格', parent: tree.village.code },
          geometry: { type: 'Polygon', coordinates: square },
        },
        {
          type: 'Feature',
          properties: { code: `${tree.village.code}006`, name: '己网格', parent: tree.village.code },
          geometry: {
            type: 'Polygon',
            coordinates: [
              [
                [121, 30],
                [122, 30],
              ],
            ],
          },
        },
      ],
    };
    const report = (await upload('grids.geojson', JSON.stringify(collection))).json();
    expect(report.inserted).toBe(1);
    expect(report.rejected).toEqual([
      expect.objectContaining({ row: 2, field: 'boundary', code: 'geometry' }),
    ]);
    const grid = await database()
      .db.selectFrom('areas')
      .selectAll()
      .where('code', '=', `${tree.village.code}005`)
      .executeTakeFirstOrThrow();
    expect(grid).toMatchObject({ centre_lng: 121.305, centre_lat: 30.705 });

    const broken = await upload('broken.geojson', '{"type":"Feature"');
    expect(broken.statusCode).toBe(400);
    expect(broken.json().error.code).toBe('IMPORT_FILE_INVALID');
  });

  it('refuses a file that is not a table, storing nothing', async () => {
    const before = await database().db.selectFrom('areas').select('id').execute();
    const png = Buffer.from('89504e470d0a1a0a0000000d49484452', 'hex');
    const response = await upload('areas.csv', png);
    expect(response.statusCode).toBe(400);
    expect(response.json().error.code).toBe('IMPORT_FILE_INVALID');
    expect((await database().db.selectFrom('areas').select('id').execute()).length).toBe(before.length);
  });
});
