import { createReadStream } from 'node:fs';
import { stat } from 'node:fs/promises';
import { basename, extname } from 'node:path';
import { Readable, pipeline } from 'node:stream';
import { CsvError, parse as parseCsv } from 'csv-parse';
import ExcelJS from 'exceljs';
import { decodeText, peekBytes, toBuffer, DEFAULT_SNIFF_BYTES, type TextEncodingName } from './encoding.js';
import { AppError } from '../core/errors.js';
import { ImportFileError } from './errors.js';
import { cellTooLong, DEFAULT_TABLE_LIMITS, guardXml, ImportLimitError, type TableLimits } from './limits.js';
import { openTableInWorker } from './table-thread.js';
import type {
  CsvDelimiter,
  OpenTableOptions,
  Table,
  TableFormat,
  TableRow,
  TableSource,
} from './table-types.js';
import { checkWorkbookZip } from './zip-check.js';

export { ImportFileError, type ImportFileProblem } from './errors.js';

/** Raw rows as the format readers produce them, before header mapping. */
interface RawRow {
  rowNumber: number;
  cells: string[];
}

interface RowSource {
  rows: AsyncGenerator<RawRow>;
  encoding?: TextEncodingName;
  delimiter?: CsvDelimiter;
  sheetName?: () => string | undefined;
}

/** One row bigger than this is a broken file (usually an unclosed quote), not data. */
const MAX_CSV_RECORD_CHARS = 1024 * 1024;
/** The header line is looked for within this much text. */
const MAX_HEADER_LINE_CHARS = 1024 * 1024;

const ZIP_MAGIC = [0x50, 0x4b, 0x03, 0x04] as const;
const EMPTY_ZIP_MAGIC = [0x50, 0x4b, 0x05, 0x06] as const;
const OLE_MAGIC = [0xd0, 0xcf, 0x11, 0xe0, 0xa1, 0xb1, 0x1a, 0xe1] as const;

function startsWith(bytes: Uint8Array, prefix: readonly number[]): boolean {
  return bytes.length >= prefix.length && prefix.every((b, i) => bytes[i] === b);
}

/** NULs or many control characters mean binary; text CSVs have neither (UTF-16 has a BOM). */
function looksBinary(head: Uint8Array): boolean {
  if (startsWith(head, [0xff, 0xfe]) || startsWith(head, [0xfe, 0xff])) return false;
  let control = 0;
  for (const b of head) {
    if (b === 0) return true;
    if (b < 0x20 && b !== 0x09 && b !== 0x0a && b !== 0x0d && b !== 0x0c && b !== 0x1a) control++;
  }
  return control > head.length * 0.01;
}

/** Many government systems export an HTML table (or SpreadsheetML) and name it .xls. */
function looksLikeMarkup(head: Uint8Array): boolean {
  const start = Buffer.from(head.subarray(0, 2048))
    .toString('latin1')
    .replace(/^\uFEFF|^\xEF\xBB\xBF/, '')
    .trimStart()
    .toLowerCase();
  if (!start.startsWith('<')) return false;
  return /<(!doctype html|html|table|\?xml|workbook)/.test(start);
}

/**
 * Decides the format from the content first (clerks rename files), the name second.
 * Throws ImportFileError for anything that is neither XLSX nor text.
 */
export function detectFormat(head: Uint8Array, fileName: string): TableFormat {
  if (startsWith(head, ZIP_MAGIC)) return 'xlsx';
  if (startsWith(head, OLE_MAGIC)) {
    throw new ImportFileError(
      'LEGACY_XLS',
      `"${fileName}" is an Excel 97-2003 (.xls) or password-protected workbook; open it in Excel and save it as .xlsx or CSV`,
    );
  }
  const ext = extname(fileName).toLowerCase();
  if (startsWith(head, EMPTY_ZIP_MAGIC) || ext === '.xlsx' || ext === '.xlsm' || looksBinary(head)) {
    throw new ImportFileError('NOT_TABULAR', `"${fileName}" is not an XLSX or CSV file`);
  }
  if (looksLikeMarkup(head)) {
    throw new ImportFileError(
      'HTML_DISGUISED',
      `"${fileName}" is not an XLSX or CSV file but a web page or XML export; open it in Excel and save it as .xlsx`,
    );
  }
  return 'csv';
}

