import ExcelJS from 'exceljs';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, expect, it } from 'vitest';
import type { Actor, Db } from '../../auth/context.js';
import { SYSTEM_VIEWER } from '../../auth/scope.js';
import { importHealthFile } from '../../health/feeds/file-import.js';
import type { AreaRow } from '../../hierarchy/repository.js';
import { createFieldCipher } from '../../privacy/field-crypto.js';
import { residentIdCheckCharacter } from '../../register/identity/identity-number.js';
import { protectPerson } from '../../register/protect.js';
import { describeEachDatabase } from '../../test-support/database.js';
import {
  type AreaTree,
  createAreaTree,
  createUser,
  type Session,
  signIn,
  TestClock,
  testApp,
  testConfig,
} from '../../test-support/factories.js';
import { multipart } from '../../test-support/multipart.js';
import { clearanceCountsByArea } from './service.js';

const cipher = createFieldCipher(testConfig().keys);
const id = (first17: string) => first17 + residentIdCheckCharacter(first17);
const [WANG, LI, ZHAO, STRANGER] = [
  id('33010619850101101'),
  id('33010619850101102'),
  id('33010619850101103'),
  id('33010619850101104'),
];
const NOW = new Date('2026-12-07T10:00:00+08:00');
const system: Actor = { viewer: SYSTEM_VIEWER, ip: null, now: () => NOW };
/** Words that would give a health detail away to the enterprise. */
const HEALTH_WORDS =
  /colour|color|healthCode|health_code|lastTest|test_result|keyPerson|key_person|reasons|temperature|vaccination|quarantine|RED|YELLOW|GREEN|positive|negative/;

async function addPerson(db: Db, area: AreaRow, number: string, name: string): Promise<number> {
  const secrets = protectPerson(cipher, 'resident_id', { documentNumber: number, phone: null });
  const row = await db
    .insertInto('persons')
    .values({
      area_id: area.id,
      area_path: area.path,
      document_type: 'resident_id',
      document_hash: secrets.document_hash,
      document_masked: secrets.document_masked,
      secret: secrets.secret,
      name,
      residence_type: 'permanent',
      created_at: NOW,
      updated_at: NOW,
    })
    .returning('id')
    .executeTakeFirstOrThrow();
  return row.id;
}

