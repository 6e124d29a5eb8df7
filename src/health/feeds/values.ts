import { CellProblem } from '../../register-import/values.js';

export { CellProblem };

/** Times without a zone are Beijing wall time (UTC+8, no daylight saving). */
const BEIJING_OFFSET_MS = 8 * 3600_000;

// 2026-11-02 08:30[:15[.123]], 2026/11/2 8:30, 2026.11.02T08:30, 2026年11月2日 8:30, 2026年11月2日8时30分[15秒]
const DATE_TIME =
  /^(\d{4})[-/.年](\d{1,2})[-/.月](\d{1,2})日?(?:[T\s]*(\d{1,2})[:时](\d{1,2})(?:[:分](\d{1,2})(?:\.(\d{1,6}))?秒?)?分?)?$/;
// 20261102, 202611020830, 20261102083015
const COMPACT = /^(\d{4})(\d{2})(\d{2})(?:(\d{2})(\d{2})(\d{2})?)?$/;
const ZONE = /(Z|[+-]\d{2}:?\d{2})$/i;

export type DateOnly = 'reject' | 'start-of-day' | 'end-of-day';

export interface TimeOptions {
  /** What a date without a time means: rejected (a sampling time), or a whole day (a vaccination date, a risk period). */
  dateOnly: DateOnly;
  /** Latest acceptable moment (now, plus a little clock skew). */
  latest: Date;
}

/** Earliest moment any feed record may carry. */
const EARLIEST = Date.UTC(2019, 11, 1) - BEIJING_OFFSET_MS;

/**
 * A moment as clerks and machines write it: ISO 8601 with a zone, or Beijing wall time in the
 * usual Chinese spreadsheet forms. Returns the moment, or a problem for `field`. A date alone is
 * accepted only where a whole day is meant; a time is never made up.
 */
export function parseMoment(field: string, value: string, options: TimeOptions): Date | CellProblem {
  const text = value.normalize('NFKC').trim();
  if (text === '') return new CellProblem(field, 'required');
  let moment: number | undefined;
  let dateOnly = false;
  const zone = ZONE.exec(text);
  if (zone && /^\d{4}-\d{2}-\d{2}[T ]\d{2}:\d{2}/.test(text)) {
    const parsed = Date.parse(text.replace(' ', 'T'));
    if (!Number.isNaN(parsed)) moment = parsed;
  } else {
    const m = DATE_TIME.exec(text) ?? COMPACT.exec(text);
    if (m) {
      const [year, month, day] = [Number(m[1]), Number(m[2]), Number(m[3])];
      const hasTime = m[4] !== undefined;
      const [hour, minute, second] = [Number(m[4] ?? 0), Number(m[5] ?? 0), Number(m[6] ?? 0)];
      const millis = m[7] === undefined ? 0 : Math.round(Number(`0.${m[7]}`) * 1000);
      const validDay =
        month >= 1 && month <= 12 && day >= 1 && day <= new Date(Date.UTC(year, month, 0)).getUTCDate();
      if (validDay && hour <= 23 && minute <= 59 && second <= 59) {
        moment = Date.UTC(year, month - 1, day, hour, minute, second, millis) - BEIJING_OFFSET_MS;
        dateOnly = !hasTime;
      }
    }
  }
  if (moment === undefined) return new CellProblem(field, 'time');
  if (dateOnly) {
    if (options.dateOnly === 'reject') return new CellProblem(field, 'timeMissing');
    if (options.dateOnly === 'end-of-day') moment += 86_400_000;
  }
  if (moment < EARLIEST) return new CellProblem(field, 'timeTooEarly');
  if (moment > options.latest.getTime()) return new CellProblem(field, 'timeInFuture');
  return new Date(moment);
}

/** Folds a word for lookup: full-width to half-width, lower case, no spaces. */
function wordKey(value: string): string {
  return value.normalize('NFKC').toLowerCase().replace(/\s+/g, '');
}

/** A lookup from the words clerks and machines write to one stored code; unknown words give undefined. */
export function vocabulary<T extends string>(
  words: Readonly<Record<string, T>>,
): (value: string) => T | undefined {
  const map = new Map<string, T>(Object.entries(words).map(([word, code]) => [wordKey(word), code]));
  // The same few words repeat on every row: remember them as written (bounded, so junk cannot grow it).
  const seen = new Map<string, T | undefined>();
  return (value) => {
    if (seen.has(value)) return seen.get(value);
    const code = map.get(wordKey(value));
    if (seen.size < 1000) seen.set(value, code);
    return code;
  };
}

export const TEST_RESULTS = ['negative', 'positive', 'pending', 'invalid'] as const;
export type TestResult = (typeof TEST_RESULTS)[number];

export const testResultOf = vocabulary<TestResult>({
  negative: 'negative',
  neg: 'negative',
  阴性: 'negative',
  阴: 'negative',
  '阴性(-)': 'negative',
  '-': 'negative',
  positive: 'positive',
  pos: 'positive',
  阳性: 'positive',
  阳: 'positive',
  '阳性(+)': 'positive',
  '+': 'positive',
  pending: 'pending',
  待出: 'pending',
  待出结果: 'pending',
  待检: 'pending',
  检测中: 'pending',
  invalid: 'invalid',
  无效: 'invalid',
  无效样本: 'invalid',
});

export const RISK_LEVELS = ['high', 'medium', 'low'] as const;
export type RiskLevel = (typeof RISK_LEVELS)[number];

export const riskLevelOf = vocabulary<RiskLevel>({
  high: 'high',
  高: 'high',
  高风险: 'high',
  高风险地区: 'high',
  高风险区: 'high',
  medium: 'medium',
  中: 'medium',
  中风险: 'medium',
  中风险地区: 'medium',
  中风险区: 'medium',
  low: 'low',
  低: 'low',
  低风险: 'low',
  低风险地区: 'low',
  低风险区: 'low',
});

const CHINESE_DIGITS: Readonly<Record<string, number>> = {
  一: 1,
  二: 2,
  两: 2,
  三: 3,
  四: 4,
  五: 5,
  六: 6,
  七: 7,
  八: 8,
  九: 9,
};

/** A dose number: 2, "2", "2.0", 第2剂, 第二针. 加强针 names no number, so it is rejected. */
export function parseDose(field: string, value: string): number | CellProblem {
  const text = value.normalize('NFKC').trim();
  const m = /^(?:第)?(\d{1,2}|[一二两三四五六七八九])(?:\.0+)?(?:剂|针|剂次)?$/.exec(text);
  const n = m ? (CHINESE_DIGITS[m[1]!] ?? Number(m[1])) : NaN;
  if (!Number.isInteger(n) || n < 1 || n > 9) return new CellProblem(field, 'dose');
  return n;
}

/** A body temperature in °C, 35.0–43.0; "36.5", "36.5℃", "36.5°C". */
export function parseTemperature(field: string, value: string): number | CellProblem {
  const text = value
    .normalize('NFKC')
    .trim()
    .replace(/\s*°?c$/i, '');
  const n = /^\d{2}(?:\.\d{1,2})?$/.test(text) ? Number(text) : NaN;
  if (!(n >= 35 && n <= 43)) return new CellProblem(field, 'temperature');
  return Math.round(n * 10) / 10;
}

/** Optional free text within `max` characters: undefined when absent or empty. */
export function optionalText(
  field: string,
  value: string | undefined,
  max: number,
): string | undefined | CellProblem {
  const text = value?.trim();
  if (!text) return undefined;
  if (text.length > max) return new CellProblem(field, 'maxLength', { max });
  return text;
}