// ---------------------------------------------------------------- CSV

/** Where the first line ends, ignoring newlines inside quotes; -1 if not within `text`. */
function firstLineEnd(text: string): number {
  let quoted = false;
  for (let i = 0; i < text.length; i++) {
    const ch = text[i];
    if (ch === '"') quoted = !quoted;
    else if (!quoted && (ch === '\n' || ch === '\r')) return i;
  }
  return -1;
}

/** The candidate seen most often outside quotes in the header line; ',' on a tie or none. */
export function detectDelimiter(headerLine: string): CsvDelimiter {
  const counts: Record<CsvDelimiter, number> = { ',': 0, ';': 0, '\t': 0 };
  let quoted = false;
  for (const ch of headerLine) {
    if (ch === '"') quoted = !quoted;
    else if (!quoted && (ch === ',' || ch === ';' || ch === '\t')) counts[ch]++;
  }
  let best: CsvDelimiter = ',';
  for (const candidate of ['\t', ';'] as const) if (counts[candidate] > counts[best]) best = candidate;
  return best;
}

/** `="0123"` is the usual trick to keep Excel from turning IDs into numbers. */
function csvCell(raw: string): string {
  const value = raw.trim();
  if (value.length >= 3 && value.startsWith('="') && value.endsWith('"'))
    return value.slice(2, -1).replaceAll('""', '"').trim();
  return value;
}

function csvFailure(error: unknown): unknown {
  if (!(error instanceof CsvError)) return error;
  const row = typeof error.records === 'number' ? error.records + 1 : undefined;
  const where = row === undefined ? '' : ` at row ${row}`;
  if (error.code === 'CSV_QUOTE_NOT_CLOSED' || error.code === 'CSV_MAX_RECORD_SIZE') {
    return new ImportFileError(
      'CSV_MALFORMED',
      `the CSV file is malformed${where}: a quoted field is never closed or a row is far too long`,
      row === undefined ? {} : { row },
    );
  }
  return new ImportFileError(
    'CSV_MALFORMED',
    `the CSV file is malformed${where}: ${error.message}`,
    row === undefined ? {} : { row },
  );
}

async function openCsv(bytes: AsyncIterable<Buffer>, options: OpenTableOptions): Promise<RowSource> {
  const { encoding, text } = await decodeText(
    bytes,
    options.encoding === undefined ? {} : { encoding: options.encoding },
  );
  const textIterator = text[Symbol.asyncIterator]() as AsyncIterator<string>;
  let prefix = '';
  try {
    while (firstLineEnd(prefix) < 0 && prefix.length < MAX_HEADER_LINE_CHARS) {
      const next = await textIterator.next();
      if (next.done) break;
      prefix += next.value;
    }
  } catch (error) {
    text.destroy();
    throw error;
  }
  const end = firstLineEnd(prefix);
  const delimiter = options.delimiter ?? detectDelimiter(end < 0 ? prefix : prefix.slice(0, end));

  async function* replay(): AsyncGenerator<string> {
    try {
      if (prefix.length > 0) yield prefix;
      prefix = '';
      for (;;) {
        const next = await textIterator.next();
        if (next.done) return;
        yield next.value;
      }
    } finally {
      await textIterator.return?.();
    }
  }
  const parser = parseCsv({
    delimiter,
    // Excel exports ragged rows and stray quotes inside unquoted fields (5号楼"A"座).
    relax_column_count: true,
    relax_quotes: true,
    // Empty lines are kept so row numbers match what the clerk sees.
    skip_empty_lines: false,
    record_delimiter: ['\r\n', '\n', '\r'],
    max_record_size: MAX_CSV_RECORD_CHARS,
  });
  // Errors from decoding reach the consumer through the parser, which pipeline destroys with them.
  pipeline(Readable.from(replay(), { objectMode: true }), parser, () => undefined);

  async function* rows(): AsyncGenerator<RawRow> {
    let rowNumber = 0;
    try {
      for await (const record of parser as AsyncIterable<unknown>) {
        rowNumber++;
        const cells = Array.isArray(record) ? record.map((cell) => csvCell(String(cell))) : [];
        yield { rowNumber, cells };
      }
    } catch (error) {
      throw csvFailure(error);
    } finally {
      parser.destroy();
    }
  }
  return { rows: rows(), encoding, delimiter };
}

