import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PassThrough } from 'node:stream';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  emptyReport,
  REJECT_HEADERS,
  RejectCollector,
  writeRejectsXlsx,
  type ImportReport,
} from './report.js';
import { openTable } from './table-reader.js';
import type { TableRow } from './table-types.js';

let dir: string;
beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'gridguard-report-'));
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

async function rowsOf(path: string): Promise<{ headers: string[]; rows: TableRow[] }> {
  const table = await openTable({ path });
  const rows: TableRow[] = [];
  for await (const row of table) rows.push({ rowNumber: row.rowNumber, values: { ...row.values } });
  return { headers: table.headers, rows };
}

describe('RejectCollector', () => {
  it('keeps rejects and original rows up to their limits but counts all', () => {
    const collector = new RejectCollector({ maxRejects: 3, maxOriginalRows: 1 });
    const required = { code: 'required', message: 'is required' };
    collector.reject(2, 'idNumber', { code: 'checksum', message: 'bad check digit' }, { 姓名: '张三' });
    collector.reject(2, 'phone', { code: 'phone', message: 'too short' }, { 姓名: '张三' });
    collector.reject(5, 'name', required, { 姓名: '' });
    collector.reject(9, 'name', required);
    expect(collector.rejects).toHaveLength(3);
    expect(collector.total).toBe(4);
    expect(collector.rowsRejected).toBe(3);
    expect(collector.truncated).toBe(true);
    expect([...collector.originalRows.keys()]).toEqual([2]);
    const report: ImportReport = { ...emptyReport(), inserted: 7, rejected: collector.rejects };
    expect(report).toMatchObject({ inserted: 7, updated: 0, unchanged: 0 });
  });
});

describe('writeRejectsXlsx', () => {
  const headers = ['姓名', '身份证号', '联系电话'];
  // Stored in English; written in the reader's language, made again from code and params.
  const rejects = [
    { row: 7, field: '联系电话', code: 'phone', message: 'a phone is …' },
    {
      row: 3,
      field: '身份证号',
      code: 'checksum',
      params: { expected: '4', actual: '5' },
      message: 'the check character should be 4, not 5',
    },
    { row: 3, field: '姓名', code: 'required', message: 'is required' },
  ];
  const originals = new Map([
    [3, { 姓名: '', 身份证号: '110101199003071235', 联系电话: '13800138000' }],
    [7, { 姓名: '王五', 身份证号: '11010119850512567X', 联系电话: '1380013' }],
  ]);

  it('writes rejects sorted by row, with original values kept as exact text', async () => {
    const path = join(dir, 'rejects.xlsx');
    await writeRejectsXlsx(rejects, headers, originals, path);
    const { headers: written, rows } = await rowsOf(path);
    expect(written).toEqual([...REJECT_HEADERS['zh-CN'], ...headers]);
    expect(rows.map((r) => Object.values(r.values))).toEqual([
      ['3', '身份证号', 'checksum', '校验位不正确：应为 4，实为 5', '', '110101199003071235', '13800138000'],
      ['3', '姓名', 'required', '必填', '', '110101199003071235', '13800138000'],
      [
        '7',
        '联系电话',
        'phone',
        '电话应为 11 位手机号（1xxxxxxxxxx）或带区号的座机号，如 0571-88123456',
        '王五',
        '11010119850512567X',
        '1380013',
      ],
    ]);
  });

  it('speaks English to an English reader, with the same codes', async () => {
    const path = join(dir, 'rejects-en.xlsx');
    await writeRejectsXlsx(rejects, headers, originals, path, 'en');
    const { headers: written, rows } = await rowsOf(path);
    expect(written).toEqual([...REJECT_HEADERS.en, ...headers]);
    expect(rows.map((r) => [r.values.Code, r.values.Problem])).toEqual([
      ['checksum', 'The check character should be 4, not 5'],
      ['required', 'Required'],
      ['phone', 'A phone is an 11-digit mobile number (1xxxxxxxxxx) or a landline such as 0571-88123456'],
    ]);
  });

  it('writes to a stream, without original values when none are given', async () => {
    const sink = new PassThrough();
    const collected = (async () => {
      const chunks: Buffer[] = [];
      for await (const chunk of sink) chunks.push(chunk as Buffer);
      return Buffer.concat(chunks);
    })();
    const collector = new RejectCollector();
    for (const r of rejects) collector.add(r);
    await collector.writeXlsx(sink);
    const path = join(dir, 'streamed.xlsx');
    writeFileSync(path, await collected);
    expect(readFileSync(path).subarray(0, 2).toString()).toBe('PK');
    const { headers: written, rows } = await rowsOf(path);
    expect(written).toEqual([...REJECT_HEADERS['zh-CN']]);
    expect(rows).toHaveLength(3);
    expect(rows[0]?.values[REJECT_HEADERS['zh-CN'][2]]).toBe('checksum');
  });
});
