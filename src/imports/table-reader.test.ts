import { execFileSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import {
  createReadStream,
  createWriteStream,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readFileSync,
  rmSync,
  writeFileSync,
} from 'node:fs';
import { once } from 'node:events';
import { tmpdir } from 'node:os';
import { delimiter as pathDelimiter, join } from 'node:path';
import { Readable } from 'node:stream';
import { pathToFileURL } from 'node:url';
import ExcelJS from 'exceljs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { defineColumns, mapHeaders, mapRow } from './columns.js';
import { createCallbackProgress, type ProgressEvent } from './progress.js';
import { cellToText, detectDelimiter, ImportFileError, openTable, plainNumber } from './table-reader.js';
import type { Table, TableRow } from './table-types.js';

const onPath = (command: string) =>
  (process.env.PATH ?? '').split(pathDelimiter).some((dir) => dir !== '' && existsSync(join(dir, command)));
const HAS_SOFFICE = onPath('soffice');
const HAS_ICONV = onPath('iconv');
const HAS_ZIP = onPath('zip');

const personColumns = defineColumns({
  name: { labels: ['姓名', 'Name'], required: true },
  idNumber: { labels: ['身份证号', '公民身份号码', '证件号码', 'ID Number'], required: true },
  phone: { labels: ['联系电话', '手机号码', 'Phone'] },
  address: { labels: ['现住址', '居住地址', 'Address'] },
});

let dir: string;
beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'gridguard-table-'));
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function file(name: string, content: string | Buffer): string {
  const path = join(dir, name);
  writeFileSync(path, content);
  return path;
}

async function readRows(table: Table): Promise<TableRow[]> {
  const rows: TableRow[] = [];
  for await (const row of table) rows.push({ rowNumber: row.rowNumber, values: { ...row.values } });
  return rows;
}

async function failure(promise: Promise<unknown>): Promise<ImportFileError> {
  const error = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(ImportFileError);
  return error as ImportFileError;
}