// ---------------------------------------------------------------- XLSX

/** Fields of exceljs' streaming reader that its typings leave out. */
interface WorkbookReaderInternals {
  model?: { sheets?: Array<{ name?: string; state?: string }> };
  properties?: { model?: { date1904?: boolean } };
}
interface WorksheetReaderInternals {
  name?: string;
}
interface WorkbookReaderPrototype {
  _parseSharedStrings(this: unknown, entry: Readable): AsyncGenerator<unknown>;
  _parseWorkbook(this: unknown, entry: Readable): Promise<void>;
  _parseStyles(this: unknown, entry: Readable): Promise<void>;
  _parseWorksheet(this: unknown, iterator: AsyncIterable<unknown>, sheetNo: string): Generator<unknown>;
}

const baseReader = ExcelJS.stream.xlsx.WorkbookReader.prototype as unknown as WorkbookReaderPrototype;
for (const method of ['_parseSharedStrings', '_parseWorkbook', '_parseStyles', '_parseWorksheet'] as const) {
  if (typeof baseReader[method] !== 'function') {
    throw new Error(`exceljs no longer has WorkbookReader.${method}; revisit Utf8SafeWorkbookReader`);
  }
}

/** Decodes UTF-8 across chunk boundaries, which exceljs' own per-chunk decoding does not. */
async function* utf8Text(chunks: AsyncIterable<unknown>): AsyncGenerator<string> {
  const decoder = new TextDecoder('utf-8');
  for await (const chunk of chunks) {
    const text = typeof chunk === 'string' ? chunk : decoder.decode(toBuffer(chunk), { stream: true });
    if (text.length > 0) yield text;
  }
  const tail = decoder.decode();
  if (tail.length > 0) yield tail;
}

/**
 * exceljs 4.4's streaming reader decodes each 16 KiB zip chunk on its own, so a
 * Chinese character cut by a chunk boundary becomes U+FFFD (exceljs issues
 * #2063, #2084, #2316; fix PR #1665 unmerged). Its XML parser passes strings
 * through untouched, so handing it already-decoded text avoids the bug.
 */
class Utf8SafeWorkbookReader extends ExcelJS.stream.xlsx.WorkbookReader {
  /** The raw source of the worksheet last emitted, to release it when skipped. */
  lastSheetSource: unknown;
  /** Set right after construction (exceljs' constructor calls no parser). */
  limits: TableLimits = DEFAULT_TABLE_LIMITS;

  /** Every XML part is read through the size and text-run guard (see guardXml). */
  private guarded(entry: AsyncIterable<unknown>, maxBytes: number, part: string): AsyncGenerator<string> {
    const limits = this.limits;
    return utf8Text(
      guardXml(entry, limits, maxBytes, () =>
        maxBytes === limits.maxSharedStringsBytes
          ? new ImportLimitError(
              'sharedStrings',
              maxBytes,
              `the text of the workbook unpacks to more than ${Math.round(maxBytes / 1024 / 1024)} MiB; split the file`,
            )
          : new ImportLimitError(
              'entrySize',
              maxBytes,
              `the workbook's ${part} unpacks to more than ${Math.round(maxBytes / 1024 / 1024)} MiB`,
            ),
      ),
    );
  }

  async *_parseSharedStrings(entry: Readable): AsyncGenerator<unknown> {
    const text = Readable.from(this.guarded(entry, this.limits.maxSharedStringsBytes, 'text'));
    yield* baseReader._parseSharedStrings.call(this, text);
  }

