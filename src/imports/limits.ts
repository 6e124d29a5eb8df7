import { AppError, type ErrorCode } from '../core/errors.js';

/**
 * What an uploaded table may hold. A spreadsheet program never writes more than Excel's own
 * limits (32,767 characters a cell, 16,384 columns, 1,048,576 rows); the zip and shared-string
 * limits keep one small hostile file from unpacking into gigabytes.
 */
export interface TableLimits {
  /** Data rows (the header not counted). */
  readonly maxRows: number;
  /** Columns of any row. */
  readonly maxColumns: number;
  /** Characters of one cell (and of one shared string). */
  readonly maxCellChars: number;
  /** Unpacked bytes of xl/sharedStrings.xml (exceljs keeps every shared string in memory). */
  readonly maxSharedStringsBytes: number;
  /** Unpacked bytes of any one zip entry, and of all together. */
  readonly maxEntryBytes: number;
  readonly maxUnpackedBytes: number;
  /** Unpacked ÷ packed size of an entry larger than `ratioFloorBytes`: a zip bomb's ratio is ~1000. */
  readonly maxCompressionRatio: number;
  readonly ratioFloorBytes: number;
  readonly maxZipEntries: number;
}

export const DEFAULT_TABLE_LIMITS: TableLimits = Object.freeze({
  maxRows: 5_000_000,
  maxColumns: 1_000,
  maxCellChars: 32_767,
  maxSharedStringsBytes: 64 * 1024 * 1024,
  maxEntryBytes: 1024 * 1024 * 1024,
  maxUnpackedBytes: 2 * 1024 * 1024 * 1024,
  maxCompressionRatio: 100,
  ratioFloorBytes: 8 * 1024 * 1024,
  maxZipEntries: 10_000,
});

/** Which limit a file broke; named in the answer's details. */
export type ImportLimit =
  | 'rows'
  | 'columns'
  | 'cellLength'
  | 'sharedStrings'
  | 'entrySize'
  | 'unpackedSize'
  | 'compressionRatio'
  | 'zipEntries'
  | 'memory';

const CODE_OF: Record<ImportLimit, ErrorCode> = {
  rows: 'IMPORT_TOO_MANY_ROWS',
  columns: 'IMPORT_TOO_MANY_COLUMNS',
  cellLength: 'IMPORT_CELL_TOO_LONG',
  sharedStrings: 'IMPORT_TOO_MUCH_TEXT',
  entrySize: 'IMPORT_FILE_UNPACKS_TOO_LARGE',
  unpackedSize: 'IMPORT_FILE_UNPACKS_TOO_LARGE',
  compressionRatio: 'IMPORT_FILE_UNPACKS_TOO_LARGE',
  zipEntries: 'IMPORT_FILE_UNPACKS_TOO_LARGE',
  memory: 'IMPORT_FILE_TOO_COMPLEX',
};

/** The file is beyond what an import reads (413): a stable code per limit, the limit in `details`. */
export class ImportLimitError extends AppError {
  constructor(
    readonly limit: ImportLimit,
    readonly max: number,
    message: string,
  ) {
    super(CODE_OF[limit], 413, message, { limit, max });
    this.name = 'ImportLimitError';
  }
}

export function cellTooLong(limits: TableLimits, row?: number): ImportLimitError {
  return new ImportLimitError(
    'cellLength',
    limits.maxCellChars,
    `a cell${row === undefined ? '' : ` in row ${row}`} holds more than ${limits.maxCellChars} characters (Excel's own limit)`,
  );
}

/**
 * Watches an unpacked XML part as it streams to the parser: stops it past `maxBytes`, and as soon
 * as a run of text without markup grows longer than any cell may be — before the XML parser has
 * gathered it into one huge string. A run is measured in UTF-8 bytes, so it allows for escapes
 * (&#x4E2D; is 8 bytes for one character) and for a cell's tag around its text.
 */
export async function* guardXml(
  chunks: AsyncIterable<unknown>,
  limits: TableLimits,
  maxBytes: number,
  tooLarge: () => ImportLimitError,
): AsyncGenerator<Buffer> {
  const maxRun = limits.maxCellChars * 12 + 4096;
  let total = 0;
  let run = 0;
  for await (const chunk of chunks) {
    const bytes = typeof chunk === 'string' ? Buffer.from(chunk, 'utf8') : toBytes(chunk);
    total += bytes.length;
    if (total > maxBytes) throw tooLarge();
    const lastMarkup = bytes.lastIndexOf(0x3c);
    run = lastMarkup < 0 ? run + bytes.length : bytes.length - lastMarkup - 1;
    if (run > maxRun) throw cellTooLong(limits);
    yield bytes;
  }
}

function toBytes(chunk: unknown): Buffer {
  if (Buffer.isBuffer(chunk)) return chunk;
  if (chunk instanceof Uint8Array) return Buffer.from(chunk.buffer, chunk.byteOffset, chunk.byteLength);
  throw new TypeError('expected a byte stream');
}
