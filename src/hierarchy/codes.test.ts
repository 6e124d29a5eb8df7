import { describe, expect, it } from 'vitest';
import { codeProblem, nextChildCode, rebasedCode } from './codes.js';

describe('area codes', () => {
  const village = { level: 'village' as const, code: '310116103209' };

  it('accepts GB/T 2260 and statistical codes by level', () => {
    expect(codeProblem('city', '310000', null, 3)).toBeNull();
    expect(codeProblem('county', '310116', { level: 'city', code: '310000' }, 3)).toBeNull();
    expect(codeProblem('township', '310116103', { level: 'county', code: '310116' }, 3)).toBeNull();
    expect(codeProblem('village', '310116103209', { level: 'township', code: '310116103' }, 3)).toBeNull();
    expect(codeProblem('grid', '310116103209001', village, 3)).toBeNull();
    expect(codeProblem('grid', '31011610320901', village, 2)).toBeNull();
    expect(
      codeProblem('microgrid', '31011610320900101', { level: 'grid', code: '310116103209001' }, 3),
    ).toBeNull();
  });

  it('explains what is wrong', () => {
    expect(codeProblem('county', '420502', { level: 'city', code: '310000' }, 3)).toEqual({
      code: 'areaCodeProvince',
      params: { prefix: '31' },
    });
    expect(codeProblem('grid', '310116103210001', village, 3)).toEqual({
      code: 'areaCodePrefix',
      params: { parent: village.code },
    });
    expect(codeProblem('grid', '3101161032090001', village, 3)).toEqual({
      code: 'areaCodeSegment',
      params: { parent: village.code, width: 3 },
    });
    expect(codeProblem('grid', '310116103209000', village, 3)).toEqual({ code: 'areaCodeZero' });
    expect(codeProblem('city', '31000A', null, 3)).toEqual({ code: 'digitsOnly' });
  });

  it('does not fail on unusual ranges (special township codes 400+)', () => {
    expect(codeProblem('township', '310116401', { level: 'county', code: '310116' }, 3)).toBeNull();
  });

  it('takes the next free sequence and rebases codes on a move', () => {
    expect(nextChildCode('310116103209', 'grid', ['310116103209001', '310116103209003'], 3)).toBe(
      '310116103209002',
    );
    expect(nextChildCode('310116103209001', 'microgrid', [], 3)).toBe('31011610320900101');
    expect(rebasedCode('31011610320900101', '310116103209001', '310116103209004')).toBe('31011610320900401');
  });
});