  async _parseWorkbook(entry: Readable): Promise<void> {
    await baseReader._parseWorkbook.call(
      this,
      Readable.from(this.guarded(entry, this.limits.maxEntryBytes, 'sheet list')),
    );
  }

  async _parseStyles(entry: Readable): Promise<void> {
    await baseReader._parseStyles.call(
      this,
      Readable.from(this.guarded(entry, this.limits.maxEntryBytes, 'styles')),
    );
  }

  *_parseWorksheet(iterator: AsyncIterable<unknown>, sheetNo: string): Generator<unknown> {
    this.lastSheetSource = iterator;
    yield* baseReader._parseWorksheet.call(
      this,
      this.guarded(iterator, this.limits.maxEntryBytes, 'worksheet'),
      sheetNo,
    );
  }
}

/** Same rule as Excel/exceljs: a number format with date/time tokens outside quotes and brackets. */
export function isDateFormat(numFmt: string | undefined): boolean {
  if (!numFmt) return false;
  const bare = numFmt
    .replace(/\[[^\]]*]/g, '')
    .replace(/"[^"]*"/g, '')
    .replace(/\\./g, '');
  return /[ymdhsb]/i.test(bare) && !/^general$/i.test(bare.trim());
}

function excelSerialToDate(serial: number, date1904: boolean): Date {
  return new Date(Math.round((serial - 25569 + (date1904 ? 1462 : 0)) * 86_400_000));
}

const pad = (n: number, width = 2) => String(n).padStart(width, '0');

/**
 * Spreadsheet dates carry no zone: exceljs hands them over as UTC wall time.
 * Date only → YYYY-MM-DD; with a time → YYYY-MM-DDTHH:mm:ss; time only → HH:mm:ss.
 */
export function formatCellDate(date: Date): string {
  if (Number.isNaN(date.getTime())) return '';
  // Excel's floating-point times are off by milliseconds; round to the second.
  const d = new Date(Math.round(date.getTime() / 1000) * 1000);
  const day = `${pad(d.getUTCFullYear(), 4)}-${pad(d.getUTCMonth() + 1)}-${pad(d.getUTCDate())}`;
  const time = `${pad(d.getUTCHours())}:${pad(d.getUTCMinutes())}:${pad(d.getUTCSeconds())}`;
  if (day === '1899-12-30') return time;
  return time === '00:00:00' ? day : `${day}T${time}`;
}

/**
 * A number as plain decimal digits. Fractions are rounded to Excel's 15 significant digits to
 * drop float noise such as 0.30000000000000004. An integer beyond 2^53 cannot be a count or an
 * amount: it is a long code (an 18-digit ID, a 19-digit area code) the spreadsheet stored as a
 * number and rounded. It is written as Excel shows it, `3.30108199001011E+17`, so validators
 * recognise the rounding (imports/cells.ts) instead of checking made-up trailing digits.
 */
export function plainNumber(n: number): string {
  if (Number.isNaN(n)) return '#NUM!';
  if (!Number.isFinite(n)) return n > 0 ? '#NUM!' : '-#NUM!';
  if (Math.abs(n) > Number.MAX_SAFE_INTEGER) return n.toExponential().toUpperCase();
  const value = Number.isInteger(n) ? n : Number(n.toPrecision(15));
  const text = String(value);
  const m = /^(-?)(\d+)(?:\.(\d+))?e([+-]\d+)$/.exec(text);
  if (!m) return text;
  const [, sign = '', whole = '', fraction = '', exponent = '0'] = m;
  const digits = whole + fraction;
  const point = whole.length + Number(exponent);
  if (point <= 0) return `${sign}0.${'0'.repeat(-point)}${digits}`;
  if (point >= digits.length) return sign + digits + '0'.repeat(point - digits.length);
  return `${sign}${digits.slice(0, point)}.${digits.slice(point)}`;
}

/** OOXML escapes control characters in strings as _xHHHH_. */
function unescapeOoxml(text: string): string {
  return text.includes('_x')
    ? text.replace(/_x([0-9A-Fa-f]{4})_/g, (_, hex: string) => String.fromCharCode(parseInt(hex, 16)))
    : text;
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null;
}

