import { AppError } from '../core/errors.js';
import type { ProblemCode } from '../i18n/problem-codes.js';

/**
 * Finer-grained, stable reasons behind IMPORT_FILE_INVALID, so the web UI can
 * show a tailored hint (e.g. "save as .xlsx") without parsing the message.
 */
export type ImportFileProblem =
  | 'NOT_TABULAR'
  | 'LEGACY_XLS'
  | 'HTML_DISGUISED'
  | 'DAMAGED'
  | 'NO_HEADER'
  | 'DUPLICATE_COLUMN'
  | 'SHEET_NOT_FOUND'
  | 'ENCODING'
  | 'CSV_MALFORMED'
  | 'MAPPING_INVALID';

/** The catalog sentence (problems.*.ts) that tells a clerk what is wrong with the file and what to do. */
const FILE_PROBLEM_CODES: Record<ImportFileProblem, ProblemCode> = {
  NOT_TABULAR: 'fileNotTabular',
  LEGACY_XLS: 'fileLegacyXls',
  HTML_DISGUISED: 'fileHtmlDisguised',
  DAMAGED: 'fileDamaged',
  NO_HEADER: 'fileNoHeader',
  DUPLICATE_COLUMN: 'fileDuplicateColumn',
  SHEET_NOT_FOUND: 'fileSheetNotFound',
  ENCODING: 'fileEncoding',
  CSV_MALFORMED: 'fileCsvMalformed',
  MAPPING_INVALID: 'fileMappingInvalid',
};

/** The uploaded file cannot be read as a table at all (as opposed to a bad row). */
export class ImportFileError extends AppError {
  override readonly code = 'IMPORT_FILE_INVALID' as const;

  constructor(
    readonly problem: ImportFileProblem,
    message: string,
    readonly extra: Record<string, string | number> = {},
  ) {
    super('IMPORT_FILE_INVALID', 400, message, { problem, code: FILE_PROBLEM_CODES[problem], ...extra });
    this.name = 'ImportFileError';
  }
}
