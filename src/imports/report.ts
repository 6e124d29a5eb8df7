import type { Writable } from 'node:stream';
import ExcelJS from 'exceljs';
import type { Locale, Params } from '../i18n/locale.js';
import { problemMessage } from '../i18n/messages.js';
import { isProblemCode } from '../i18n/problem-codes.js';

export interface RowReject {
  /** Spreadsheet row number (header is row 1). */
  row: number;
  /** Field (or column title) at fault. */
  field: string;
  /** Stable code clients branch on: a field problem code (i18n/problem-codes.ts), e.g. 'checksum'. */
  code: string;
  /** Values the code's sentence names (a limit, the cell as written). */
  params?: Params;
  /** The sentence, made from code and params in the reader's language (English when stored). */
  message: string;
}

/** A problem with its row and column, as a reject of the report. */
export function rowReject(
  row: number,
  field: string,
  problem: { code: string; params?: Params | undefined; message: string },
): RowReject {
  return {
    row,
    field,
    code: problem.code,
    ...(problem.params ? { params: problem.params } : {}),
    message: problem.message,
  };
}

/** Rejects worded in a language: the sentence is remade from the stable code and its params. */
export function localizeRejects(locale: Locale, rejects: readonly RowReject[]): RowReject[] {
  return rejects.map((r) =>
    isProblemCode(r.code) ? { ...r, message: problemMessage(locale, r.code, r.params) } : r,
  );
}

export interface ImportReport {
  inserted: number;
  updated: number;
  unchanged: number;
  rejected: RowReject[];
}

export function emptyReport(): ImportReport {
  return { inserted: 0, updated: 0, unchanged: 0, rejected: [] };
}

export interface RejectCollectorOptions {
  /** Rejects kept in detail; a file with the wrong columns could reject every row. Default 10,000. */
  maxRejects?: number;
  /** Original rows kept to echo in the rejects file. Default 1,000. */
  maxOriginalRows?: number;
}

type Values = Readonly<Record<string, string>>;

/** Gathers row rejects during an import with bounded memory. */
export class RejectCollector {
  readonly rejects: RowReject[] = [];
  readonly originalRows = new Map<number, Values>();
  /** Every reject seen, including those not kept. */
  total = 0;
  /** Distinct rows rejected, assuming rows are validated in order. */
  rowsRejected = 0;
  private lastRow: number | undefined;
  private readonly maxRejects: number;
  private readonly maxOriginalRows: number;

  constructor(options: RejectCollectorOptions = {}) {
    this.maxRejects = options.maxRejects ?? 10_000;
    this.maxOriginalRows = options.maxOriginalRows ?? 1_000;
  }

  reject(
    row: number,
    field: string,
    problem: { code: string; params?: Params | undefined; message: string },
    original?: Values,
  ): void {
    this.add(rowReject(row, field, problem), original);
  }

  add(reject: RowReject, original?: Values): void {
    this.total++;
    if (reject.row !== this.lastRow) {
      this.rowsRejected++;
      this.lastRow = reject.row;
    }
    if (this.rejects.length < this.maxRejects) this.rejects.push(reject);
    if (
      original !== undefined &&
      !this.originalRows.has(reject.row) &&
      this.originalRows.size < this.maxOriginalRows
    ) {
      this.originalRows.set(reject.row, original);
    }
  }

  /** Whether some rejects were counted but not kept. */
  get truncated(): boolean {
    return this.total > this.rejects.length;
  }

  writeXlsx(output: string | Writable, originalHeaders?: readonly string[], locale?: Locale): Promise<void> {
    return writeRejectsXlsx(this.rejects, originalHeaders, this.originalRows, output, locale);
  }
}

/** The rejects sheet's own headers and name, per language. */
export const REJECT_HEADERS: Record<Locale, readonly [string, string, string, string]> = {
  'zh-CN': ['行号', '字段', '错误代码', '错误说明'],
  en: ['Row', 'Field', 'Code', 'Problem'],
};
const REJECT_SHEET: Record<Locale, string> = { 'zh-CN': '错误', en: 'Rejects' };

/**
 * Writes the rejects as an XLSX the clerk can fix and re-upload: one line per
 * reject, sorted by row, followed by the row's original values when known.
 * Values are written as text so ID numbers keep every digit.
 */
export async function writeRejectsXlsx(
  rejects: readonly RowReject[],
  originalHeaders: readonly string[] | undefined,
  originalRows: ReadonlyMap<number, Values> | undefined,
  output: string | Writable,
  locale: Locale = 'zh-CN',
): Promise<void> {
  const workbook = new ExcelJS.stream.xlsx.WorkbookWriter({
    ...(typeof output === 'string' ? { filename: output } : { stream: output }),
    useStyles: true,
    useSharedStrings: false,
  });
  const sheet = workbook.addWorksheet(REJECT_SHEET[locale], { views: [{ state: 'frozen', ySplit: 1 }] });
  const extra = originalHeaders ?? [];
  sheet.columns = [
    { width: 10 },
    { width: 16 },
    { width: 24 },
    { width: 48 },
    ...extra.map((h) => ({ width: Math.min(40, Math.max(12, h.length * 2 + 4)) })),
  ];
  const header = sheet.addRow([...REJECT_HEADERS[locale], ...extra]);
  header.font = { bold: true };
  header.commit();

  const sorted = localizeRejects(locale, rejects)
    .map((r, i) => ({ r, i }))
    .sort((a, b) => a.r.row - b.r.row || a.i - b.i);
  for (const { r } of sorted) {
    const original = originalRows?.get(r.row);
    const row = sheet.addRow([r.row, r.field, r.code, r.message, ...extra.map((h) => original?.[h] ?? '')]);
    row.commit();
  }
  sheet.commit();
  await workbook.commit();
}