describe('CSV', () => {
  it('reads a UTF-8 CSV with BOM, CRLF, quotes, a blank row and Excel\'s ="…" trick', async () => {
    const csv =
      '\uFEFF 姓名 ,公民身份号码,手机号码,居住地址\r\n' +
      '张三,110101199003071234,13800138000,"北京市东城区""景山""街道,1号"\r\n' +
      '\r\n' +
      ',,,\r\n' +
      '李四,="11010119850512567X", 13912345678 ,"上海市\r\n浦东新区"\r\n';
    const path = file('utf8-bom.csv', csv);
    const table = await openTable({ path });
    expect(table.format).toBe('csv');
    expect(table.encoding).toBe('utf-8');
    expect(table.delimiter).toBe(',');
    expect(table.headers).toEqual(['姓名', '公民身份号码', '手机号码', '居住地址']);
    expect(table.headerRowNumber).toBe(1);
    expect(await readRows(table)).toEqual([
      {
        rowNumber: 2,
        values: {
          姓名: '张三',
          公民身份号码: '110101199003071234',
          手机号码: '13800138000',
          居住地址: '北京市东城区"景山"街道,1号',
        },
      },
      // Rows 3 (empty line) and 4 (only commas) are skipped but counted.
      {
        rowNumber: 5,
        values: {
          姓名: '李四',
          公民身份号码: '11010119850512567X',
          手机号码: '13912345678',
          居住地址: '上海市\r\n浦东新区',
        },
      },
    ]);
    expect(table.rowsRead).toBe(2);
    expect(table.bytesRead).toBe(table.totalBytes);
  });

  describe.skipIf(!HAS_ICONV)('GBK (needs iconv(1))', () => {
    it('decodes a GBK CSV made by iconv and maps its Chinese headers', async () => {
      const utf8 = file(
        'people.utf8.csv',
        '姓名,身份证号,联系电话,现住址\n张三,110101199003071234,13800138000,北京市东城区景山街道1号\n李四,11010119850512567X,13912345678,上海市浦东新区陆家嘴\n',
      );
      const gbkPath = file('people.gbk.csv', execFileSync('iconv', ['-f', 'utf-8', '-t', 'gbk', utf8]));
      // As an upload: a stream plus the client's file name.
      const table = await openTable({ stream: createReadStream(gbkPath), fileName: '人员.csv' });
      expect(table.encoding).toBe('gbk');
      expect(table.fileName).toBe('人员.csv');
      expect(table.headers).toEqual(['姓名', '身份证号', '联系电话', '现住址']);
      const { mapping, missingRequired, unknownHeaders } = mapHeaders(table.headers, personColumns);
      expect(missingRequired).toEqual([]);
      expect(unknownHeaders).toEqual([]);
      const people = [];
      for await (const row of table) people.push({ row: row.rowNumber, ...mapRow(row.values, mapping) });
      expect(people).toEqual([
        {
          row: 2,
          name: '张三',
          idNumber: '110101199003071234',
          phone: '13800138000',
          address: '北京市东城区景山街道1号',
        },
        {
          row: 3,
          name: '李四',
          idNumber: '11010119850512567X',
          phone: '13912345678',
          address: '上海市浦东新区陆家嘴',
        },
      ]);
    });
  });

  it('detects ; and tab delimiters from the header line', async () => {
    const semicolon = await openTable({
      path: file('semicolon.csv', '姓名;联系电话;"备注;说明"\n王五;13700000000;"a;b"\n'),
    });
    expect(semicolon.delimiter).toBe(';');
    expect(await readRows(semicolon)).toEqual([
      { rowNumber: 2, values: { 姓名: '王五', 联系电话: '13700000000', '备注;说明': 'a;b' } },
    ]);

    const tab = await openTable({ path: file('export.txt', '姓名\t联系电话\n赵六\t13600000000\n') });
    expect(tab.delimiter).toBe('\t');
    expect(await readRows(tab)).toEqual([
      { rowNumber: 2, values: { 姓名: '赵六', 联系电话: '13600000000' } },
    ]);

    expect(detectDelimiter('a,b;c,d')).toBe(',');
    expect(detectDelimiter('"a;b";"c,d,e";f')).toBe(';');
  });

  it('finds the header under a title row when told, and names untitled columns', async () => {
    const path = file('titled.csv', '幸福里社区人口登记表,,\n姓名,,联系电话\n张三,?,13800138000\n');
    const table = await openTable({ path }, { headerRow: 2 });
    expect(table.headerRowNumber).toBe(2);
    expect(table.headers).toEqual(['姓名', 'Column B', '联系电话']);
    expect(await readRows(table)).toEqual([
      { rowNumber: 3, values: { 姓名: '张三', 'Column B': '?', 联系电话: '13800138000' } },
    ]);
  });

  it('pads short rows and ignores cells beyond the headers', async () => {
    const table = await openTable({ path: file('ragged.csv', 'a,b,c\n1\n1,2,3,4\n') });
    expect(await readRows(table)).toEqual([
      { rowNumber: 2, values: { a: '1', b: '', c: '' } },
      { rowNumber: 3, values: { a: '1', b: '2', c: '3' } },
    ]);
  });

  it('can be stopped early and read only once', async () => {
    const table = await openTable({ path: file('many.csv', `a\n${'1\n'.repeat(1000)}`) });
    for await (const row of table) {
      expect(row.rowNumber).toBe(2);
      break;
    }
    await table.close();
    await expect(readRows(table)).rejects.toThrow('only once');
  });
});

