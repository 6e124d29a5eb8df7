import type { Params } from '../../i18n/locale.js';
import type { ProblemCode } from '../../i18n/problem-codes.js';

/**
 * Resident identity numbers (居民身份证号码) per GB 11643-1999:
 * 6-digit address code + YYYYMMDD birth date + 3-digit sequence (odd = male) + check character.
 */

export type IdProblemCode = 'ID_EMPTY' | 'ID_FORMAT' | 'ID_CHECKSUM' | 'ID_BIRTH_DATE' | 'ID_REGION';

export interface ResidentId {
  /** Normalised 18-character number (ASCII digits, upper-case X). */
  number: string;
  sex: 'male' | 'female';
  /** YYYY-MM-DD */
  birthDate: string;
  /** The 6-digit address code at the time of issue; may since have been abolished. */
  regionCode: string;
  /** First two digits of the address code. */
  provinceCode: string;
  upgradedFrom15: boolean;
}

/**
 * A number that is not valid: `code` is the API's stable error code, `problem` and `params` the
 * field problem a reader is told in their language (i18n/problems.*.ts), `message` English for logs.
 */
export type IdProblem = {
  ok: false;
  code: IdProblemCode;
  problem: ProblemCode;
  params?: Params;
  message: string;
};
export type ParseResidentIdResult = { ok: true; value: ResidentId } | IdProblem;

export interface ParseIdOptions {
  /** The current date; birth dates after it are rejected. Defaults to now. */
  today?: Date;
}

/**
 * Province-level codes of GB/T 2260, plus 71 (Taiwan) and 81/82/83 (Hong Kong, Macao, Taiwan)
 * used by residence permits for HK/Macao/Taiwan residents.
 */
// Grouped by region, as GB/T 2260 lists them.
// prettier-ignore
export const PROVINCE_CODES: ReadonlySet<string> = new Set([
  '11', '12', '13', '14', '15',
  '21', '22', '23',
  '31', '32', '33', '34', '35', '36', '37',
  '41', '42', '43', '44', '45', '46',
  '50', '51', '52', '53', '54',
  '61', '62', '63', '64', '65',
  '71', '81', '82', '83',
]);

const WEIGHTS = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2] as const;
const CHECK_CHARACTERS = '10X98765432';
const EARLIEST_BIRTH_YEAR = 1880;
// Birth dates are Beijing calendar days; compare in UTC+8 whatever the server's time zone.
const BEIJING_OFFSET_MS = 8 * 60 * 60 * 1000;

/**
 * Spreadsheet and hand-typed input arrives with spaces, hyphens, full-width characters
 * (from Chinese IMEs) and lower-case x; fold them all to the canonical ASCII form.
 * Upper-cases everything, which is also what passport and permit numbers need.
 */
export function normaliseIdInput(s: string): string {
  return s
    .replace(/[\uFF10-\uFF19\uFF21-\uFF3A\uFF41-\uFF5A]/g, (c) =>
      String.fromCharCode(c.charCodeAt(0) - 0xfee0),
    )
    .replace(/[\s\u00A0\u3000\-\u2010-\u2015\uFF0D]/g, '')
    .toUpperCase();
}

/** The GB 11643 check character for the first 17 digits of an 18-character number. */
export function residentIdCheckCharacter(first17: string): string {
  if (!/^\d{17}$/.test(first17)) throw new Error('residentIdCheckCharacter expects exactly 17 ASCII digits');
  let sum = 0;
  for (let i = 0; i < 17; i++) sum += (first17.charCodeAt(i) - 48) * WEIGHTS[i]!;
  return CHECK_CHARACTERS[sum % 11]!;
}

/** True when an 18-character candidate (17 digits + digit or X) carries the right check character. */
export function hasValidCheckCharacter(number18: string): boolean {
  return /^\d{17}[\dX]$/.test(number18) && residentIdCheckCharacter(number18.slice(0, 17)) === number18[17];
}

/** The calendar date in Beijing as YYYY-MM-DD. */
function beijingDate(moment: Date): string {
  return new Date(moment.getTime() + BEIJING_OFFSET_MS).toISOString().slice(0, 10);
}