/** Turns whatever exceljs put in a cell into the text the clerk sees (roughly). */
export function cellToText(value: unknown, numFmt: string | undefined, date1904 = false): string {
  if (value === null || value === undefined) return '';
  if (typeof value === 'string') return unescapeOoxml(value);
  if (typeof value === 'number')
    return isDateFormat(numFmt) ? formatCellDate(excelSerialToDate(value, date1904)) : plainNumber(value);
  if (typeof value === 'boolean') return value ? 'TRUE' : 'FALSE';
  if (value instanceof Date) return formatCellDate(value);
  if (!isRecord(value)) return '';
  if (Array.isArray(value.richText)) {
    return unescapeOoxml(
      value.richText
        .map((run: unknown) => (isRecord(run) && typeof run.text === 'string' ? run.text : ''))
        .join(''),
    );
  }
  // Formulas (including shared-formula children, whose formula text is empty): use the cached result.
  if ('formula' in value || 'sharedFormula' in value || 'result' in value) {
    const result = value.result;
    if (typeof result === 'number' && Number.isNaN(result)) return '#VALUE!';
    return cellToText(result, numFmt, date1904);
  }
  if ('text' in value) return cellToText(value.text, undefined, date1904);
  if (typeof value.error === 'string') return value.error;
  return '';
}

function columnLetters(index: number): string {
  let n = index + 1;
  let letters = '';
  while (n > 0) {
    const rem = (n - 1) % 26;
    letters = String.fromCharCode(65 + rem) + letters;
    n = Math.floor((n - 1) / 26);
  }
  return letters;
}

/**
 * Rejects as soon as `stream` errors: exceljs pipes its input without
 * forwarding errors, so it would otherwise wait forever on a failed upload.
 */
function watchFailure(stream: Readable): { failed: Promise<never>; error: () => unknown } {
  let error: unknown;
  const failed = new Promise<never>((_, reject) =>
    stream.once('error', (e: unknown) => {
      error = e;
      reject(e);
    }),
  );
  failed.catch(() => undefined);
  return { failed, error: () => error };
}

