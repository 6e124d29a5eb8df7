import type { Params } from '../../i18n/locale.js';
import type { ProblemCode } from '../../i18n/problem-codes.js';
import {
  hasValidCheckCharacter,
  normaliseIdInput,
  parseResidentIdNumber,
  residentIdCheckCharacter,
  type IdProblemCode,
  type ParseIdOptions,
} from './identity-number.js';
import { DOCUMENT_TYPES, type DocumentType } from '../../core/vocabulary.js';

// The document types live in the shared vocabulary (the web offers the same list).
export { DOCUMENT_TYPES, type DocumentType };

/** Official Chinese names, as printed on the documents and in government templates. */
export const DOCUMENT_TYPE_LABELS: Readonly<Record<DocumentType, string>> = {
  resident_id: '居民身份证',
  passport: '护照',
  hk_macao_permit: '港澳居民来往内地通行证',
  taiwan_permit: '台湾居民来往大陆通行证',
  foreign_permanent_resident: '外国人永久居留身份证',
  hmt_residence_permit: '港澳台居民居住证',
};

export type DocumentProblemCode =
  'DOC_EMPTY' | 'DOC_FORMAT' | 'DOC_CHECKSUM' | 'DOC_BIRTH_DATE' | 'DOC_REGION';

export interface IdentityDocument {
  type: DocumentType;
  /** Normalised number: ASCII, upper-case, no spaces or hyphens. */
  number: string;
  /** Only for documents whose number encodes them (resident ID, HMT residence permit). */
  sex?: 'male' | 'female';
  birthDate?: string;
  regionCode?: string;
}

/** Like IdProblem: the API's stable code, the field problem (code + params) and English for logs. */
export type DocumentProblem = {
  ok: false;
  code: DocumentProblemCode;
  problem: ProblemCode;
  params?: Params;
  message: string;
};
export type ParseDocumentResult = { ok: true; value: IdentityDocument } | DocumentProblem;

const ID_TO_DOCUMENT_CODE: Readonly<Record<IdProblemCode, DocumentProblemCode>> = {
  ID_EMPTY: 'DOC_EMPTY',
  ID_FORMAT: 'DOC_FORMAT',
  ID_CHECKSUM: 'DOC_CHECKSUM',
  ID_BIRTH_DATE: 'DOC_BIRTH_DATE',
  ID_REGION: 'DOC_REGION',
};

const HMT_PERMIT_PREFIXES = ['810000', '820000', '830000'];

const problem = (
  code: DocumentProblemCode,
  fieldProblem: ProblemCode,
  message: string,
  params?: Params,
): DocumentProblem => ({ ok: false, code, problem: fieldProblem, message, ...(params ? { params } : {}) });

function fromResidentId(type: DocumentType, input: string, options: ParseIdOptions): ParseDocumentResult {
  const parsed = parseResidentIdNumber(input, options);
  if (!parsed.ok)
    return problem(ID_TO_DOCUMENT_CODE[parsed.code], parsed.problem, parsed.message, parsed.params);
  const { number, sex, birthDate, regionCode } = parsed.value;
  return { ok: true, value: { type, number, sex, birthDate, regionCode } };
}

function checkCharacterProblem(number: string): DocumentProblem | null {
  if (hasValidCheckCharacter(number)) return null;
  const expected = residentIdCheckCharacter(number.slice(0, 17));
  const actual = number[17]!;
  return problem('DOC_CHECKSUM', 'checksum', `check character should be ${expected}, got ${actual}`, {
    expected,
    actual,
  });
}

/** Validates a number whose only rule is its shape; `pattern` is tested on the normalised number. */
function byPattern(
  type: DocumentType,
  number: string,
  pattern: RegExp,
  fieldProblem: ProblemCode,
  expected: string,
): ParseDocumentResult {
  if (!pattern.test(number)) return problem('DOC_FORMAT', fieldProblem, `expected ${expected}`);
  return { ok: true, value: { type, number } };
}

/**
 * Parses and validates a document number of the given type. Problems carry stable
 * `DOC_*` codes; messages name the rule broken without echoing the number.
 */