function isRealDate(year: number, month: number, day: number): boolean {
  if (month < 1 || month > 12 || day < 1) return false;
  // Day 0 of the next month is the last day of this month, leap years included.
  const daysInMonth = new Date(Date.UTC(year, month, 0)).getUTCDate();
  return day <= daysInMonth;
}

/** Checks the YYYYMMDD digits; returns the ISO date or a problem (code, params, English message). */
export function checkBirthDate(
  yyyymmdd: string,
  today: Date = new Date(),
): { date: string } | { problem: string; code: ProblemCode; params?: Params } {
  const year = Number(yyyymmdd.slice(0, 4));
  const month = Number(yyyymmdd.slice(4, 6));
  const day = Number(yyyymmdd.slice(6, 8));
  if (!/^\d{8}$/.test(yyyymmdd) || !isRealDate(year, month, day)) {
    return { code: 'birthDate', problem: 'birth date digits (positions 7-14) are not a real calendar date' };
  }
  // Personal data: the message names the problem, never the date itself.
  if (year < EARLIEST_BIRTH_YEAR)
    return {
      code: 'birthDateTooEarly',
      params: { year: EARLIEST_BIRTH_YEAR },
      problem: `birth year is before ${EARLIEST_BIRTH_YEAR}`,
    };
  const date = `${yyyymmdd.slice(0, 4)}-${yyyymmdd.slice(4, 6)}-${yyyymmdd.slice(6, 8)}`;
  if (date > beijingDate(today)) return { code: 'birthDateFuture', problem: 'birth date is in the future' };
  return { date };
}

const problem = (
  code: IdProblemCode,
  fieldProblem: ProblemCode,
  message: string,
  params?: Params,
): IdProblem => ({ ok: false, code, problem: fieldProblem, message, ...(params ? { params } : {}) });

/** Legacy 15-digit numbers (1984-1999) lack the century and the check character. */
function upgradeFrom15(number15: string): string {
  const first17 = `${number15.slice(0, 6)}19${number15.slice(6)}`;
  return first17 + residentIdCheckCharacter(first17);
}

/**
 * Parses and validates a resident identity number. Accepts legacy 15-digit numbers and
 * returns them upgraded to 18. Abolished address codes are accepted (people keep their
 * number for life), so only the province part of the address code is checked.
 */
export function parseResidentIdNumber(input: string, options: ParseIdOptions = {}): ParseResidentIdResult {
  const normalised = normaliseIdInput(input);
  if (normalised === '') return problem('ID_EMPTY', 'required', 'identity number is empty');

  let number: string;
  let upgradedFrom15 = false;
  if (/^\d{15}$/.test(normalised)) {
    number = upgradeFrom15(normalised);
    upgradedFrom15 = true;
  } else if (/^\d{17}[\dX]$/.test(normalised)) {
    number = normalised;
  } else if (normalised.length === 18 || normalised.length === 15) {
    return problem(
      'ID_FORMAT',
      'idFormat',
      normalised.length === 18
        ? 'expected 17 digits followed by a digit or X'
        : 'a 15-character number must be all digits',
    );
  } else {
    return problem(
      'ID_FORMAT',
      'idLength',
      `expected 18 characters (or 15 digits), got ${normalised.length}`,
      { length: normalised.length },
    );
  }

  const provinceCode = number.slice(0, 2);
  if (!PROVINCE_CODES.has(provinceCode)) {
    return problem(
      'ID_REGION',
      'region',
      `address code starts with ${provinceCode}, which is not a province code`,
      { province: provinceCode },
    );
  }

  const birth = checkBirthDate(number.slice(6, 14), options.today);
  if ('problem' in birth) return problem('ID_BIRTH_DATE', birth.code, birth.problem, birth.params);

  const expected = residentIdCheckCharacter(number.slice(0, 17));
  const actual = number[17]!;
  if (expected !== actual) {
    return problem('ID_CHECKSUM', 'checksum', `check character should be ${expected}, got ${actual}`, {
      expected,
      actual,
    });
  }

  const sequence = Number(number.slice(14, 17));
  return {
    ok: true,
    value: {
      number,
      sex: sequence % 2 === 1 ? 'male' : 'female',
      birthDate: birth.date,
      regionCode: number.slice(0, 6),
      provinceCode,
      upgradedFrom15,
    },
  };
}
