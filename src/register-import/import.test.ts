import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import ExcelJS from 'exceljs';
import { sql } from 'kysely';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { loadAssignments } from '../auth/repository.js';
import { SYSTEM_VIEWER, type Viewer } from '../auth/scope.js';
import { createFieldCipher } from '../privacy/field-crypto.js';
import { residentIdCheckCharacter } from '../register/identity/identity-number.js';
import { registerPerson } from '../register/person-service.js';
import { documentHash } from '../privacy/protect.js';
import { revealPerson } from '../register/protect.js';
import { describeEachDatabase } from '../test-support/database.js';
import { type AreaTree, createAreaTree, createUser, testConfig } from '../test-support/factories.js';
import { importRegisterFile } from './service.js';
import { writeTemplate } from './template.js';

const hasSoffice = (() => {
  try {
    execFileSync('which', ['soffice']);
    return true;
  } catch {
    return false;
  }
})();

// Public test vectors of GB 11643 (domain notes) and numbers built with correct check characters.
const FEMALE_ID = '11010519491231002X';
const MALE_ID = '440524188001010014';
const BAD_CHECKSUM = '36042619910102009X';
/** A valid resident ID number from its first 17 digits (sequence odd = male). */
const id = (first17: string) => first17 + residentIdCheckCharacter(first17);
const MORE_IDS = [
  id('33010619900101001'),
  id('33010619900101003'),
  id('33010619920202004'),
  id('33010619850505005'),
];

/** A unified social credit code with its GB 32100 check character. */
function creditCode(first17: string): string {
  const charset = '0123456789ABCDEFGHJKLMNPQRTUWXY';
  const weights = [1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28];
  const sum = weights.reduce((total, w, i) => total + charset.indexOf(first17[i]!) * w, 0);
  return first17 + charset[(31 - (sum % 31)) % 31]!;
}

const cipher = createFieldCipher(testConfig().keys);
const at = (iso: string) => () => new Date(iso);