describe('rejected files', () => {
  const PNG = Buffer.from(
    '89504e470d0a1a0a0000000d4948445200000001000000010806000000' +
      '1f15c4890000000d49444154789c63f8cfc0f01f0005000201a5f2c1e50000000049454e44ae426082',
    'hex',
  );

  it('rejects a PNG renamed to .csv and random binary', async () => {
    const png = await failure(openTable({ path: file('photo.csv', PNG) }));
    expect(png.code).toBe('IMPORT_FILE_INVALID');
    expect(png.problem).toBe('NOT_TABULAR');
    expect(png.message).toBe('"photo.csv" is not an XLSX or CSV file');
    expect(png.statusCode).toBe(400);

    const random = await failure(openTable({ path: file('random.dat', randomBytes(200_000)) }));
    expect(random.message).toContain('not an XLSX or CSV file');
  });

  it('explains old .xls, HTML disguised as .xls, and text named .xlsx', async () => {
    const ole = Buffer.concat([Buffer.from('d0cf11e0a1b11ae1', 'hex'), Buffer.alloc(512)]);
    expect((await failure(openTable({ path: file('old.xls', ole) }))).problem).toBe('LEGACY_XLS');
    const html = '<html><body><table><tr><td>姓名</td></tr></table></body></html>';
    expect((await failure(openTable({ path: file('export.xls', html) }))).problem).toBe('HTML_DISGUISED');
    expect((await failure(openTable({ path: file('fake.xlsx', '姓名\n张三\n') }))).message).toContain(
      'not an XLSX or CSV file',
    );
  });

  it.skipIf(!HAS_ZIP)('rejects a zip that is not a workbook', async () => {
    const inner = file('readme.txt', 'hello');
    const zipPath = join(dir, 'not-a-workbook.xlsx');
    execFileSync('zip', ['-j', '-q', zipPath, inner]);
    const error = await failure(openTable({ path: zipPath }));
    expect(error.message).toBe('"not-a-workbook.xlsx" is not an XLSX or CSV file (it has no worksheet)');
  });

  it('rejects files without a header row and duplicate columns', async () => {
    expect((await failure(openTable({ path: file('empty.csv', '') }))).message).toBe(
      'the file has no header row',
    );
    expect((await failure(openTable({ path: file('blank.csv', '\r\n,,\r\n') }))).message).toBe(
      'the file has no header row',
    );
    const duplicate = await failure(openTable({ path: file('dup.csv', '姓名,联系电话,姓名\n1,2,3\n') }));
    expect(duplicate.message).toBe('duplicate column 姓名');
    expect(duplicate.problem).toBe('DUPLICATE_COLUMN');
  });

  it('reports an unclosed quote with its row', async () => {
    const table = await openTable({ path: file('broken.csv', '姓名,住址\n张三,"北京\n李四,上海\n') });
    const error = await failure(readRows(table));
    expect(error.problem).toBe('CSV_MALFORMED');
    expect(error.message).toContain('row 2');
  });
});

