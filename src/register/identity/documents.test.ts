import { describe, expect, it } from 'vitest';
import {
  DOCUMENT_TYPE_LABELS,
  DOCUMENT_TYPE_SYNONYMS,
  DOCUMENT_TYPES,
  documentTypeFromLabel,
  parseDocument,
  type DocumentType,
} from './documents.js';

const today = new Date('2026-06-01T00:00:00Z');

function numberOf(type: DocumentType, input: string): string {
  const result = parseDocument(type, input, { today });
  if (!result.ok) throw new Error(`${type} ${input}: ${result.code} ${result.message}`);
  return result.value.number;
}

function codeOf(type: DocumentType, input: string): string | null {
  const result = parseDocument(type, input, { today });
  return result.ok ? null : result.code;
}

describe('parseDocument', () => {
  it('resident_id: returns the decoded fields and maps problems to DOC_* codes', () => {
    expect(parseDocument('resident_id', '110105 19491231 002x', { today })).toEqual({
      ok: true,
      value: {
        type: 'resident_id',
        number: '11010519491231002X',
        sex: 'female',
        birthDate: '1949-12-31',
        regionCode: '110105',
      },
    });
    expect(numberOf('resident_id', '110105491231002')).toBe('11010519491231002X');
    expect(codeOf('resident_id', '36042619910102009X')).toBe('DOC_CHECKSUM');
    expect(codeOf('resident_id', '110105200102290010')).toBe('DOC_BIRTH_DATE');
    expect(codeOf('resident_id', '990105199001010014')).toBe('DOC_REGION');
    expect(codeOf('resident_id', '12345')).toBe('DOC_FORMAT');
    expect(codeOf('resident_id', '  ')).toBe('DOC_EMPTY');
  });

  it('passport: 5 to 17 letters or digits, upper-cased', () => {
    expect(numberOf('passport', 'e1234 5678')).toBe('E12345678');
    expect(numberOf('passport', 'ＡＢ１２３')).toBe('AB123');
    expect(codeOf('passport', 'AB12')).toBe('DOC_FORMAT');
    expect(codeOf('passport', 'A'.repeat(18))).toBe('DOC_FORMAT');
    expect(codeOf('passport', 'E1234/5678')).toBe('DOC_FORMAT');
  });

  it('hk_macao_permit: H or M followed by 8 or 10 digits', () => {
    expect(numberOf('hk_macao_permit', 'h12345678')).toBe('H12345678');
    expect(numberOf('hk_macao_permit', 'M1234567890')).toBe('M1234567890');
    expect(codeOf('hk_macao_permit', 'H123456789')).toBe('DOC_FORMAT');
    expect(codeOf('hk_macao_permit', 'K12345678')).toBe('DOC_FORMAT');
  });

  it('taiwan_permit: 8 digits, or 10 letters/digits on older permits', () => {
    expect(numberOf('taiwan_permit', '12345678')).toBe('12345678');
    expect(numberOf('taiwan_permit', '0123456789')).toBe('0123456789');
    expect(numberOf('taiwan_permit', '012345678b')).toBe('012345678B');
    expect(codeOf('taiwan_permit', '1234567')).toBe('DOC_FORMAT');
    expect(codeOf('taiwan_permit', '1234567A')).toBe('DOC_FORMAT');
  });

  it('foreign_permanent_resident: old 3 letters + 12 digits, or new 18 characters starting with 9', () => {
    expect(numberOf('foreign_permanent_resident', 'usa110090010101')).toBe('USA110090010101');
    expect(numberOf('foreign_permanent_resident', '911000199001010013')).toBe('911000199001010013');
    expect(codeOf('foreign_permanent_resident', '911000199001010014')).toBe('DOC_CHECKSUM');
    expect(codeOf('foreign_permanent_resident', '11010519491231002X')).toBe('DOC_FORMAT');
    expect(codeOf('foreign_permanent_resident', 'US1100900101011')).toBe('DOC_FORMAT');
  });

  it('hmt_residence_permit: 810000/820000/830000 + GB 11643 check character, fields decoded', () => {
    const result = parseDocument('hmt_residence_permit', '820000198506150030', { today });
    expect(result).toEqual({
      ok: true,
      value: {
        type: 'hmt_residence_permit',
        number: '820000198506150030',
        sex: 'male',
        birthDate: '1985-06-15',
        regionCode: '820000',
      },
    });
    expect(numberOf('hmt_residence_permit', '810000199001010027')).toBe('810000199001010027');
    expect(numberOf('hmt_residence_permit', '830000197001010048')).toBe('830000197001010048');
    expect(codeOf('hmt_residence_permit', '810000199001010028')).toBe('DOC_CHECKSUM');
    expect(codeOf('hmt_residence_permit', '11010519491231002X')).toBe('DOC_FORMAT');
    expect(codeOf('hmt_residence_permit', '810000')).toBe('DOC_FORMAT');
  });

  it('reports empty input for every type', () => {
    for (const type of DOCUMENT_TYPES) expect(codeOf(type, ' - ')).toBe('DOC_EMPTY');
  });
});

describe('documentTypeFromLabel', () => {
  it('recognises the official Chinese label of every type', () => {
    for (const type of DOCUMENT_TYPES) expect(documentTypeFromLabel(DOCUMENT_TYPE_LABELS[type])).toBe(type);
  });

  it('recognises common synonyms and English labels, ignoring case, spacing and full width', () => {
    expect(documentTypeFromLabel('身份证')).toBe('resident_id');
    expect(documentTypeFromLabel(' 二代身份证 ')).toBe('resident_id');
    expect(documentTypeFromLabel('ID Card')).toBe('resident_id');
    expect(documentTypeFromLabel('ＩＤ　ｃａｒｄ')).toBe('resident_id');
    expect(documentTypeFromLabel('PASSPORT')).toBe('passport');
    expect(documentTypeFromLabel('回乡证')).toBe('hk_macao_permit');
    expect(documentTypeFromLabel('Home-Return Permit')).toBe('hk_macao_permit');
    expect(documentTypeFromLabel('台胞证')).toBe('taiwan_permit');
    expect(documentTypeFromLabel('绿卡')).toBe('foreign_permanent_resident');
    expect(documentTypeFromLabel('港澳台居民居住证')).toBe('hmt_residence_permit');
    expect(documentTypeFromLabel('hmt_residence_permit')).toBe('hmt_residence_permit');
  });

  it('returns null for unknown or ambiguous labels', () => {
    expect(documentTypeFromLabel('')).toBeNull();
    expect(documentTypeFromLabel('驾驶证')).toBeNull();
    expect(documentTypeFromLabel('港澳通行证')).toBeNull();
    expect(documentTypeFromLabel('居住证')).toBeNull();
  });

  it('maps no synonym to two types', () => {
    for (const type of DOCUMENT_TYPES) {
      for (const label of DOCUMENT_TYPE_SYNONYMS[type]) expect(documentTypeFromLabel(label)).toBe(type);
    }
  });
});
