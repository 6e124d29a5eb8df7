import { describe, expect, it } from 'vitest';
import { assertMappingComplete, defineColumns, mapHeaders, mapRow, normalizeHeader } from './columns.js';
import { ImportFileError } from './errors.js';

const personColumns = defineColumns({
  name: { labels: ['姓名', 'Name', '名字'], required: true },
  idNumber: { labels: ['身份证号', '公民身份号码', '证件号码', '身份证号码', 'ID Number'], required: true },
  phone: { labels: ['联系电话', '手机号码', '手机号', '电话', 'Phone'] },
  address: { labels: ['现住址', '居住地址', 'Address'] },
});

describe('normalizeHeader', () => {
  it('ignores case, spaces, BOM, full-width forms and required marks', () => {
    expect(normalizeHeader('\uFEFF姓 名')).toBe('姓名');
    expect(normalizeHeader('ＩＤ　Number')).toBe('idnumber');
    expect(normalizeHeader('身份证号*')).toBe('身份证号');
    expect(normalizeHeader('*身份证号')).toBe('身份证号');
    expect(normalizeHeader('身份证号（必填）')).toBe('身份证号');
    expect(normalizeHeader('身份证号(必填)*')).toBe('身份证号');
    expect(normalizeHeader('姓名【必填】')).toBe('姓名');
    expect(normalizeHeader('Name (required)')).toBe('name');
    expect(normalizeHeader('联系电话：')).toBe('联系电话');
    // Parentheses that are part of the title stay, in either width.
    expect(normalizeHeader('身高（cm）')).toBe(normalizeHeader('身高(CM)'));
  });
});

describe('mapHeaders', () => {
  it('recognises Chinese and English synonyms', () => {
    for (const [idHeader, phoneHeader] of [
      ['公民身份号码', '联系电话'],
      ['身份证号', '手机号码'],
      ['证件号码（必填）', 'PHONE'],
      ['ID Number *', '手机号'],
    ] as const) {
      const result = mapHeaders(['姓名', idHeader, phoneHeader, '备注'], personColumns);
      expect(result.mapping).toEqual({ name: '姓名', idNumber: idHeader, phone: phoneHeader });
      expect(result.unknownHeaders).toEqual(['备注']);
      expect(result.missingRequired).toEqual([]);
      expect(result.duplicates).toEqual([]);
    }
  });

  it('accepts the field name itself as a title', () => {
    expect(mapHeaders(['name', 'idNumber'], personColumns).mapping).toEqual({
      name: 'name',
      idNumber: 'idNumber',
    });
  });

  it('reports missing required fields and duplicate meanings', () => {
    const result = mapHeaders(['名字', '电话', '手机号码'], personColumns);
    expect(result.missingRequired).toEqual(['idNumber']);
    expect(result.duplicates).toEqual([{ field: 'phone', headers: ['电话', '手机号码'] }]);
    expect(result.mapping.phone).toBe('电话');
    expect(() => assertMappingComplete(result, personColumns)).toThrow('missing required column 身份证号');
  });

  it('lets the web mapping step override, ignore and resolve columns', () => {
    const headers = ['户主姓名', '身份证号', '电话', '手机号码', '备注'];
    const result = mapHeaders(headers, personColumns, { 户主姓名: 'name', 电话: null, 备注: 'address' });
    expect(result.mapping).toEqual({
      name: '户主姓名',
      idNumber: '身份证号',
      phone: '手机号码',
      address: '备注',
    });
    expect(result.unknownHeaders).toEqual([]);
    expect(result.duplicates).toEqual([]);
    expect(() => assertMappingComplete(result, personColumns)).not.toThrow();
  });

  it('rejects overrides that make no sense', () => {
    const headers = ['姓名', '身份证号'];
    expect(() => mapHeaders(headers, personColumns, { 性别: 'name' })).toThrow(ImportFileError);
    expect(() => mapHeaders(headers, personColumns, { 姓名: 'gender' })).toThrow('unknown field gender');
    expect(() => mapHeaders(headers, personColumns, { 姓名: 'name', 身份证号: 'name' })).toThrow('both');
  });

  it('refuses a label claimed by two fields', () => {
    expect(() => defineColumns({ a: { labels: ['电话'] }, b: { labels: ['电话 '] } })).toThrow(
      'claimed by both',
    );
  });
});

describe('mapRow', () => {
  it('keys values by field; absent columns stay absent, empty cells are empty', () => {
    const { mapping } = mapHeaders(['姓名', '公民身份号码', '手机号码'], personColumns);
    const row = mapRow({ 姓名: '张三', 公民身份号码: '110101199003071234', 手机号码: '' }, mapping);
    expect(row).toEqual({ name: '张三', idNumber: '110101199003071234', phone: '' });
    expect('address' in row).toBe(false);
  });
});
