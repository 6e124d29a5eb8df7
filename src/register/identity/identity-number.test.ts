import { describe, expect, it } from 'vitest';
import {
  hasValidCheckCharacter,
  normaliseIdInput,
  parseResidentIdNumber,
  residentIdCheckCharacter,
} from './identity-number.js';

const today = new Date('2026-06-01T00:00:00Z');

function expectProblem(input: string, code: string, when: Date = today): string {
  const result = parseResidentIdNumber(input, { today: when });
  if (result.ok) throw new Error(`expected ${code} for ${input}`);
  expect(result.code).toBe(code);
  return result.message;
}

describe('residentIdCheckCharacter', () => {
  it('computes the GB 11643 check character, including X and 0', () => {
    expect(residentIdCheckCharacter('11010519491231002')).toBe('X');
    expect(residentIdCheckCharacter('44052418800101001')).toBe('4');
    expect(residentIdCheckCharacter('36042619910102009')).toBe('3');
    expect(residentIdCheckCharacter('11010520010229001')).toBe('0');
  });

  it('rejects anything but 17 ASCII digits', () => {
    expect(() => residentIdCheckCharacter('1101051949123100')).toThrow();
    expect(() => residentIdCheckCharacter('1101051949123100X')).toThrow();
  });

  it('hasValidCheckCharacter checks the whole 18 characters', () => {
    expect(hasValidCheckCharacter('11010519491231002X')).toBe(true);
    expect(hasValidCheckCharacter('110105194912310021')).toBe(false);
    expect(hasValidCheckCharacter('11010519491231002x')).toBe(false);
  });
});

describe('normaliseIdInput', () => {
  it('removes spaces and hyphens, folds full-width characters and upper-cases', () => {
    expect(normaliseIdInput('  110105 1949-1231 002x ')).toBe('11010519491231002X');
    expect(normaliseIdInput('１１０１０５１９４９１２３１００２Ｘ')).toBe('11010519491231002X');
    expect(normaliseIdInput('110105\u300019491231002ｘ')).toBe('11010519491231002X');
  });
});

describe('parseResidentIdNumber', () => {
  it('parses a valid number ending in X (female)', () => {
    expect(parseResidentIdNumber('11010519491231002X', { today })).toEqual({
      ok: true,
      value: {
        number: '11010519491231002X',
        sex: 'female',
        birthDate: '1949-12-31',
        regionCode: '110105',
        provinceCode: '11',
        upgradedFrom15: false,
      },
    });
  });

  it('parses a male born on the earliest accepted day, 1880-01-01', () => {
    const result = parseResidentIdNumber('440524188001010014', { today });
    expect(result.ok && result.value).toMatchObject({
      sex: 'male',
      birthDate: '1880-01-01',
      regionCode: '440524',
    });
  });

  it('rejects a wrong check character and names the expected one', () => {
    expect(expectProblem('36042619910102009X', 'ID_CHECKSUM')).toBe('check character should be 3, got X');
  });

  it('accepts a lower-case x and full-width digits', () => {
    const lower = parseResidentIdNumber('11010519491231002x', { today });
    expect(lower.ok && lower.value.number).toBe('11010519491231002X');
    const fullWidth = parseResidentIdNumber('４４０５２４１８８００１０１００１４', { today });
    expect(fullWidth.ok && fullWidth.value.number).toBe('440524188001010014');
  });

  it('upgrades a legacy 15-digit number to 18', () => {
    const result = parseResidentIdNumber('110105491231002', { today });
    expect(result.ok && result.value).toMatchObject({
      number: '11010519491231002X',
      birthDate: '1949-12-31',
      sex: 'female',
      upgradedFrom15: true,
    });
  });

  it('accepts 29 February only in leap years', () => {
    const leap = parseResidentIdNumber('110105200002290013', { today });
    expect(leap.ok && leap.value.birthDate).toBe('2000-02-29');
    // Valid check character, so only the date is wrong.
    expectProblem('110105200102290010', 'ID_BIRTH_DATE');
  });

  it('rejects dates that do not exist', () => {
    const first17 = '11010519990230001';
    expect(expectProblem(first17 + residentIdCheckCharacter(first17), 'ID_BIRTH_DATE')).toMatch(
      /calendar date/,
    );
    const month13 = '11010519991301001';
    expectProblem(month13 + residentIdCheckCharacter(month13), 'ID_BIRTH_DATE');
  });

  it('rejects birth dates in the future, judged by the Beijing calendar day', () => {
    expect(expectProblem('11010520300101001X', 'ID_BIRTH_DATE')).toBe('birth date is in the future');
    const born = '11010520260601001';
    const number = born + residentIdCheckCharacter(born);
    // 2026-05-31T16:00Z is already 1 June in Beijing.
    expect(parseResidentIdNumber(number, { today: new Date('2026-05-31T16:00:00Z') }).ok).toBe(true);
    expectProblem(number, 'ID_BIRTH_DATE', new Date('2026-05-31T15:59:59Z'));
  });

  it('rejects birth years before 1880', () => {
    expectProblem('110105187912310016', 'ID_BIRTH_DATE');
  });

  it('rejects an unknown province code but accepts abolished county codes', () => {
    expect(expectProblem('990105199001010014', 'ID_REGION')).toMatch(/99/);
    // 310115 (Pudong) and made-up county digits under a real province are both fine.
    expect(parseResidentIdNumber('310115198711085012', { today }).ok).toBe(true);
    const oddCounty = '13999919900101001';
    expect(parseResidentIdNumber(oddCounty + residentIdCheckCharacter(oddCounty), { today }).ok).toBe(true);
  });

  it('reports empty and malformed input with stable codes', () => {
    expectProblem('   ', 'ID_EMPTY');
    expect(expectProblem('1101051949123100', 'ID_FORMAT')).toBe(
      'expected 18 characters (or 15 digits), got 16',
    );
    expectProblem('1101051949123100XX', 'ID_FORMAT');
    expectProblem('11010549123100X', 'ID_FORMAT');
    expectProblem('11010519491231002Y', 'ID_FORMAT');
  });

  it('never echoes the number in problem messages', () => {
    const inputs = ['36042619910102009X', '110105200102290010', '11010520300101001X', '1101051949123100'];
    for (const input of inputs) {
      const result = parseResidentIdNumber(input, { today });
      expect(result.ok).toBe(false);
      if (!result.ok) expect(result.message).not.toContain(input.slice(6, 14));
    }
  });

  it('defaults today to now', () => {
    expect(parseResidentIdNumber('11010519491231002X').ok).toBe(true);
  });
});