async function openXlsx(
  bytes: AsyncIterable<Buffer>,
  fileName: string,
  options: OpenTableOptions,
  limits: TableLimits,
): Promise<RowSource> {
  const input = Readable.from(bytes, { objectMode: false });
  const { failed: inputFailed, error: inputError } = watchFailure(input);
  const reader = new Utf8SafeWorkbookReader(input, {
    sharedStrings: 'cache',
    // Styles tell dates from numbers.
    styles: 'cache',
    hyperlinks: 'ignore',
    worksheets: 'emit',
    entries: 'ignore',
  });
  reader.limits = limits;
  const internals = reader as unknown as WorkbookReaderInternals;
  let sheetName: string | undefined;

  /** Whether `name` (the ordinal-th worksheet in the zip) is the one asked for. */
  function wanted(name: string | undefined, ordinal: number): boolean {
    const sheets = internals.model?.sheets ?? [];
    const known = name !== undefined && sheets.some((s) => s.name === name);
    if (typeof options.sheet === 'string') return name === options.sheet;
    let target: string | undefined;
    if (typeof options.sheet === 'number') target = sheets[options.sheet]?.name;
    else target = (sheets.find((s) => s.state !== 'hidden' && s.state !== 'veryHidden') ?? sheets[0])?.name;
    if (known && target !== undefined) return name === target;
    return ordinal === (options.sheet ?? 0);
  }

  async function* rows(): AsyncGenerator<RawRow> {
    const sheets = reader[Symbol.asyncIterator]();
    let ordinal = 0;
    let found = false;
    try {
      for (;;) {
        const nextSheet = await Promise.race([sheets.next(), inputFailed]);
        if (nextSheet.done) break;
        const worksheet = nextSheet.value;
        const sheetInternals = worksheet as unknown as WorksheetReaderInternals;
        if (!wanted(sheetInternals.name, ordinal++)) {
          // Unread sheets parked in a temp file would otherwise keep it open.
          if (reader.lastSheetSource instanceof Readable) reader.lastSheetSource.destroy();
          continue;
        }
        found = true;
        sheetName = sheetInternals.name;
        const date1904 = internals.properties?.model?.date1904 === true;
        const rowIterator = worksheet[Symbol.asyncIterator]();
        let previous = 0;
        for (;;) {
          const nextRow = await Promise.race([rowIterator.next(), inputFailed]);
          if (nextRow.done) break;
          const row = nextRow.value;
          const rowNumber = Number.isInteger(row.number) && row.number > previous ? row.number : previous + 1;
          previous = rowNumber;
          const cells: string[] = [];
          row.eachCell({ includeEmpty: false }, (cell, column) => {
            cells[column - 1] = cellToText(cell.value, cell.numFmt, date1904).trim();
          });
          yield { rowNumber, cells: Array.from(cells, (cell) => cell ?? '') };
        }
        break;
      }
    } catch (error) {
      // A failing source (upload cut off, disk error) is not a damaged workbook; a broken limit says which.
      if (error instanceof AppError || (error !== undefined && error === inputError())) throw error;
      const reason = error instanceof Error ? error.message : String(error);
      throw new ImportFileError('DAMAGED', `"${fileName}" is damaged or not a real XLSX file (${reason})`);
    } finally {
      // Whatever follows the wanted sheet is not needed; stop reading the file.
      input.destroy();
    }
    if (!found) {
      const names = (internals.model?.sheets ?? []).flatMap((s) => (s.name === undefined ? [] : [s.name]));
      if (names.length === 0)
        throw new ImportFileError(
          'NOT_TABULAR',
          `"${fileName}" is not an XLSX or CSV file (it has no worksheet)`,
        );
      throw new ImportFileError(
        'SHEET_NOT_FOUND',
        `the workbook has no sheet ${typeof options.sheet === 'string' ? `"${options.sheet}"` : `number ${(options.sheet ?? 0) + 1}`}; it has: ${names.join(', ')}`,
      );
    }
  }
  return { rows: rows(), sheetName: () => sheetName };
}

// ---------------------------------------------------------------- table

function isBlank(cells: readonly string[]): boolean {
  return cells.every((cell) => cell === '');
}

function headersOf(cells: readonly string[]): string[] {
  let width = cells.length;
  while (width > 0 && cells[width - 1] === '') width--;
  const headers = cells.slice(0, width).map((cell, i) => {
    const name = cell.replace(/^\uFEFF/, '').trim();
    // A column with data but no title still has to be mappable by hand.
    return name === '' ? `Column ${columnLetters(i)}` : name;
  });
  const seen = new Set<string>();
  for (const name of headers) {
    if (seen.has(name))
      throw new ImportFileError('DUPLICATE_COLUMN', `duplicate column ${name}`, { column: name });
    seen.add(name);
  }
  return headers;
}

/** Refuses rows past the row, column and cell-length limits as they stream by. */
async function* limitedRows(rows: AsyncGenerator<RawRow>, limits: TableLimits): AsyncGenerator<RawRow> {
  try {
    for (;;) {
      const next = await rows.next();
      if (next.done) return;
      const { rowNumber, cells } = next.value;
      if (rowNumber > limits.maxRows + 1)
        throw new ImportLimitError(
          'rows',
          limits.maxRows,
          `the file has more than ${limits.maxRows} rows; split it`,
        );
      if (cells.length > limits.maxColumns)
        throw new ImportLimitError(
          'columns',
          limits.maxColumns,
          `row ${rowNumber} has more than ${limits.maxColumns} columns`,
        );
      for (const cell of cells) if (cell.length > limits.maxCellChars) throw cellTooLong(limits, rowNumber);
      yield next.value;
    }
  } finally {
    await rows.return(undefined);
  }
}

