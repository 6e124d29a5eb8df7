import type { Params } from '../i18n/locale.js';
import { problemMessage } from '../i18n/messages.js';
import type { ProblemCode } from '../i18n/problem-codes.js';
import { isSpreadsheetRounded } from '../imports/cells.js';
import {
  HOUSE_TENURES,
  HOUSE_TYPES,
  HOUSE_USES,
  PERSON_TAGS,
  RESIDENCE_TYPES,
  UNIT_CATEGORIES,
} from '../register/schema.js';

/**
 * A cell that cannot be stored: the field it belongs to, a stable problem code and the values its
 * sentence names. The sentence is made in the reader's language when the report is shown.
 */
export class CellProblem {
  constructor(
    readonly field: string,
    readonly code: ProblemCode,
    readonly params?: Params,
  ) {}

  /** English, for logs and developers. */
  get message(): string {
    return problemMessage('en', this.code, this.params);
  }
}

/** Every problem of one row, gathered so the clerk can fix the row in one go. */
export class RowProblems {
  readonly list: CellProblem[] = [];

  add(field: string, code: ProblemCode, params?: Params): undefined {
    this.list.push(new CellProblem(field, code, params));
    return undefined;
  }

  /** The value, or undefined once its problem is noted. */
  take<T>(value: T | CellProblem): T | undefined {
    if (value instanceof CellProblem) {
      this.list.push(value);
      return undefined;
    }
    return value;
  }

  get ok(): boolean {
    return this.list.length === 0;
  }
}

/**
 * A long code cell (ID number, area code) the spreadsheet stored as a number: refused under its
 * own code, which tells the clerk to format the column as text.
 */
export function roundedCell(field: string, value: string | undefined): CellProblem | undefined {
  return isSpreadsheetRounded(value)
    ? new CellProblem(field, 'excelRounded', { value: value?.trim() ?? '' })
    : undefined;
}

/** Folds a word for lookup: full-width to half-width, lower case, no spaces. */
function wordKey(value: string): string {
  return value.normalize('NFKC').toLowerCase().replace(/\s+/g, '');
}

/** A lookup from the words clerks write (and the stored codes themselves) to a stored code. */
function vocabulary<T extends string>(codes: readonly T[], words: Record<string, T>) {
  const map = new Map<string, T>();
  for (const code of codes) map.set(wordKey(code), code);
  for (const [word, code] of Object.entries(words)) map.set(wordKey(word), code);
  // The same few words repeat on every row: remember them as written (bounded, so junk cannot grow it).
  const seen = new Map<string, T | undefined>();
  return (value: string): T | undefined => {
    if (seen.has(value)) return seen.get(value);
    const code = map.get(wordKey(value));
    if (seen.size < 1000) seen.set(value, code);
    return code;
  };
}

export const residenceTypeOf = vocabulary(RESIDENCE_TYPES, {
  户籍: 'registered',
  户籍人口: 'registered',
  户籍人员: 'registered',
  常住: 'permanent',
  常住人口: 'permanent',
  常住人员: 'permanent',
  流动: 'floating',
  流动人口: 'floating',
  流动人员: 'floating',
  暂住: 'temporary',
  暂住人口: 'temporary',
  暂住人员: 'temporary',
});

export const sexOf = vocabulary(['male', 'female', 'unknown'] as const, {
  男: 'male',
  男性: 'male',
  m: 'male',
  女: 'female',
  女性: 'female',
  f: 'female',
  未知: 'unknown',
  未说明: 'unknown',
});

export const tagOf = vocabulary(PERSON_TAGS, {
  独居老人: 'elderly_alone',
  空巢老人: 'elderly_alone',
  独居: 'elderly_alone',
  老人: 'elderly',
  老年人: 'elderly',
  高龄老人: 'elderly',
  残疾: 'disabled',
  残疾人: 'disabled',
  残障: 'disabled',
  孕妇: 'pregnant',
  孕产妇: 'pregnant',
  卧床: 'bedridden',
  长期卧床: 'bedridden',
  卧床老人: 'bedridden',
  婴幼儿: 'infant',
  婴儿: 'infant',
  慢性病: 'chronic_disease',
  慢病: 'chronic_disease',
  慢性病患者: 'chronic_disease',
  低保: 'low_income',
  低保户: 'low_income',
  低收入: 'low_income',
  退役军人: 'veteran',
  重点青少年: 'key_youth',
});

/** Labels the template explains, per tag. */
export const TAG_LABELS: Record<(typeof PERSON_TAGS)[number], string> = {
  elderly_alone: '独居老人',
  elderly: '老年人',
  disabled: '残疾',
  pregnant: '孕妇',
  bedridden: '卧床',
  infant: '婴幼儿',
  chronic_disease: '慢性病',
  low_income: '低保',
  veteran: '退役军人',
  key_youth: '重点青少年',
};

export const houseUseOf = vocabulary(HOUSE_USES, {
  住宅: 'residential',
  居住: 'residential',
  自住: 'residential',
  商业: 'commercial',
  商铺: 'commercial',
  经营: 'commercial',
  商用: 'commercial',
  商住: 'mixed',
  商住两用: 'mixed',
  混合: 'mixed',
  工业: 'industrial',
  厂房: 'industrial',
  生产: 'industrial',
  公共: 'public',
  公建: 'public',
  公益: 'public',
  其他: 'other',
});

