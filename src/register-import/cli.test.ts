import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import ExcelJS from 'exceljs';
import { runGridguard } from '../test-support/cli.js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openPglite } from '../db/database.js';
import { migrateToLatest } from '../db/migrate.js';
import { residentIdCheckCharacter } from '../register/identity/identity-number.js';
import { createAreaTree } from '../test-support/factories.js';

const id = (first17: string) => first17 + residentIdCheckCharacter(first17);

describe('gridguard import persons (CLI)', () => {
  const dir = mkdtempSync(path.join(tmpdir(), 'gg-cli-fixtures-'));
  const dataDir = path.join(dir, 'data');
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  const cli = (args: string[], lang = 'zh_CN.UTF-8') => runGridguard(args, { dataDir, lang });

  let gridCode: string;
  beforeAll(async () => {
    const database = await openPglite(dataDir);
    try {
      await migrateToLatest(database.db);
      gridCode = (await createAreaTree(database.db)).gridA.code;
    } finally {
      await database.close();
    }
  }, 120_000);

  it('prints exactly one JSON report with --json, and a re-run reports everything unchanged', async () => {
    const file = path.join(dir, 'persons.csv');
    writeFileSync(
      file,
      [
        '姓名,身份证号,联系电话,网格编码,人员类型',
        `何一,${id('33010619660606001')},13800000011,${gridCode},户籍`,
        `何二,${id('33010619660606002')},138,${gridCode},户籍`,
      ].join('\n'),
    );

    const first = await cli(['import', 'persons', file, '--json']);
    const lines = first.stdout.trim().split('\n');
    expect(lines).toHaveLength(1);
    expect(JSON.parse(lines[0]!)).toEqual({
      inserted: 1,
      updated: 0,
      unchanged: 0,
      rejected: [
        { row: 3, field: '联系电话', code: 'phone', message: expect.stringContaining('11 位手机号') },
      ],
    });
    const rejects = path.join(dir, 'rejects.xlsx');
    const second = await cli(['import', 'persons', file, '--json', '--rejects', rejects]);
    expect(JSON.parse(second.stdout)).toMatchObject({ inserted: 0, updated: 0, unchanged: 1 });
    expect(existsSync(rejects)).toBe(true);

    const template = path.join(dir, 'template.xlsx');
    await cli(['import', 'persons', '--template', template]);
    expect(existsSync(template)).toBe(true);
  }, 180_000);

  it('under LANG=zh_CN.UTF-8 reports every problem of a bad row in Chinese; --lang en in English, same codes', async () => {
    const file = path.join(dir, 'bad-persons.csv');
    // One row, four problems: a wrong check character, an unknown sex word, a bad date, no residence type.
    const wrong = `${id('33010619700101001').slice(0, 17)}${id('33010619700101001').endsWith('0') ? '1' : '0'}`;
    writeFileSync(
      file,
      ['姓名,身份证号,性别,出生日期,网格编码,人员类型', `吕错,${wrong},未详,1970-13-40,${gridCode},`].join(
        '\n',
      ),
    );
    const zh = await cli(['import', 'persons', file]);
    expect(zh.stdout).toContain('新增 0，更新 0，未变 0，拒绝 4');
    expect(zh.stdout).toContain('第 2 行  身份证号  checksum  校验位不正确');
    expect(zh.stdout).toContain('第 2 行  性别  sex  无法识别的性别“未详”');
    expect(zh.stdout).toContain('第 2 行  出生日期  date  不是有效日期');
    expect(zh.stdout).toContain('第 2 行  人员类型  required  必填');
    expect(zh.stdout).not.toMatch(/inserted|rejected|check character/);

    const json = await cli(['import', 'persons', file, '--json']);
    const report = JSON.parse(json.stdout) as {
      rejected: Array<{ row: number; code: string; message: string }>;
    };
    expect(report.rejected.map((r) => [r.row, r.code])).toEqual([
      [2, 'checksum'],
      [2, 'sex'],
      [2, 'date'],
      [2, 'required'],
    ]);
    expect(report.rejected[0]!.message).toMatch(/^校验位不正确：应为 \S，实为 \S$/);

    const en = await cli(['import', 'persons', file, '--json', '--lang', 'en']);
    const english = JSON.parse(en.stdout) as typeof report;
    expect(english.rejected.map((r) => r.code)).toEqual(['checksum', 'sex', 'date', 'required']);
    expect(english.rejected[0]!.message).toMatch(/^The check character should be \S, not \S$/);
  }, 180_000);

  it('refuses an ID column a spreadsheet stored as numbers under its own code, not as a wrong check character', async () => {
    const file = path.join(dir, 'numbers.xlsx');
    const workbook = new ExcelJS.Workbook();
    const sheet = workbook.addWorksheet('人员');
    sheet.addRow(['姓名', '身份证号', '性别', '网格编码', '人员类型']);
    // What Excel keeps of 330106199001011234 typed into a General column: 15 significant digits.
    sheet.addRow(['严数', 3.30106199001011e17, '女', gridCode, '常住']);
    // LibreOffice keeps 17: still not the number the clerk typed.
    sheet.addRow(['严二', Number('330106199001011234'), '男', gridCode, '常住']);
    await workbook.xlsx.writeFile(file);

    const result = await cli(['import', 'persons', file, '--json']);
    const report = JSON.parse(result.stdout) as {
      inserted: number;
      rejected: Array<{
        row: number;
        field: string;
        code: string;
        params?: Record<string, unknown>;
        message: string;
      }>;
    };
    expect(report.inserted).toBe(0);
    expect(report.rejected.map((r) => [r.row, r.field, r.code])).toEqual([
      [2, '身份证号', 'excelRounded'],
      [3, '身份证号', 'excelRounded'],
    ]);
    expect(report.rejected[0]!.params).toEqual({ value: '3.30106199001011E+17' });
    expect(report.rejected[0]!.message).toContain('文本');
    // Neither a check character nor the sex is judged from digits the spreadsheet made up.
    expect(JSON.stringify(report)).not.toMatch(/checksum|sexMismatch/);
  }, 180_000);
});
