import { describe, expect, it } from 'vitest';
import { createFieldCipher } from '../../privacy/field-crypto.js';
import { testConfig } from '../../test-support/factories.js';
import { mapHealthCode } from './health-codes.js';
import { validateRecord, validateRiskArea } from './records.js';
import { CellProblem, parseDose, parseMoment, parseTemperature, testResultOf } from './values.js';

const latest = new Date('2026-11-02T12:00:00Z');
const moment = (value: string, dateOnly: 'reject' | 'start-of-day' | 'end-of-day' = 'reject') => {
  const result = parseMoment('t', value, { dateOnly, latest });
  return result instanceof CellProblem ? result.code : result.toISOString();
};

describe('feed values', () => {
  it('reads Beijing wall times in the usual forms and zoned ISO times; a date alone only where a day is meant', () => {
    for (const text of [
      '2026-11-01 09:30',
      '2026/11/1 9:30:00',
      '2026.11.01T09:30',
      '2026年11月1日 9:30',
      '2026年11月1日9时30分',
      '202611010930',
      '2026-11-01T01:30:00Z',
      '2026-11-01T09:30:00+08:00',
      '２０２６-１１-０１ ０９:３０',
    ])
      expect(moment(text), text).toBe('2026-11-01T01:30:00.000Z');
    expect(moment('2026-11-01')).toBe('timeMissing');
    expect(moment('2026-11-01', 'start-of-day')).toBe('2026-10-31T16:00:00.000Z');
    expect(moment('2026-11-01', 'end-of-day')).toBe('2026-11-01T16:00:00.000Z');
    expect(moment('2026-02-30 08:00')).toBe('time');
    expect(moment('2026-11-01 24:00')).toBe('time');
    expect(moment('昨天')).toBe('time');
    expect(moment('2026-11-03 08:00')).toBe('timeInFuture');
    expect(moment('2019-01-01 08:00')).toBe('timeTooEarly');
  });

  it('maps health-code colours per source and knows nothing else', () => {
    expect(mapHealthCode('default', '绿码')).toBe('GREEN');
    expect(mapHealthCode('any-lab', ' GREEN ')).toBe('GREEN');
    expect(mapHealthCode('default', '0')).toBeUndefined();
    expect(mapHealthCode('status-012', '０')).toBe('GREEN');
    expect(mapHealthCode('status-012', '1')).toBe('YELLOW');
    expect(mapHealthCode('letters-gyr', 'R')).toBe('RED');
    expect(mapHealthCode('status-012', '3')).toBeUndefined();
    expect(mapHealthCode('default', '橙码')).toBeUndefined();
  });

  it('reads results, doses and temperatures as written, never by guess', () => {
    expect(['阴性', 'Negative', '阳性(+)', '待出', '无效'].map(testResultOf)).toEqual([
      'negative',
      'negative',
      'positive',
      'pending',
      'invalid',
    ]);
    expect(testResultOf('弱阳')).toBeUndefined();
    expect(['1', '2.0', '第3剂', '第二针'].map((v) => parseDose('dose', v))).toEqual([1, 2, 3, 2]);
    expect(parseDose('dose', '加强针')).toBeInstanceOf(CellProblem);
    expect(parseTemperature('temperature', '36.55℃')).toBe(36.6);
    expect(parseTemperature('temperature', '98.6')).toBeInstanceOf(CellProblem);
  });

  it('keys a record by the source’s id, else by its content; the same content hashes the same', () => {
    const ctx = { cipher: createFieldCipher(testConfig().keys), source: 'lab', now: latest };
    const fields = { idNumber: '11010519491231002x', sampledAt: '2026-11-01 09:30', result: '阴性' };
    const a = validateRecord('tests', ctx, fields, 2);
    const b = validateRecord('tests', ctx, { ...fields, idNumber: ' 110105 19491231 002X', name: '王' }, 3);
    if (Array.isArray(a) || Array.isArray(b)) throw new Error('expected valid records');
    expect(a.recordKey).toMatch(/^sha256:/);
    expect(b.recordKey).toBe(a.recordKey);
    expect(a).toMatchObject({ idValid: true, documentNumber: '11010519491231002X', result: 'negative' });
    const keyed = validateRecord('tests', ctx, { ...fields, recordId: 'S-1' }, 4);
    expect(keyed).toMatchObject({ recordKey: 'id:S-1', contentHash: a.contentHash });
    expect(validateRecord('tests', ctx, { ...fields, idNumber: '36042619910102009X' }, 5)).toMatchObject({
      idValid: false,
    });
  });

  it('reports every problem of a record, each by field and code, and keeps none of it', () => {
    const ctx = { cipher: createFieldCipher(testConfig().keys), source: 'lab', now: latest };
    const problems = (value: unknown) =>
      Array.isArray(value) ? value.map((p: CellProblem) => [p.field, p.code]) : value;
    // A spreadsheet rounded the ID number, the result word is unknown and the time has no hour.
    expect(
      problems(
        validateRecord(
          'tests',
          ctx,
          {
            idNumber: '1.10105194912310E+17',
            sampledAt: '2026-11-01',
            result: '弱阳',
            institution: 'x'.repeat(201),
          },
          2,
        ),
      ),
    ).toEqual([
      ['idNumber', 'excelRounded'],
      ['sampledAt', 'timeMissing'],
      ['result', 'testResult'],
      ['institution', 'maxLength'],
    ]);
    expect(
      problems(
        validateRecord('vaccinations', ctx, { idNumber: '', vaccinatedAt: '昨天', dose: '加强针' }, 3),
      ),
    ).toEqual([
      ['idNumber', 'required'],
      ['vaccinatedAt', 'time'],
      ['dose', 'dose'],
    ]);
    expect(
      problems(
        validateRiskArea(
          ctx,
          {
            name: '某街道',
            regionCode: '3101',
            level: '极高',
            validFrom: '2026-11-05',
            validTo: '2026-11-01',
          },
          4,
        ),
      ),
    ).toEqual([
      ['regionCode', 'regionCode'],
      ['level', 'riskLevel'],
      ['validTo', 'periodInvalid'],
    ]);
  });
});
