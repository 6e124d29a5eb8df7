import type { Readable } from 'node:stream';
import type { EncodingOption, TextEncodingName } from './encoding.js';
import type { TableLimits } from './limits.js';

// The shapes shared by the table reader and its worker pool, apart so neither imports the other for them.

export type TableSource =
  | {
      path: string;
      /** The name the user gave the file (an upload is stored under another). */
      fileName?: string | undefined;
      /** Where the XLSX reader may park a worksheet it cannot read yet (default: the system's). */
      scratchDir?: string | undefined;
    }
  | {
      stream: Readable;
      fileName: string;
      /** Size if known (e.g. from the upload), for progress. */
      totalBytes?: number;
    };

export type CsvDelimiter = ',' | ';' | '\t';
export type TableFormat = 'csv' | 'xlsx';

export interface OpenTableOptions {
  /** CSV only; default 'auto' (UTF-8 if it decodes as such, else GBK). */
  encoding?: EncodingOption;
  /** CSV only; default: detected from the header line. */
  delimiter?: CsvDelimiter;
  /** XLSX only: sheet name, or 0-based index in tab order. Default: first visible sheet. */
  sheet?: string | number;
  /** 1-based row holding the headers (e.g. 2 under a title row). Default: first non-empty row. */
  headerRow?: number;
  /** Defaults: DEFAULT_TABLE_LIMITS. */
  limits?: Partial<TableLimits> | undefined;
}

export interface TableRow {
  /** As a spreadsheet user counts: header is row 1, first data row is row 2. */
  rowNumber: number;
  /** By header name; trimmed; empty cells are ''. */
  values: Record<string, string>;
}

export interface Table extends AsyncIterable<TableRow> {
  readonly fileName: string;
  readonly format: TableFormat;
  readonly headers: string[];
  readonly headerRowNumber: number;
  /** CSV only. */
  readonly encoding: TextEncodingName | undefined;
  /** CSV only. */
  readonly delimiter: CsvDelimiter | undefined;
  /** XLSX only. */
  readonly sheetName: string | undefined;
  /** Raw bytes consumed so far (compressed bytes for XLSX). */
  readonly bytesRead: number;
  readonly totalBytes: number | undefined;
  /** Data rows handed out so far. */
  readonly rowsRead: number;
  /** Releases the file; needed only when not iterating to the end. */
  close(): Promise<void>;
}
