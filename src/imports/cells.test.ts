import { describe, expect, it } from 'vitest';
import { isSpreadsheetRounded } from './cells.js';
import { plainNumber } from './table-reader.js';

describe('isSpreadsheetRounded', () => {
  it('recognises a long code a spreadsheet stored as a number, as XLSX and CSV carry it', () => {
    expect(isSpreadsheetRounded(plainNumber(3.30108199001011e17))).toBe(true);
    expect(isSpreadsheetRounded(plainNumber(Number('3301080010010010001')))).toBe(true);
    // Excel's CSV export writes what the narrow General column shows.
    expect(isSpreadsheetRounded('3.30108E+17')).toBe(true);
    expect(isSpreadsheetRounded(' 3,30108E+17 ')).toBe(true);
    expect(isSpreadsheetRounded('３．３０１０８Ｅ＋１７')).toBe(true);
  });

  it('leaves codes typed as text alone, whatever their digits', () => {
    expect(isSpreadsheetRounded('330108199001011000')).toBe(false);
    expect(isSpreadsheetRounded('33010819900101123X')).toBe(false);
    expect(isSpreadsheetRounded('330108001001')).toBe(false);
    expect(isSpreadsheetRounded(plainNumber(330108001001))).toBe(false);
    expect(isSpreadsheetRounded('')).toBe(false);
    expect(isSpreadsheetRounded(undefined)).toBe(false);
  });
});
