import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import ExcelJS from 'exceljs';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { loadAssignments } from '../../auth/repository.js';
import { SYSTEM_VIEWER } from '../../auth/scope.js';
import type { Actor, Db } from '../../auth/context.js';
import type { AreaRow } from '../../hierarchy/repository.js';
import { problemMessage } from '../../i18n/messages.js';
import type { ProblemCode } from '../../i18n/problem-codes.js';
import { createFieldCipher } from '../../privacy/field-crypto.js';
import { residentIdCheckCharacter } from '../../register/identity/identity-number.js';
import { protectPerson } from '../../register/protect.js';
import { describeEachDatabase } from '../../test-support/database.js';
import { type AreaTree, createAreaTree, createUser, testConfig } from '../../test-support/factories.js';
import { initialiseRound, nodeCoverage, recountCoverage } from '../rounds/counters-repository.js';
import { importHealthFile } from './file-import.js';
import { currentRiskAreas } from './risk-areas.js';
import { matchByHand, matchOpenRecords } from './service.js';

const hasSoffice = (() => {
  try {
    execFileSync('which', ['soffice']);
    return true;
  } catch {
    return false;
  }
})();

const cipher = createFieldCipher(testConfig().keys);
const id = (first17: string) => first17 + residentIdCheckCharacter(first17);
const [A1, A2, B1, LATER] = [
  id('33010619800101001'),
  id('33010619800101002'),
  id('33010619800101003'),
  id('33010619800101004'),
];
const BAD_CHECKSUM = '36042619910102009X';
const NOW = new Date('2026-11-02T12:00:00+08:00');
const system: Actor = { viewer: SYSTEM_VIEWER, ip: null, now: () => NOW };