describe('XLSX written by exceljs', () => {
  let path: string;
  beforeAll(async () => {
    path = join(dir, 'exceljs.xlsx');
    const workbook = new ExcelJS.Workbook();
    // A hidden lookup sheet first: clerks never mean that one.
    workbook.addWorksheet('字典', { state: 'hidden' }).addRow(['男', '女']);
    const sheet = workbook.addWorksheet('人员');
    sheet.addRow([
      '姓名',
      '证件号码',
      '出生日期',
      '采样时间',
      '年龄',
      '年龄x2',
      '主页',
      '存款',
      '档案号',
      '复核',
    ]);
    sheet.addRow([
      { richText: [{ text: '张' }, { text: '三', font: { bold: true } }] },
      '110101199003071234',
      new Date(Date.UTC(1990, 2, 7)),
      new Date(Date.UTC(2024, 2, 5, 8, 30, 15)),
      34,
      { formula: 'E2*2', result: 68 },
      { text: '个人主页', hyperlink: 'https://example.com/zhangsan' },
      0.1 + 0.2,
      1.5e21,
      true,
    ]);
    sheet.addRow([]);
    sheet.addRow([
      '李四',
      // An ID typed into a number cell: a double cannot hold 18 digits.
      Number('110101199003071234'),
      { formula: 'C2+1', result: new Date(Date.UTC(1990, 2, 8)) },
      null,
      1e-7,
    ]);
    sheet.getCell('C4').numFmt = 'yyyy-mm-dd';
    await workbook.xlsx.writeFile(path);
  });

  it('converts dates, numbers, long text IDs, formulas, rich text and hyperlinks', async () => {
    const table = await openTable({ path });
    expect(table.format).toBe('xlsx');
    expect(table.sheetName).toBe('人员');
    expect(table.headers).toEqual([
      '姓名',
      '证件号码',
      '出生日期',
      '采样时间',
      '年龄',
      '年龄x2',
      '主页',
      '存款',
      '档案号',
      '复核',
    ]);
    const rows = await readRows(table);
    expect(rows).toEqual([
      {
        rowNumber: 2,
        values: {
          姓名: '张三',
          证件号码: '110101199003071234',
          出生日期: '1990-03-07',
          采样时间: '2024-03-05T08:30:15',
          年龄: '34',
          年龄x2: '68',
          主页: '个人主页',
          存款: '0.3',
          档案号: '1.5E+21',
          复核: 'TRUE',
        },
      },
      {
        // Row 3 is empty and skipped. An ID stored as a number has already lost
        // its last digits; it is passed on as such for the validator to reject.
        rowNumber: 4,
        values: {
          姓名: '李四',
          // Stored as a number by the spreadsheet: shown as Excel shows it, its lost digits not made up.
          证件号码: '1.1010119900307123E+17',
          出生日期: '1990-03-08',
          采样时间: '',
          年龄: '0.0000001',
          年龄x2: '',
          主页: '',
          存款: '',
          档案号: '',
          复核: '',
        },
      },
    ]);
    expect(table.bytesRead).toBe(table.totalBytes);
  });

  it('selects a sheet by name or index', async () => {
    const byIndex = await openTable({ path }, { sheet: 0 });
    expect(byIndex.sheetName).toBe('字典');
    expect(byIndex.headers).toEqual(['男', '女']);
    await byIndex.close();
    const byName = await openTable({ path }, { sheet: '人员' });
    expect(byName.headers[0]).toBe('姓名');
    await byName.close();
    const missing = await failure(openTable({ path }, { sheet: '房屋' }));
    expect(missing.message).toBe('the workbook has no sheet "房屋"; it has: 字典, 人员');
  });

  it('keeps Chinese intact across zip chunk boundaries (exceljs streaming bug)', async () => {
    const bigPath = join(dir, 'chinese.xlsx');
    const workbook = new ExcelJS.Workbook();
    const sheet = workbook.addWorksheet('人员');
    sheet.addRow(['姓名', '现住址']);
    const surnames = '张王李赵钱孙周吴郑冯陈褚卫';
    for (let i = 0; i < 4000; i++)
      sheet.addRow([`${surnames[i % 13]}某${i}`, `北京市朝阳区幸福里小区${i}号楼${i % 7}单元`]);
    await workbook.xlsx.writeFile(bigPath);
    const table = await openTable({ path: bigPath });
    let count = 0;
    for await (const row of table) {
      const i = row.rowNumber - 2;
      expect(row.values).toEqual({
        姓名: `${surnames[i % 13]}某${i}`,
        现住址: `北京市朝阳区幸福里小区${i}号楼${i % 7}单元`,
      });
      count++;
    }
    expect(count).toBe(4000);
  });

  it('reports a damaged workbook and a failing upload stream instead of hanging', async () => {
    const whole = readFileSync(path);
    const truncated = await failure(
      openTable({ path: file('truncated.xlsx', whole.subarray(0, Math.floor(whole.length * 0.6))) }),
    );
    expect(truncated.problem).toBe('DAMAGED');

    // Big enough (incompressible) that the failure hits exceljs mid-parse, not the format sniffing.
    const bigWorkbook = new ExcelJS.Workbook();
    const bigSheet = bigWorkbook.addWorksheet('人员');
    bigSheet.addRow(['编号', '随机']);
    for (let i = 0; i < 3000; i++) bigSheet.addRow([i, randomBytes(24).toString('hex')]);
    const big = Buffer.from(await bigWorkbook.xlsx.writeBuffer());
    expect(big.length).toBeGreaterThan(120_000);
    async function* dying() {
      yield big.subarray(0, 100_000);
      await new Promise((resolve) => setTimeout(resolve, 20));
      throw new Error('connection reset');
    }
    const outcome = await openTable({ stream: Readable.from(dying()), fileName: 'upload.xlsx' })
      .then(readRows)
      .catch((e: unknown) => e);
    expect(outcome).toBeInstanceOf(Error);
    expect(outcome).not.toBeInstanceOf(ImportFileError);
    expect((outcome as Error).message).toBe('connection reset');
  });
});