describeEachDatabase('employee clearance', (database) => {
  const dir = mkdtempSync(path.join(tmpdir(), 'gg-roster-'));
  let app: FastifyInstance;
  let tree: AreaTree;
  let workerA: Session;
  let workerB: Session;
  let unitId: number;
  let enterpriseToken: string;
  let employeeToken: string;
  let otherToken: string;
  const clock = new TestClock(NOW);

  const feed = async (kind: 'healthcodes' | 'tests', lines: string[]) => {
    const file = path.join(dir, `${kind}-${Math.random().toString(36).slice(2)}.csv`);
    writeFileSync(file, lines.join('\r\n'));
    const result = await importHealthFile(database().db, system, cipher, {
      kind,
      areaId: tree.village.id,
      file: { path: file },
    });
    expect(result.report.rejected).toEqual([]);
  };

  beforeAll(async () => {
    app = await testApp(database(), clock);
    tree = await createAreaTree(database().db);
    const sign = async (area: AreaRow) =>
      signIn(app, (await createUser(database().db, [{ role: 'grid_worker', area }])).username);
    workerA = await sign(tree.gridA);
    workerB = await sign(tree.gridB);
    await addPerson(database().db, tree.cellA, WANG, '王小明');
    await addPerson(database().db, tree.cellA, LI, '李四');
    await addPerson(database().db, tree.cellB, ZHAO, '赵六');
    const unit = async (areaId: number, name: string, session: Session) => {
      const created = await app.inject({
        method: 'POST',
        url: '/api/units',
        headers: session.headers,
        payload: { areaId, name, category: 'enterprise' },
      });
      expect(created.statusCode, created.body).toBe(201);
      const codes = await app.inject({
        method: 'POST',
        url: `/api/units/${created.json().id}/enterprise-codes`,
        headers: session.headers,
      });
      expect(codes.statusCode, codes.body).toBe(201);
      const token = (url: string) => url.split('/').at(-1)!;
      return {
        id: created.json().id as number,
        enterprise: token(codes.json().enterprise.scanUrl),
        employee: token(codes.json().employee.scanUrl),
      };
    };
    const mine = await unit(tree.microA.id, '星火织造有限公司', workerA);
    unitId = mine.id;
    enterpriseToken = mine.enterprise;
    employeeToken = mine.employee;
    otherToken = (await unit(tree.microB.id, '东风机械厂', workerB)).enterprise;
    // Green codes and negative tests this morning: everyone registered is cleared to begin with.
    await feed('healthcodes', [
      '姓名,身份证号,健康码状态,赋码时间',
      `王小明,${WANG},绿码,2026-12-07 08:00`,
      `李四,${LI},绿码,2026-12-07 08:00`,
      `赵六,${ZHAO},绿码,2026-12-07 08:00`,
    ]);
    await feed('tests', [
      '姓名,身份证号,采样时间,检测结果,样本编号',
      `王小明,${WANG},2026-12-06 09:00,阴性,R1`,
      `李四,${LI},2026-12-06 09:00,阴性,R2`,
      `赵六,${ZHAO},2026-12-06 09:00,阴性,R3`,
    ]);
  });
  afterAll(async () => {
    await app.close();
    rmSync(dir, { recursive: true, force: true });
  });

  const upload = async (token: string, content: string | Buffer, name = '花名册.csv') => {
    const body = await multipart([{ name, content }]);
    return app.inject({
      method: 'POST',
      url: `/api/public/enterprises/${token}/roster`,
      headers: body.headers,
      payload: body.payload,
    });
  };
  const roster = (token = enterpriseToken) => app.inject({ url: `/api/public/enterprises/${token}/roster` });
  const MASKS: Record<string, string> = { [WANG]: '王**', [LI]: '李*', [ZHAO]: '赵*', [STRANGER]: '陌**' };
  const statusOf = (
    items: Array<{ nameMasked: string; status: string; actions: string[] }>,
    number: string,
  ) => items.find((i) => i.nameMasked === MASKS[number])!;

  it('takes a GBK roster, rejects bad rows one by one, and shows the enterprise status and what to do only', async () => {
    const utf8 = [
      '姓名,身份证号,手机号',
      `王小明,${WANG},13800000001`,
      `李四,${LI},`,
      `陌生人,${STRANGER},13800000004`,
      `,${id('33010619850101105')},`,
      `坏号,36042619910102009X,`,
      `李四,${LI},`,
      `冒名,${ZHAO},`,
      `错电话,${id('33010619850101106')},12345`,
    ].join('\r\n');
    const gbk = execFileSync('iconv', ['-f', 'utf-8', '-t', 'gbk'], { input: utf8 });
    const res = await upload(enterpriseToken, gbk);
    expect(res.statusCode, res.body).toBe(201);
    const report = res.json();
    expect(report).toMatchObject({ received: 8, accepted: 3, removed: 0, rejectedTotal: 5 });
    expect(report.rejected.map((r: { row: number; code: string }) => [r.row, r.code])).toEqual([
      [5, 'required'],
      [6, 'checksum'],
      [7, 'duplicateInFile'],
      [8, 'nameMismatch'],
      [9, 'phone'],
    ]);
    // The same file again adds nobody twice.
    const again = await upload(enterpriseToken, gbk);
    expect(again.json()).toMatchObject({ accepted: 3, removed: 0 });
    // A changed phone in a file otherwise the same is taken; nobody is added or taken off.
    const phoneOf = async () =>
      (await roster()).json().items.find((i: { nameMasked: string }) => i.nameMasked === '王**').phoneMasked;
    expect(await phoneOf()).toBe('138****0001');
    const newPhone = execFileSync('iconv', ['-f', 'utf-8', '-t', 'gbk'], {
      input: utf8.replace('13800000001', '13900000009'),
    });
    expect((await upload(enterpriseToken, newPhone)).json()).toMatchObject({ accepted: 3, removed: 0 });
    expect(await phoneOf()).toBe('139****0009');
    expect((await upload(enterpriseToken, gbk)).json()).toMatchObject({ accepted: 3, removed: 0 });
    expect(await phoneOf()).toBe('138****0001');

    const list = await roster();
    expect(list.statusCode, list.body).toBe(200);
    const body = list.json();
    expect(body.counts).toEqual({ total: 3, cleared: 2, pending: 1, refused: 0 });
    expect(body.items.map((i: { nameMasked: string }) => i.nameMasked).sort()).toEqual(
      ['李*', '王**', '陌**'].sort(),
    );
    expect(statusOf(body.items, STRANGER)).toMatchObject({
      status: 'pending',
      actions: ['registerAtCommunity'],
    });
    // Never a whole ID number, never a health fact.
    for (const number of [WANG, LI, STRANGER]) expect(list.body).not.toContain(number);
    expect(list.body).not.toMatch(HEALTH_WORDS);
    expect(Object.keys(body.items[0]).sort()).toEqual(
      ['actions', 'id', 'idNumberMasked', 'nameMasked', 'phoneMasked', 'source', 'status'].sort(),
    );

    const rejects = await app.inject({
      url: `/api/public/enterprises/${enterpriseToken}/roster/uploads/${report.id}/rejects.xlsx`,
    });
    expect(rejects.statusCode).toBe(200);
    const workbook = new ExcelJS.Workbook();
    await workbook.xlsx.load(rejects.rawPayload as unknown as ArrayBuffer);
    const codes: string[] = [];
    workbook.worksheets[0]!.eachRow((row, n) => {
      if (n > 1) codes.push(String(row.getCell(3).value));
    });
    expect(codes).toEqual(['required', 'checksum', 'duplicateInFile', 'nameMismatch', 'phone']);
    // Another enterprise's code reaches neither this roster nor its rejects.
    const foreign = await app.inject({
      url: `/api/public/enterprises/${otherToken}/roster/uploads/${report.id}/rejects.xlsx`,
    });
    expect(foreign.statusCode).toBe(404);
    expect((await roster(otherToken)).json().items).toEqual([]);
    // The employee code is not the enterprise's.
    expect((await roster(employeeToken)).statusCode).toBe(404);
  });

  it('follows the health feeds: a yellow code and a positive test change the clearance without a new upload', async () => {
    clock.advance(60_000);
    await feed('healthcodes', ['姓名,身份证号,健康码状态,赋码时间', `王小明,${WANG},黄码,2026-12-07 09:30`]);
    await feed('tests', ['姓名,身份证号,采样时间,检测结果,样本编号', `李四,${LI},2026-12-07 07:00,阳性,R9`]);
    const body = (await roster()).json();
    // The health rules may also list them as key persons: the enterprise sees only what to do.
    expect(statusOf(body.items, WANG)).toMatchObject({
      status: 'pending',
      actions: expect.arrayContaining(['contactCommunity']),
    });
    expect(statusOf(body.items, LI)).toMatchObject({
      status: 'refused',
      actions: expect.arrayContaining(['contactCommunity']),
    });
    expect(JSON.stringify(body)).not.toMatch(HEALTH_WORDS);
    expect(body.counts).toEqual({ total: 3, cleared: 0, pending: 2, refused: 1 });
  });

  it('lets an employee apply from the employee code: cleared at once, status and what to do only', async () => {
    const apply = (payload: object) =>
      app.inject({
        method: 'POST',
        url: `/api/public/employee-codes/${employeeToken}/applications`,
        payload,
      });
    const ok = await apply({ name: '赵六', idNumber: ZHAO, phone: '13900000006' });
    expect(ok.statusCode, ok.body).toBe(200);
    expect(ok.json()).toEqual({ enterprise: '星火织造有限公司', status: 'cleared', actions: [] });
    const wrongName = await apply({ name: '赵七', idNumber: ZHAO });
    expect(wrongName.statusCode).toBe(400);
    expect(wrongName.json().error.details).toEqual([
      expect.objectContaining({ field: 'body.name', code: 'nameMismatch' }),
    ]);
    const badId = await apply({ name: '某人', idNumber: '123' });
    expect(badId.statusCode).toBe(400);
    expect(badId.json().error.details[0]).toMatchObject({ field: 'body.idNumber', code: 'idLength' });
    const body = (await roster()).json();
    expect(body.counts.total).toBe(4);
    expect(statusOf(body.items, ZHAO)).toMatchObject({ source: 'application', status: 'cleared' });
    // A new roster without 赵六 keeps the application, and takes off who is no longer listed.
    const next = await upload(enterpriseToken, ['姓名,身份证号', `王小明,${WANG}`].join('\n'), 'roster2.csv');
    expect(next.json()).toMatchObject({ accepted: 1, removed: 2 });
    expect((await roster()).json().counts.total).toBe(2);
  });

  it('shows staff of the enterprise’s grid the roster, reasons only on request (audited); other grids see nothing', async () => {
    const plain = await app.inject({ url: `/api/enterprises/${unitId}/roster`, headers: workerA.headers });
    expect(plain.statusCode, plain.body).toBe(200);
    expect(plain.json().reasonsShown).toBe(false);
    expect(plain.json().items.every((i: { reasons: unknown }) => i.reasons === null)).toBe(true);
    const detailed = await app.inject({
      url: `/api/enterprises/${unitId}/roster?reasons=true`,
      headers: workerA.headers,
    });
    expect(detailed.json().reasonsShown).toBe(true);
    const wang = statusOf(detailed.json().items, WANG) as unknown as { reasons: Array<{ code: string }> };
    expect(wang.reasons.map((r) => r.code)).toContain('HEALTH_CODE_YELLOW');
    const audit = await database()
      .db.selectFrom('audit_log')
      .select('action')
      .where('action', '=', 'enterprise.roster.reasons')
      .where('entity_id', '=', String(unitId))
      .execute();
    expect(audit).toHaveLength(1);
    const outside = await app.inject({ url: `/api/enterprises/${unitId}/roster`, headers: workerB.headers });
    expect(outside.statusCode).toBe(404);
    expect(outside.json().error.code).toBe('UNIT_NOT_FOUND');
    const counts = await clearanceCountsByArea(database().db, { ...system, now: clock.now });
    expect(counts.find((c) => c.areaPath === tree.microA.path)).toMatchObject({ total: 2, pending: 1 });
  });
});