export function parseDocument(
  type: DocumentType,
  input: string,
  options: ParseIdOptions = {},
): ParseDocumentResult {
  const number = normaliseIdInput(input);
  if (number === '') return problem('DOC_EMPTY', 'required', 'document number is empty');

  switch (type) {
    case 'resident_id':
      return fromResidentId(type, number, options);

    case 'passport':
      // Issuing countries differ too much for more than a length and alphabet check.
      return byPattern(type, number, /^[A-Z0-9]{5,17}$/, 'passportFormat', '5 to 17 letters or digits');

    case 'hk_macao_permit':
      return byPattern(
        type,
        number,
        /^[HM](\d{8}|\d{10})$/,
        'hkMacaoPermitFormat',
        'H or M followed by 8 or 10 digits',
      );

    case 'taiwan_permit':
      // Current cards have 8 digits; older booklets have 10 characters, some with letters.
      return byPattern(
        type,
        number,
        /^(\d{8}|[A-Z0-9]{10})$/,
        'taiwanPermitFormat',
        '8 digits (or 10 letters or digits on older permits)',
      );

    case 'foreign_permanent_resident': {
      // 2004 card: 3-letter nationality code + 12 digits.
      if (/^[A-Z]{3}\d{12}$/.test(number)) return { ok: true, value: { type, number } };
      // 2023 card: 18 characters starting with 9, GB 11643 check character.
      if (!/^9\d{16}[\dX]$/.test(number)) {
        return problem(
          'DOC_FORMAT',
          'foreignPermanentFormat',
          'expected 3 letters + 12 digits, or 18 characters starting with 9',
        );
      }
      return checkCharacterProblem(number) ?? { ok: true, value: { type, number } };
    }

    case 'hmt_residence_permit': {
      if (!/^\d{17}[\dX]$/.test(number) || !HMT_PERMIT_PREFIXES.some((prefix) => number.startsWith(prefix))) {
        return problem(
          'DOC_FORMAT',
          'hmtPermitFormat',
          'expected 18 characters starting with 810000, 820000 or 830000',
        );
      }
      // Same layout as a resident identity number, so birth date and sex come out too.
      return fromResidentId(type, number, options);
    }
  }
}

/** Folds a label for lookup: full-width to ASCII, lower case, no spaces or punctuation. */
function labelKey(label: string): string {
  return label
    .normalize('NFKC')
    .toLowerCase()
    .replace(/[\s_\-.,·()（）【】[\]"'“”‘’/]/g, '');
}

/**
 * Names people use for each document in spreadsheets. Deliberately absent because they are
 * ambiguous: 港澳通行证 (usually the mainlanders' permit to visit HK/Macao) and 居住证
 * (also the mainland residence permit, which has no number of its own).
 */
export const DOCUMENT_TYPE_SYNONYMS: Readonly<Record<DocumentType, readonly string[]>> = {
  resident_id: [
    '居民身份证',
    '身份证',
    '二代身份证',
    '第二代居民身份证',
    '中华人民共和国居民身份证',
    '身份证号',
    '身份证号码',
    '临时居民身份证',
    '临时身份证',
    'resident_id',
    'resident id',
    'resident identity card',
    'id card',
    'identity card',
    'id',
    'chinese id card',
    'prc id card',
  ],
  passport: ['护照', '中国护照', '外国护照', '普通护照', 'passport'],
  hk_macao_permit: [
    '港澳居民来往内地通行证',
    '港澳居民往来内地通行证',
    '回乡证',
    '港澳回乡证',
    '香港居民来往内地通行证',
    '澳门居民来往内地通行证',
    'hk_macao_permit',
    'home return permit',
    'mainland travel permit for hong kong and macao residents',
    'mainland travel permit for hong kong and macau residents',
  ],
  taiwan_permit: [
    '台湾居民来往大陆通行证',
    '台湾居民往来大陆通行证',
    '台胞证',
    'taiwan_permit',
    'taiwan compatriot permit',
    'mainland travel permit for taiwan residents',
  ],
  foreign_permanent_resident: [
    '外国人永久居留身份证',
    '外国人永久居留证',
    '永久居留身份证',
    '永久居留证',
    '中国绿卡',
    '绿卡',
    'foreign_permanent_resident',
    'foreign permanent resident id card',
    'foreign permanent resident card',
    'foreign permanent resident',
    'permanent resident card',
    'permanent residence id card',
  ],
  hmt_residence_permit: [
    '港澳台居民居住证',
    '港澳居民居住证',
    '台湾居民居住证',
    'hmt_residence_permit',
    'hmt residence permit',
    'residence permit for hong kong macao and taiwan residents',
    'residence permit for hong kong macau and taiwan residents',
  ],
};

const TYPE_BY_LABEL: ReadonlyMap<string, DocumentType> = new Map(
  DOCUMENT_TYPES.flatMap((type) =>
    DOCUMENT_TYPE_SYNONYMS[type].map((label) => [labelKey(label), type] as const),
  ),
);

/**
 * Recognises a document-type cell from an import file, in Chinese or English, ignoring
 * case, spacing, punctuation and full-width characters. Returns null when unrecognised.
 */
export function documentTypeFromLabel(label: string): DocumentType | null {
  return TYPE_BY_LABEL.get(labelKey(label)) ?? null;
}

/** Documents whose number holds the birth date (and sex): a typed date must agree with it. */
export function numberCarriesBirthDate(type: DocumentType): boolean {
  return type === 'resident_id' || type === 'hmt_residence_permit';
}