async function addPerson(db: Db, area: AreaRow, number: string, name = '张三'): Promise<number> {
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

describeEachDatabase('health feeds: file imports, matching, unmatched inbox', (database) => {
  const dir = mkdtempSync(path.join(tmpdir(), 'gg-feeds-'));
  let tree: AreaTree;
  const persons: Record<string, number> = {};
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  beforeAll(async () => {
    tree = await createAreaTree(database().db);
    persons.A1 = await addPerson(database().db, tree.cellA, A1, '王一');
    persons.A2 = await addPerson(database().db, tree.cellA, A2, '王二');
    persons.B1 = await addPerson(database().db, tree.cellB, B1, '李一');
  });

  const file = (name: string, lines: string[], encoding: 'utf-8' | 'gbk' = 'utf-8') => {
    const utf8 = path.join(dir, `${name}.utf8.csv`);
    writeFileSync(utf8, lines.join('\r\n'));
    if (encoding === 'utf-8') return utf8;
    const gbk = path.join(dir, `${name}.csv`);
    writeFileSync(gbk, execFileSync('iconv', ['-f', 'utf-8', '-t', 'gbk', utf8]));
    return gbk;
  };
  const importFile = (
    kind: Parameters<typeof importHealthFile>[3]['kind'],
    source: string,
    filePath: string,
  ) =>
    importHealthFile(database().db, system, cipher, {
      kind,
      source,
      areaId: tree.village.id,
      file: { path: filePath },
    });
  const health = (personId: number) =>
    database()
      .db.selectFrom('person_health')
      .selectAll()
      .where('person_id', '=', personId)
      .executeTakeFirstOrThrow();

  it('imports a GBK CSV of tests: matches by ID number, rejects bad rows, keeps invalid and unknown numbers in the inbox, and a re-run changes nothing', async () => {
    const lines = [
      '姓名,身份证号,采样时间,检测结果,检测机构,样本编号',
      `王一,${A1},2026-11-01 09:30,阴性,第一医院,S001`,
      `李一,${B1},2026/11/1 10:00,阳性,第一医院,S002`,
      `错号,${BAD_CHECKSUM},2026-11-01 10:05,阴性,第一医院,S003`,
      `外来,${LATER},2026-11-01 10:10,待出,第一医院,S004`,
      `王二,${A2},2026-11-01 10:15,阴X,第一医院,S005`,
      `王二,${A2},2026-11-01,阴性,第一医院,S006`,
      `无号,,2026-11-01 10:20,阴性,第一医院,S007`,
      `王一,${A1},2026-11-01 11:30,阴性,第一医院,S001`,
    ];
    const gbk = file('tests', lines, 'gbk');
    const first = await importFile('tests', 'lab-1', gbk);
    expect(first.report).toEqual({
      inserted: 4,
      updated: 0,
      unchanged: 0,
      matched: 2,
      unmatched: 2,
      rejected: [
        {
          row: 6,
          field: '检测结果',
          code: 'testResult',
          params: expect.objectContaining({ value: expect.any(String) }),
          message: expect.any(String),
        },
        { row: 7, field: '采样时间', code: 'timeMissing', message: expect.any(String) },
        { row: 8, field: '身份证号', code: 'required', message: expect.any(String) },
        {
          row: 9,
          field: '样本编号',
          code: 'duplicateInFile',
          params: { row: 2 },
          message: expect.any(String),
        },
      ],
    });
    expect(await health(persons.A1!)).toMatchObject({
      last_test_result: 'negative',
      last_test_at: new Date('2026-11-01T01:30:00Z'),
    });
    expect((await health(persons.B1!)).last_test_result).toBe('positive');

    const inbox = await database()
      .db.selectFrom('health_records')
      .select([
        'unmatched_reason',
        'inbox_status',
        'area_path',
        'document_masked',
        'name_masked',
        'identity_secret',
      ])
      .where('batch_id', '=', first.batchId)
      .where('person_id', 'is', null)
      .orderBy('unmatched_reason')
      .execute();
    expect(inbox).toMatchObject([
      {
        unmatched_reason: 'invalid_number',
        inbox_status: 'open',
        area_path: tree.village.path,
        name_masked: '错*',
      },
      {
        unmatched_reason: 'unknown_number',
        inbox_status: 'open',
        document_masked: `3****************${LATER.slice(-1)}`,
      },
    ]);
    expect(cipher.decryptRecord(inbox[1]!.identity_secret!)).toEqual({ documentNumber: LATER, name: '外来' });
    // Matched records keep no copy of the identity: the person has it.
    const matchedSecrets = await database()
      .db.selectFrom('health_records')
      .select('identity_secret')
      .where('batch_id', '=', first.batchId)
      .where('person_id', 'is not', null)
      .execute();
    expect(matchedSecrets.every((r) => r.identity_secret === null)).toBe(true);

    const again = await importFile('tests', 'lab-1', gbk);
    expect(again.report).toMatchObject({ inserted: 0, updated: 0, unchanged: 4, matched: 0, unmatched: 0 });

    // The lab corrects a result under the same sample number: updated, and the person's state follows.
    const corrected = file('tests-corrected', [
      '姓名,身份证号,采样时间,检测结果,检测机构,样本编号',
      `李一,${B1},2026-11-01 10:00,阴性,第一医院,S002`,
    ]);
    expect((await importFile('tests', 'lab-1', corrected)).report).toMatchObject({
      inserted: 0,
      updated: 1,
      matched: 1,
    });
    expect((await health(persons.B1!)).last_test_result).toBe('negative');
  });

  it('reads an XLSX made by LibreOffice (vaccinations: doses only grow), rows without a record id keyed by content', async () => {
    if (!hasSoffice) {
      console.warn('soffice not found: skipping the XLSX import test (apt-get install -y libreoffice-calc)');
      return;
    }
    const csv = file('vaccinations', [
      '姓名,证件号码,接种日期,剂次,疫苗名称,生产厂家,接种单位',
      `王二,${A2},2021-04-01,第1剂,新冠病毒灭活疫苗,北京生物,社区卫生服务中心`,
      `王二,${A2},2021/5/6,2,新冠病毒灭活疫苗,北京生物,社区卫生服务中心`,
      `王二,${A2},2021-11-20,加强针,新冠病毒灭活疫苗,北京生物,社区卫生服务中心`,
    ]);
    execFileSync(
      'soffice',
      [
        '--headless',
        `-env:UserInstallation=file://${dir}/lo-profile`,
        // Comma, double quote, UTF-8, from row 1; the ID column as text (a number would lose digits),
        // the rest as LibreOffice reads it: the dates become real date cells.
        '--infilter=CSV:44,34,76,1,2/2',
        '--convert-to',
        'xlsx',
        '--outdir',
        dir,
        csv,
      ],
      { stdio: 'pipe', timeout: 150_000 },
    );
    const xlsx = csv.replace(/\.csv$/, '.xlsx');
    const result = await importFile('vaccinations', 'cdc', xlsx);
    expect(result.report).toMatchObject({ inserted: 2, matched: 2, unmatched: 0 });
    expect(result.report.rejected).toEqual([
      { row: 4, field: '剂次', code: 'dose', message: expect.any(String) },
    ]);
    expect(await health(persons.A2!)).toMatchObject({
      vaccination_doses: 2,
      last_vaccinated_at: new Date('2021-05-05T16:00:00Z'),
    });
    expect((await importFile('vaccinations', 'cdc', xlsx)).report).toMatchObject({
      inserted: 0,
      unchanged: 2,
    });
  }, 200_000);

  it('lists every problem of a rejected row, in the report and in the rejects workbook, in the reader’s language', async () => {
    const result = await importFile(
      'vaccinations',
      'clinic-9',
      file('many-problems', [
        '姓名,身份证号,接种日期,剂次,疫苗名称',
        // A spreadsheet rounded the number, the date is no date, the dose names no number, the name is too long.
        `王一,3.30106198001010E+17,昨天,加强针,${'疫'.repeat(101)}`,
      ]),
    );
    expect(result.report).toMatchObject({ inserted: 0, updated: 0, unchanged: 0 });
    expect(result.rejectedTotal).toBe(4);
    const expected = [
      [2, '身份证号', 'excelRounded'],
      [2, '接种日期', 'time'],
      [2, '剂次', 'dose'],
      [2, '疫苗名称', 'maxLength'],
    ];
    expect(result.report.rejected.map((r) => [r.row, r.field, r.code])).toEqual(expected);
    for (const locale of ['zh-CN', 'en'] as const) {
      const out = path.join(dir, `rejects-${locale}.xlsx`);
      await result.rejects.writeXlsx(out, result.headers, locale);
      const workbook = new ExcelJS.Workbook();
      await workbook.xlsx.readFile(out);
      const rows = workbook.worksheets[0]!.getSheetValues().slice(2) as unknown[][];
      expect(rows.map((cells) => cells.slice(1, 5))).toEqual(
        result.report.rejected.map((r) => [
          r.row,
          r.field,
          r.code,
          problemMessage(locale, r.code as ProblemCode, r.params),
        ]),
      );
    }
  });

  it('maps health-code colours by the source’s table and rejects a colour the table does not know; checks temperatures', async () => {
    const codes = [
      '姓名,身份证号,健康码状态,赋码时间',
      `王一,${A1},0,2026-11-01 08:00`,
      `王二,${A2},2,2026-11-01 08:00`,
      `李一,${B1},紫码,2026-11-01 08:00`,
    ];
    const numeric = await importFile('healthcodes', 'status-012', file('codes', codes));
    expect(numeric.report).toMatchObject({ inserted: 2, matched: 2 });
    expect(numeric.report.rejected).toEqual([
      {
        row: 4,
        field: '健康码状态',
        code: 'healthCode',
        params: expect.objectContaining({ value: expect.any(String) }),
        message: expect.any(String),
      },
    ]);
    expect((await health(persons.A1!)).health_code).toBe('GREEN');
    expect((await health(persons.A2!)).health_code).toBe('RED');
    // Another source's "0" means nothing known: rejected, not guessed.
    const other = await importFile('healthcodes', 'scanner-x', file('codes-x', codes.slice(0, 2)));
    expect(other.report.rejected.map((r) => r.code)).toEqual(['healthCode']);

    const temperatures = await importFile(
      'temperatures',
      'gate-1',
      file('temperatures', [
        '姓名,身份证号,测量时间,体温(℃),测量方式',
        `王一,${A1},2026-11-01 08:00,36.6℃,额温`,
        `王一,${A1},2026-11-01 18:00,37.9,额温`,
        `王二,${A2},2026-11-01 08:00,34.0,额温`,
      ]),
    );
    expect(temperatures.report.rejected.map((r) => [r.row, r.code])).toEqual([[4, 'temperature']]);
    expect(await health(persons.A1!)).toMatchObject({ last_temperature: '37.9' });
  });

  it('imports risk areas idempotently and lists those in force', async () => {
    const lines = [
      '地区,地区编码,风险等级,开始时间,结束时间',
      '某市某区某街道,420502001,高风险,2026-10-30,',
      '某市另一区,420503,中,2026-10-01,2026-10-20',
      '某县,4205,低,2026-10-01,',
    ];
    const first = await importFile('riskareas', 'nhc', file('risk', lines));
    expect(first.report).toMatchObject({ inserted: 2, unchanged: 0 });
    expect(first.report.rejected.map((r) => r.code)).toEqual(['regionCode']);
    expect((await importFile('riskareas', 'nhc', file('risk', lines))).report).toMatchObject({
      inserted: 0,
      unchanged: 2,
    });
    const current = await currentRiskAreas(database().db, NOW);
    expect(current.map((r) => [r.name, r.level, r.region_code])).toEqual([
      ['某市某区某街道', 'high', '420502001'],
    ]);
  });

  it('matches an unknown number once the person registers, and an invalid one by hand; round coverage follows', async () => {
    const round = await database()
      .db.insertInto('screening_rounds')
      .values({
        area_id: tree.village.id,
        area_path: tree.village.path,
        name: '第一轮',
        starts_at: new Date('2026-11-01T00:00:00+08:00'),
        ends_at: new Date('2026-11-03T00:00:00+08:00'),
        created_by: 'test',
        created_at: NOW,
      })
      .returning('id')
      .executeTakeFirstOrThrow();
    await initialiseRound(database().db, round.id);
    const same = async () =>
      expect(await nodeCoverage(database().db, round.id, tree.village.path)).toEqual(
        await recountCoverage(database().db, round.id, tree.village.path),
      );
    await same();

    // LATER was tested (S004, unknown) before registering here.
    const later = await database()
      .db.transaction()
      .execute(async (trx) => {
        const personId = await addPerson(trx, tree.cellB, LATER, '外来');
        expect(await matchOpenRecords(trx, [personId], NOW)).toBe(1);
        return personId;
      });
    expect((await health(later)).last_test_result).toBe('pending');
    await same();

    // The bad-checksum record (S003) belongs to A2, whose number was mistyped.
    const invalidRecord = await database()
      .db.selectFrom('health_records')
      .select('id')
      .where('unmatched_reason', '=', 'invalid_number')
      .where('kind', '=', 'test')
      .executeTakeFirstOrThrow();
    const before = await nodeCoverage(database().db, round.id, tree.village.path);
    const user = await createUser(database().db, [{ role: 'grid_worker', area: tree.gridA }]);
    const worker: Actor = {
      viewer: {
        kind: 'user',
        userId: user.id,
        username: user.username,
        displayName: user.username,
        assignments: await loadAssignments(database().db, user.id),
      },
      ip: null,
      now: () => NOW,
    };
    // The record still sits at the feed's area (the village): outside a grid worker's reach.
    await expect(
      database()
        .db.transaction()
        .execute((trx) => matchByHand(trx, worker, invalidRecord.id, { personId: persons.A2! })),
    ).rejects.toMatchObject({ code: 'HEALTH_RECORD_NOT_FOUND' });
    const matched = await database()
      .db.transaction()
      .execute((trx) => matchByHand(trx, system, invalidRecord.id, { personId: persons.A2! }));
    expect(matched).toMatchObject({ status: 'matched', personId: persons.A2, areaId: tree.cellA.id });
    expect((await health(persons.A2!)).last_test_result).toBe('negative');
    const after = await nodeCoverage(database().db, round.id, tree.village.path);
    expect(after.tested).toBe(before.tested + 1);
    await same();
  });
});