/**
 * Opens an XLSX or CSV file for streaming: reads up to the header row and
 * returns a table whose rows are read lazily, one pass only. A file is parsed
 * in a worker thread with a memory cap (table-thread.ts), so a hostile file
 * never holds up the server's event loop; a stream is parsed here.
 */
export async function openTable(source: TableSource, options: OpenTableOptions = {}): Promise<Table> {
  if ('path' in source) return openTableInWorker(source, options);
  return openTableHere(source, options);
}

/** openTable in this thread: what the worker runs, and what a stream source gets. */
export async function openTableHere(source: TableSource, options: OpenTableOptions = {}): Promise<Table> {
  const limits: TableLimits = { ...DEFAULT_TABLE_LIMITS, ...options.limits };
  let raw: Readable;
  let fileName: string;
  let totalBytes: number | undefined;
  if ('path' in source) {
    fileName = source.fileName ?? basename(source.path);
    totalBytes = (await stat(source.path)).size;
    raw = createReadStream(source.path);
  } else {
    fileName = source.fileName;
    totalBytes = source.totalBytes;
    raw = source.stream;
  }

  let bytesRead = 0;
  async function* counted(): AsyncGenerator<Buffer> {
    for await (const chunk of raw as AsyncIterable<unknown>) {
      const buffer = toBuffer(chunk);
      bytesRead += buffer.length;
      yield buffer;
    }
  }

  const peeked = await peekBytes(counted(), (head) => head.length >= DEFAULT_SNIFF_BYTES);
  let rowSource: RowSource;
  let format: TableFormat;
  try {
    format = detectFormat(peeked.head, fileName);
    if (format === 'xlsx' && 'path' in source) await checkWorkbookZip(source.path, fileName, limits);
    rowSource =
      format === 'csv'
        ? await openCsv(peeked.bytes, options)
        : await openXlsx(peeked.bytes, fileName, options, limits);
  } catch (error) {
    await peeked.close();
    raw.destroy();
    throw error;
  }
  const rows = limitedRows(rowSource.rows, limits);

  let closed = false;
  const close = async () => {
    if (closed) return;
    closed = true;
    // Destroy first: a read pending on a stalled upload must settle before the
    // generators below can be returned.
    raw.destroy();
    await peeked.close();
    await rows.return(undefined);
  };

  let header: RawRow | undefined;
  let headers: string[];
  try {
    for (;;) {
      const next = await rows.next();
      if (next.done) break;
      const row = next.value;
      if (options.headerRow !== undefined) {
        if (row.rowNumber < options.headerRow) continue;
        if (row.rowNumber === options.headerRow && !isBlank(row.cells)) header = row;
        break;
      }
      if (!isBlank(row.cells)) {
        header = row;
        break;
      }
    }
    if (header === undefined) throw new ImportFileError('NO_HEADER', 'the file has no header row');
    headers = headersOf(header.cells);
  } catch (error) {
    await close();
    throw error;
  }
  const headerRowNumber = header.rowNumber;

  let rowsRead = 0;
  let started = false;
  async function* iterate(): AsyncGenerator<TableRow> {
    if (started) throw new Error('a table can be read only once');
    started = true;
    try {
      for (;;) {
        const next = await rows.next();
        if (next.done) return;
        const { rowNumber, cells } = next.value;
        // Null prototype: a column titled "__proto__" must stay data.
        const values = Object.create(null) as Record<string, string>;
        let empty = true;
        for (let i = 0; i < headers.length; i++) {
          const cell = cells[i] ?? '';
          if (cell !== '') empty = false;
          values[headers[i] as string] = cell;
        }
        if (empty) continue;
        rowsRead++;
        yield { rowNumber, values };
      }
    } finally {
      await close();
    }
  }

  return {
    fileName,
    format,
    headers,
    headerRowNumber,
    encoding: rowSource.encoding,
    delimiter: rowSource.delimiter,
    get sheetName() {
      return rowSource.sheetName?.();
    },
    get bytesRead() {
      return bytesRead;
    },
    totalBytes,
    get rowsRead() {
      return rowsRead;
    },
    close,
    [Symbol.asyncIterator]: iterate,
  };
}