describeEachDatabase('register import (persons, houses, units)', (database) => {
  let tree: AreaTree;
  let worker: Viewer;
  const dir = mkdtempSync(path.join(tmpdir(), 'gg-register-import-'));
  const system = { viewer: SYSTEM_VIEWER, ip: null, now: at('2026-11-02T08:00:00+08:00') };

  beforeAll(async () => {
    tree = await createAreaTree(database().db);
    const user = await createUser(database().db, [{ role: 'grid_worker', area: tree.gridA }]);
    worker = {
      kind: 'user',
      userId: user.id,
      username: user.username,
      displayName: user.username,
      assignments: await loadAssignments(database().db, user.id),
    };
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  const gbkFile = (name: string, lines: string[]) => {
    const utf8 = path.join(dir, `${name}.utf8.csv`);
    writeFileSync(utf8, lines.join('\r\n'));
    const gbk = path.join(dir, `${name}.csv`);
    writeFileSync(gbk, execFileSync('iconv', ['-f', 'utf-8', '-t', 'gbk', utf8]));
    return gbk;
  };
  const importPersons = (file: string, actor = system) =>
    importRegisterFile(database().db, actor, cipher, { kind: 'persons', source: { path: file } });

  it('stores valid rows of a GBK CSV encrypted, rejects bad rows with row, column and code, and a re-run changes nothing', async () => {
    const a = tree.gridA.code;
    const file = gbkFile('persons', [
      '姓名,身份证号,性别,手机号码,所属网格,人员类型,现住址,标签,来本地日期',
      `张秀英,${FEMALE_ID},女,138 1234 5678,${a},常住,文三路1号,独居老人、残疾,`,
      `李建国,${MALE_ID},,13900001111,${tree.cellA.code},流动,文三路2号,,2022/4/1`,
      `王错号,${BAD_CHECKSUM},男,13900002222,${a},常住,,,`,
      `赵电话,${MORE_IDS[0]},男,1390000,${a},常住,,,`,
      `钱无格,${MORE_IDS[1]},男,13900003333,999999999999,常住,,,`,
      `孙越界,${MORE_IDS[2]},女,13900004444,${tree.gridB.code},常住,,,`,
      `周性别,${MORE_IDS[3]},女,13900005555,${a},常住,,,`,
      `张重复,${FEMALE_ID},女,13900006666,${a},常住,,,`,
      `吴类型,${id('33010619850505007')},男,13900007777,${a},外来,,,`,
    ]);
    expect(readFileSync(file).includes(Buffer.from('张秀英'))).toBe(false);

    const { report } = await importPersons(file, { ...system, viewer: worker });
    expect(report).toMatchObject({ inserted: 2, updated: 0, unchanged: 0 });
    expect(report.rejected.map((r) => [r.row, r.field, r.code])).toEqual([
      [4, '身份证号', 'checksum'],
      [5, '手机号码', 'phone'],
      [6, '所属网格', 'unknownArea'],
      [7, '所属网格', 'areaForbidden'],
      [8, '性别', 'sexMismatch'],
      [9, '身份证号', 'duplicateInFile'],
      [10, '人员类型', 'residenceType'],
    ]);
    expect(report.rejected[5]!.params).toEqual({ row: 2 });

    const rows = await database()
      .db.selectFrom('persons')
      .selectAll()
      .where('area_path', 'like', `${tree.gridA.path}%`)
      .orderBy('id')
      .execute();
    expect(
      rows.map((r) => [
        r.name,
        r.sex,
        r.birth_year,
        r.birth_date,
        revealPerson(cipher, r.secret).birthDate,
        r.residence_type,
        r.tags,
        r.document_masked,
        r.phone_masked,
        r.arrival_date,
      ]),
    ).toEqual([
      [
        '张秀英',
        'female',
        1949,
        null,
        '1949-12-31',
        'permanent',
        ['elderly_alone', 'disabled'],
        '1****************X',
        '138****5678',
        null,
      ],
      [
        '李建国',
        'male',
        1880,
        null,
        '1880-01-01',
        'floating',
        [],
        '4****************4',
        '139****1111',
        '2022-04-01',
      ],
    ]);
    // Encrypted columns never hold the plaintext number or phone.
    const raw = await sql<{
      line: string;
    }>`select p::text as line from persons p where area_path like ${`${tree.gridA.path}%`}`.execute(
      database().db,
    );
    for (const { line } of raw.rows) {
      for (const secret of [FEMALE_ID, MALE_ID, '13812345678', '13900001111', '12345678'])
        expect(line).not.toContain(secret);
    }
    const history = await database()
      .db.selectFrom('person_history')
      .select(['kind', 'source', 'changes'])
      .where(
        'person_id',
        'in',
        rows.map((r) => r.id),
      )
      .execute();
    expect(history).toEqual([
      { kind: 'registered', source: 'import:persons.csv', changes: null },
      { kind: 'registered', source: 'import:persons.csv', changes: null },
    ]);
    const audit = await database()
      .db.selectFrom('audit_log')
      .selectAll()
      .where('action', '=', 'person.import')
      .orderBy('id', 'desc')
      .executeTakeFirstOrThrow();
    expect(audit.after).toMatchObject({ file: 'persons.csv', inserted: 2, rejected: 7 });
    expect(audit.actor_user_id).toBe(worker.kind === 'user' ? worker.userId : null);

    const again = await importPersons(file, {
      ...system,
      viewer: worker,
      now: at('2026-11-03T08:00:00+08:00'),
    });
    expect(again.report).toMatchObject({ inserted: 0, updated: 0, unchanged: 2 });
    expect(again.report.rejected).toHaveLength(7);
    const after = await database()
      .db.selectFrom('persons')
      .select(['id', 'updated_at'])
      .where(
        'id',
        'in',
        rows.map((r) => r.id),
      )
      .orderBy('id')
      .execute();
    expect(after).toEqual(rows.map((r) => ({ id: r.id, updated_at: r.updated_at })));
  });

  it('updates a changed phone with a history entry that never shows the number', async () => {
    const file = gbkFile('phones', [
      '姓名,公民身份号码,联系电话,网格编码,人员类型',
      `张秀英,${FEMALE_ID},13700009999,${tree.gridA.code},常住`,
    ]);
    const { report } = await importPersons(file, { ...system, now: at('2026-11-04T08:00:00+08:00') });
    expect(report).toMatchObject({ inserted: 0, updated: 1, unchanged: 0, rejected: [] });
    const person = await database()
      .db.selectFrom('persons')
      .selectAll()
      .where('document_hash', '=', documentHash(cipher, 'resident_id', FEMALE_ID))
      .executeTakeFirstOrThrow();
    expect(person.phone_masked).toBe('137****9999');
    // Columns absent from this file (tags, address) keep their values.
    expect(person.tags).toEqual(['elderly_alone', 'disabled']);
    expect(person.current_address).toBe('文三路1号');
    const last = await database()
      .db.selectFrom('person_history')
      .selectAll()
      .where('person_id', '=', person.id)
      .orderBy('id', 'desc')
      .executeTakeFirstOrThrow();
    expect(last.kind).toBe('updated');
    expect(last.changes).toEqual({ phone: { from: 'previous', to: 'new' } });
    expect(JSON.stringify(last)).not.toContain('13700009999');
  });

  it("keeps a passport holder's typed birth date in the encrypted record and updates it there", async () => {
    const first = gbkFile('passport-1', [
      '姓名,证件类型,证件号码,性别,出生日期,手机号码,网格编码,人员类型',
      `史密斯,护照,E98765432,男,1979-06-30,13500007777,${tree.gridA.code},常住`,
    ]);
    expect((await importPersons(first)).report).toMatchObject({ inserted: 1, rejected: [] });
    const stored = () =>
      database()
        .db.selectFrom('persons')
        .selectAll()
        .where('document_hash', '=', documentHash(cipher, 'passport', 'E98765432'))
        .executeTakeFirstOrThrow();
    expect(await stored()).toMatchObject({
      birth_year: 1979,
      birth_date: null,
      document_masked: '*******32',
    });
    expect(revealPerson(cipher, (await stored()).secret).birthDate).toBe('1979-06-30');

    // A corrected day in the same year, from a file without a phone column: the phone stays.
    const second = gbkFile('passport-2', [
      '姓名,证件类型,证件号码,出生日期,网格编码,人员类型',
      `史密斯,护照,E98765432,1979-07-01,${tree.gridA.code},常住`,
    ]);
    expect((await importPersons(second)).report).toMatchObject({ updated: 1, rejected: [] });
    const after = await stored();
    expect(revealPerson(cipher, after.secret)).toEqual({
      documentNumber: 'E98765432',
      phone: '13500007777',
      birthDate: '1979-07-01',
    });
    expect(after).toMatchObject({ birth_year: 1979, birth_date: null, phone_masked: '135****7777' });
    const last = await database()
      .db.selectFrom('person_history')
      .selectAll()
      .where('person_id', '=', after.id)
      .orderBy('id', 'desc')
      .executeTakeFirstOrThrow();
    expect(last.changes).toEqual({ birthDate: { from: 'previous', to: 'new' } });
    // The same file again changes nothing.
    expect((await importPersons(second)).report).toMatchObject({ updated: 0, unchanged: 1 });
  });

  it('merges a row into the person registered through the API (one person per document)', async () => {
    const number = id('33010619700101001');
    const { person } = await registerPerson(database().db, system, cipher, {
      documentNumber: number,
      name: '郑一',
      areaId: tree.gridA.id,
      phone: '13600001234',
    });
    const file = gbkFile('merge', [
      '姓名,身份证号,手机号码,网格编码,人员类型',
      `郑一,${number},13600005678,${tree.microA.code},常住`,
    ]);
    const { report } = await importPersons(file);
    expect(report).toMatchObject({ inserted: 0, updated: 1 });
    const rows = await database()
      .db.selectFrom('persons')
      .selectAll()
      .where('document_hash', '=', documentHash(cipher, 'resident_id', number))
      .execute();
    expect(rows).toHaveLength(1);
    expect(rows[0]).toMatchObject({ id: person.id, area_id: tree.microA.id, phone_masked: '136****5678' });
    const last = await database()
      .db.selectFrom('person_history')
      .selectAll()
      .where('person_id', '=', person.id)
      .orderBy('id', 'desc')
      .executeTakeFirstOrThrow();
    expect(last.kind).toBe('changed_area');
    expect(last.changes).toMatchObject({
      area_id: { from: tree.gridA.id, to: tree.microA.id },
      phone: { from: 'previous', to: 'new' },
    });
    expect((await importPersons(file)).report).toMatchObject({ inserted: 0, updated: 0, unchanged: 1 });
  });

  it.skipIf(!hasSoffice)(
    'imports an XLSX made by LibreOffice',
    async () => {
      const csv = path.join(dir, 'office.csv');
      writeFileSync(
        csv,
        `姓名,证件号码,性别,出生日期,电话,网格编码,人员类型\n冯二,${id('33010619880808003')},男,1988-08-08,13500001111,${tree.cellA.code},户籍\n`,
      );
      // Every column as text (format 2), so the ID number keeps all its digits.
      execFileSync(
        'soffice',
        [
          '--headless',
          `-env:UserInstallation=file://${dir}/lo-profile`,
          '--infilter=CSV:44,34,76,1,1/2/2/2/3/2/4/2/5/2/6/2/7/2',
          '--convert-to',
          'xlsx',
          '--outdir',
          dir,
          csv,
        ],
        {
          stdio: 'ignore',
          timeout: 150_000,
        },
      );
      const xlsx = path.join(dir, 'office.xlsx');
      expect(existsSync(xlsx)).toBe(true);
      const { report } = await importPersons(xlsx);
      expect(report).toMatchObject({ inserted: 1, updated: 0, unchanged: 0, rejected: [] });
      const person = await database()
        .db.selectFrom('persons')
        .selectAll()
        .where('document_hash', '=', documentHash(cipher, 'resident_id', id('33010619880808003')))
        .executeTakeFirstOrThrow();
      expect(revealPerson(cipher, person.secret).birthDate).toBe('1988-08-08');
      expect(person).toMatchObject({
        name: '冯二',
        sex: 'male',
        birth_year: 1988,
        birth_date: null,
        residence_type: 'registered',
        area_id: tree.cellA.id,
      });
    },
    200_000,
  );

  it('imports houses and units idempotently, linking persons to houses by address', async () => {
    const houses = gbkFile('houses', [
      '地址,地址编码,楼栋,用途,产权,间数,面积,网格编码',
      `文三路9号1幢101室,,1幢,住宅,出租,3,89.5,${tree.gridA.code}`,
      `文三路9号1幢102室,HZ0001,1幢,商住,自有,2,60,${tree.gridA.code}`,
      `文三路9号1幢103室,,1幢,宫殿,自有,2,60,${tree.gridA.code}`,
    ]);
    const first = await importRegisterFile(database().db, system, cipher, {
      kind: 'houses',
      source: { path: houses },
    });
    expect(first.report).toMatchObject({ inserted: 2, updated: 0, unchanged: 0 });
    expect(first.report.rejected.map((r) => [r.row, r.field, r.code])).toEqual([[4, '用途', 'unknownWord']]);
    expect(
      (await importRegisterFile(database().db, system, cipher, { kind: 'houses', source: { path: houses } }))
        .report,
    ).toMatchObject({ inserted: 0, unchanged: 2 });

    const people = gbkFile('tenants', [
      '姓名,身份证号,网格编码,门牌,人员类型',
      `卫三,${id('33010619950505001')},${tree.gridA.code},文三路9号1幢101室,流动`,
      `蒋四,${id('33010619950505003')},${tree.gridA.code},不存在的房子,流动`,
    ]);
    const linked = await importPersons(people);
    expect(linked.report.inserted).toBe(1);
    expect(linked.report.rejected.map((r) => r.code)).toEqual(['houseNotFound']);
    const tenant = await database()
      .db.selectFrom('persons')
      .innerJoin('houses', 'houses.id', 'persons.house_id')
      .select(['houses.address', 'persons.current_address'])
      .where('persons.name', '=', '卫三')
      .executeTakeFirstOrThrow();
    expect(tenant).toEqual({ address: '文三路9号1幢101室', current_address: '文三路9号1幢101室' });

    const units = gbkFile('units', [
      '单位名称,类别,统一社会信用代码,联系电话,员工人数,网格编码',
      `星火食品厂,企业,${creditCode('91330106MA2AXXXX1')},13800001234,25,${tree.gridA.code}`,
      `老街小卖部,商铺,,0571-88123456,2,${tree.gridA.code}`,
      `无效代码公司,企业,91330106MA2AXXXX10,,5,${tree.gridA.code}`,
      `街道办,机关,,,,${tree.township.code}`,
    ]);
    const unitReport = (
      await importRegisterFile(database().db, system, cipher, { kind: 'units', source: { path: units } })
    ).report;
    expect(unitReport).toMatchObject({ inserted: 2 });
    expect(unitReport.rejected.map((r) => [r.row, r.code])).toEqual([
      [4, 'creditCode'],
      [5, 'areaLevel'],
    ]);
    expect(
      (await importRegisterFile(database().db, system, cipher, { kind: 'units', source: { path: units } }))
        .report,
    ).toMatchObject({ inserted: 0, updated: 0, unchanged: 2 });
    const shop = await database()
      .db.selectFrom('units')
      .selectAll()
      .where('name', '=', '老街小卖部')
      .executeTakeFirstOrThrow();
    expect(shop.contact_phone_masked).toBe('0571-****3456');
    expect(shop.secret).not.toContain('88123456');
  });

  it('checks rows in worker threads with the same rejects, in file order, and stays idempotent', async () => {
    const a = tree.gridA.code;
    const valid = Array.from({ length: 2500 }, (_, i) =>
      id(`3301061971010${1 + Math.floor(i / 1000)}${String(i % 1000).padStart(3, '0')}`),
    );
    expect(new Set(valid).size).toBe(valid.length);
    const lines = ['姓名,身份证号,性别,手机号码,所属网格,人员类型'];
    valid.forEach((number, i) =>
      lines.push(`线程${i},${number},,1390${String(i).padStart(7, '0')},${a},常住`),
    );
    // Problems far apart, so they fall in different chunks and threads.
    lines.splice(1200, 0, `错号,${BAD_CHECKSUM},男,13900002222,${a},常住`);
    lines.splice(2400, 0, `重复,${valid[5]},,13900006666,${a},常住`);
    lines.push(`无格,${id('33010619700101001')},男,13900003333,999999999999,常住`);
    const file = path.join(dir, 'threads.csv');
    writeFileSync(file, lines.join('\n'));
    const options = {
      kind: 'persons' as const,
      source: { path: file },
      keys: testConfig().keys,
      checkInThreads: true,
    };

    const first = await importRegisterFile(database().db, system, cipher, { ...options, batchSize: 700 });
    expect(first.report).toMatchObject({ inserted: 2500, updated: 0, unchanged: 0 });
    expect(first.report.rejected.map((r) => [r.row, r.field, r.code])).toEqual([
      [1201, '身份证号', 'checksum'],
      [2401, '身份证号', 'duplicateInFile'],
      [2504, '所属网格', 'unknownArea'],
    ]);
    expect(first.report.rejected[1]!.params).toEqual({ row: 7 });
    const stored = await database()
      .db.selectFrom('persons')
      .select(['name', 'secret'])
      .where('name', 'like', '线程%')
      .execute();
    expect(stored).toHaveLength(2500);
    const sample = stored.find((p) => p.name === '线程42')!;
    expect(revealPerson(cipher, sample.secret).documentNumber).toBe(valid[42]);

    const again = await importRegisterFile(database().db, system, cipher, options);
    expect(again.report).toMatchObject({ inserted: 0, updated: 0, unchanged: 2500 });
    expect(again.report.rejected).toHaveLength(3);
    console.log(`threaded check: 2,503 rows, phases ${JSON.stringify(first.phases)}`);
  });

  it('writes a blank template with Chinese headers and an explanation sheet', async () => {
    const file = path.join(dir, 'template.xlsx');
    await writeTemplate('persons', file);
    const workbook = new ExcelJS.Workbook();
    await workbook.xlsx.readFile(file);
    const headers = (workbook.worksheets[0]!.getRow(1).values as unknown[]).slice(1);
    expect(headers).toEqual(
      expect.arrayContaining(['姓名', '公民身份号码', '联系电话', '网格编码', '人员类型', '标签']),
    );
    expect(workbook.worksheets[1]!.name).toBe('填写说明');
  });
});