describe.skipIf(!HAS_SOFFICE)('XLSX made by LibreOffice (needs soffice)', () => {
  let path: string;
  beforeAll(() => {
    const csv = file(
      'lo-people.csv',
      '姓名,身份证号,联系电话,现住址,出生日期,档案号,旧证件号\n' +
        '张三,110101199003071234,13800138000,北京市东城区景山街道1号,1990-03-07,123456789012345678901,110101199003071234\n' +
        '\n' +
        '李四,11010119850512567X,13912345678,"上海市,浦东新区",1985-05-12,7,11010119850512567X\n',
    );
    const out = join(dir, 'lo');
    mkdirSync(out);
    // Column 2 as text (as a careful clerk would set it), column 5 as Y-M-D date;
    // the rest "standard", so long digit strings become numbers as in real life.
    const filter = 'CSV:44,34,76,1,1/1/2/2/3/1/4/1/5/5/6/1/7/1,1033,false,true';
    execFileSync(
      'soffice',
      [
        `-env:UserInstallation=${pathToFileURL(join(dir, 'lo-profile')).href}`,
        '--headless',
        `--infilter=${filter}`,
        '--convert-to',
        'xlsx',
        '--outdir',
        out,
        csv,
      ],
      { stdio: 'ignore', timeout: 90_000 },
    );
    path = join(out, 'lo-people.xlsx');
  });

  it('reads the converted workbook', async () => {
    const table = await openTable({ path });
    expect(table.format).toBe('xlsx');
    expect(table.headers).toEqual([
      '姓名',
      '身份证号',
      '联系电话',
      '现住址',
      '出生日期',
      '档案号',
      '旧证件号',
    ]);
    const rows = await readRows(table);
    expect(rows.map((r) => r.rowNumber)).toEqual([2, 4]);
    const [first, second] = rows;
    expect(first?.values).toMatchObject({
      姓名: '张三',
      身份证号: '110101199003071234',
      联系电话: '13800138000',
      现住址: '北京市东城区景山街道1号',
      出生日期: '1990-03-07',
    });
    // Numbers that were IDs, beyond 2^53: read as the spreadsheet shows them (1.23456789012346E+20), never
    // as made-up trailing digits, so the import refuses them as rounded (excelRounded) instead of guessing.
    for (const key of ['档案号', '旧证件号'] as const) {
      expect(first?.values[key]).toMatch(/^\d(\.\d+)?E\+\d+$/);
    }
    expect(first?.values['档案号']).not.toBe('123456789012345678901');
    expect(first?.values['旧证件号']).not.toBe('110101199003071234');
    expect(second?.values).toMatchObject({
      姓名: '李四',
      身份证号: '11010119850512567X',
      联系电话: '13912345678',
      现住址: '上海市,浦东新区',
      出生日期: '1985-05-12',
      档案号: '7',
      旧证件号: '11010119850512567X',
    });
    const { mapping, missingRequired } = mapHeaders(table.headers, personColumns);
    expect(missingRequired).toEqual([]);
    expect(second && mapRow(second.values, mapping)).toEqual({
      name: '李四',
      idNumber: '11010119850512567X',
      phone: '13912345678',
      address: '上海市,浦东新区',
    });
  });
});