export const houseTenureOf = vocabulary(HOUSE_TENURES, {
  自有: 'owned',
  私有: 'owned',
  个人: 'owned',
  产权房: 'owned',
  出租: 'rented',
  租赁: 'rented',
  租住: 'rented',
  公房: 'public',
  公有: 'public',
  直管公房: 'public',
  集体: 'collective',
  集体产权: 'collective',
  其他: 'other',
});

export const houseTypeOf = vocabulary(HOUSE_TYPES, {
  平房: 'house',
  自建房: 'house',
  农房: 'house',
  民房: 'house',
  楼房: 'apartment',
  公寓: 'apartment',
  商品房: 'apartment',
  单元房: 'apartment',
  住宅楼: 'apartment',
  别墅: 'villa',
  宿舍: 'dormitory',
  集体宿舍: 'dormitory',
  商铺: 'shop',
  门面: 'shop',
  店面: 'shop',
  其他: 'other',
});

export const unitCategoryOf = vocabulary(UNIT_CATEGORIES, {
  企业: 'enterprise',
  公司: 'enterprise',
  工厂: 'enterprise',
  商铺: 'shop',
  门店: 'shop',
  店铺: 'shop',
  个体工商户: 'shop',
  沿街商铺: 'shop',
  学校: 'school',
  幼儿园: 'school',
  培训机构: 'school',
  工地: 'site',
  建筑工地: 'site',
  酒店: 'hotel',
  宾馆: 'hotel',
  旅馆: 'hotel',
  民宿: 'hotel',
  机关: 'office',
  事业单位: 'office',
  办公: 'office',
  写字楼: 'office',
  其他: 'other',
});

const DATE_PATTERNS = [
  /^(\d{4})-(\d{1,2})-(\d{1,2})(?:[T ]\d{1,2}:\d{2}(?::\d{2})?)?$/,
  /^(\d{4})\/(\d{1,2})\/(\d{1,2})$/,
  /^(\d{4})\.(\d{1,2})\.(\d{1,2})$/,
  /^(\d{4})年(\d{1,2})月(\d{1,2})日?$/,
  /^(\d{4})(\d{2})(\d{2})$/,
];

/** A calendar date as the clerk wrote it (2020-03-01, 2020/3/1, 2020年3月1日, 20200301) → YYYY-MM-DD, or null. */
export function parseDate(value: string): string | null {
  const text = value.normalize('NFKC').trim();
  for (const pattern of DATE_PATTERNS) {
    const m = pattern.exec(text);
    if (!m) continue;
    const [year, month, day] = [Number(m[1]), Number(m[2]), Number(m[3])];
    if (year < 1880 || year > 2200 || month < 1 || month > 12 || day < 1) return null;
    if (day > new Date(Date.UTC(year, month, 0)).getUTCDate()) return null;
    return `${m[1]}-${String(month).padStart(2, '0')}-${String(day).padStart(2, '0')}`;
  }
  return null;
}

/** Trimmed text within `max` characters; '' stays '' (the caller decides what empty means). */
export function text(field: string, value: string, max: number): string | CellProblem {
  const trimmed = value.trim();
  if (trimmed.length > max) return new CellProblem(field, 'maxLength', { max });
  return trimmed;
}

/** A number within [min, max], or the problem naming the broken bound. */
function inRange(field: string, n: number, min: number, max: number): number | CellProblem {
  if (n < min) return new CellProblem(field, 'minimum', { limit: min });
  if (n > max) return new CellProblem(field, 'maximum', { limit: max });
  return n;
}

/** A whole number in [min, max]; accepts "12" and "12.0" as Excel writes them. */
export function integer(field: string, value: string, min: number, max: number): number | CellProblem {
  const n = Number(value.trim());
  if (value.trim() === '' || !Number.isInteger(n)) return new CellProblem(field, 'integer');
  return inRange(field, n, min, max);
}

export function decimal(field: string, value: string, min: number, max: number): number | CellProblem {
  const n = Number(value.trim());
  if (value.trim() === '' || !Number.isFinite(n)) return new CellProblem(field, 'number');
  const checked = inRange(field, n, min, max);
  return checked instanceof CellProblem ? checked : Math.round(n * 100) / 100;
}

/** Splits a tag cell (独居老人，残疾 / 独居老人、残疾 / elderly;disabled) into stored tag codes. */
export function parseTags(field: string, value: string): Array<(typeof PERSON_TAGS)[number]> | CellProblem {
  const tags = new Set<(typeof PERSON_TAGS)[number]>();
  for (const word of value.split(/[,，、;；/|\s]+/)) {
    if (word === '') continue;
    const tag = tagOf(word);
    if (!tag)
      return new CellProblem(field, 'tag', {
        value: word.slice(0, 20),
        allowed: Object.values(TAG_LABELS).join('、'),
      });
    tags.add(tag);
  }
  // Stored in the canonical order, so the same set always compares equal.
  return PERSON_TAGS.filter((t) => tags.has(t));
}