describe('cell conversion', () => {
  it('writes numbers without exponents', () => {
    expect(plainNumber(1.5e21)).toBe('1.5E+21');
    expect(plainNumber(-1.25e-7)).toBe('-0.000000125');
    // Beyond 2^53 the digits are the spreadsheet's rounding: shown as Excel shows them, never as made-up digits.
    expect(plainNumber(Number('110101199003071234'))).toBe('1.1010119900307123E+17');
    expect(plainNumber(3.30108199001011e17)).toBe('3.30108199001011E+17');
    expect(plainNumber(Number.MAX_SAFE_INTEGER)).toBe('9007199254740991');
    expect(plainNumber(12.300000000000001)).toBe('12.3');
    expect(plainNumber(-0)).toBe('0');
  });

  it('formats dates and times as ISO', () => {
    expect(cellToText(new Date(Date.UTC(2024, 0, 31)), undefined)).toBe('2024-01-31');
    expect(cellToText(new Date(Date.UTC(2024, 0, 31, 23, 59, 59, 999)), undefined)).toBe('2024-02-01');
    expect(cellToText(0.5, 'h:mm')).toBe('12:00:00');
    expect(cellToText(45321.75, 'yyyy/m/d h:mm')).toBe('2024-01-30T18:00:00');
    expect(cellToText(45321, '[$-804]yyyy"年"m"月"d"日"')).toBe('2024-01-30');
    expect(cellToText(45321, '0.00')).toBe('45321');
    expect(cellToText({ error: '#N/A' }, undefined)).toBe('#N/A');
    expect(cellToText({ sharedFormula: 'A1', result: 'x' }, undefined)).toBe('x');
  });
});

describe('streaming', () => {
  it('reads a 200,000-row CSV with modest memory and progress', async () => {
    const path = join(dir, 'big.csv');
    const out = createWriteStream(path);
    out.write('姓名,身份证号,联系电话,现住址\n');
    const ROWS = 200_000;
    for (let i = 0; i < ROWS; i += 1000) {
      let block = '';
      for (let j = i; j < i + 1000; j++)
        block += `居民${j},11010119900307${String(j % 10000).padStart(4, '0')},138${String(j).padStart(8, '0')},北京市朝阳区幸福里${j}号\n`;
      if (!out.write(block)) await once(out, 'drain');
    }
    out.end();
    await once(out, 'finish');

    const events: ProgressEvent[] = [];
    const progress = createCallbackProgress((e) => events.push(e), { minIntervalMs: 50 });
    const baseline = process.memoryUsage().heapUsed;
    let peak = baseline;
    const started = Date.now();
    const table = await openTable({ path });
    let count = 0;
    let last: TableRow | undefined;
    for await (const row of table) {
      count++;
      last = row;
      if (count % 10_000 === 0) {
        peak = Math.max(peak, process.memoryUsage().heapUsed);
        progress.update(table.bytesRead, table.totalBytes);
      }
    }
    progress.finish();
    const extraMb = (peak - baseline) / 1024 / 1024;
    console.log(
      `200k-row CSV (${((table.totalBytes ?? 0) / 1e6).toFixed(1)} MB): ${Date.now() - started} ms, peak extra heap ${extraMb.toFixed(1)} MB`,
    );
    expect(count).toBe(ROWS);
    expect(last?.rowNumber).toBe(ROWS + 1);
    expect(last?.values['姓名']).toBe(`居民${ROWS - 1}`);
    expect(extraMb).toBeLessThan(300);
    expect(table.bytesRead).toBe(table.totalBytes);
    expect(events.at(-1)).toMatchObject({ finished: true, fraction: 1 });
  });
});
