import { ImportKind } from '../core/closed-schemas.js';
import { type Static, Type } from 'typebox';
import { Id, RequiredText } from '../core/schemas.js';
import { IMPORT_STATUSES } from '../core/vocabulary.js';

const Nullable = <T extends Parameters<typeof Type.Union>[0][number]>(schema: T) =>
  Type.Union([schema, Type.Null()]);

export const ImportKindParams = Type.Object({ kind: ImportKind }, { $id: 'ImportKindParams' });
export const ImportJobParams = Type.Object(
  { id: Type.String({ pattern: '^[0-9a-f-]{36}$' }) },
  { $id: 'ImportJobParams' },
);

/** Values a problem's sentence names (a limit, a code as written). */
export const ProblemParams = Type.Record(
  Type.String(),
  Type.Union([Type.String(), Type.Number(), Type.Boolean(), Type.Null()]),
);

export const RowRejectSchema = Type.Object(
  {
    row: Type.Integer({ description: 'Row number as the spreadsheet shows it (the header is row 1)' }),
    field: Type.String({ description: 'The column title in the file' }),
    code: Type.String({
      description:
        'Stable field problem code (src/i18n/problem-codes.ts), e.g. checksum, excelRounded, unknownArea, duplicateInFile',
    }),
    params: Type.Optional(ProblemParams),
    message: Type.String({ description: "Made from code and params in the caller's language" }),
  },
  { $id: 'RowRejectSchema' },
);

export const ImportReportSchema = Type.Object(
  {
    inserted: Type.Integer(),
    updated: Type.Integer(),
    unchanged: Type.Integer(),
    rejected: Type.Array(RowRejectSchema, { description: 'At most 10,000; rejectedTotal counts them all' }),
  },
  { $id: 'RegisterImportReport' },
);

export const ImportPreview = Type.Object(
  {
    fileName: Type.String(),
    format: Type.Enum(['csv', 'xlsx']),
    encoding: Nullable(Type.String()),
    sheetName: Nullable(Type.String()),
    headers: Type.Array(Type.String()),
    /** Header → field it was recognised as, or null when it means nothing to this import. */
    mapping: Type.Record(Type.String(), Nullable(Type.String())),
    fields: Type.Array(
      Type.Object({
        field: Type.String(),
        label: Type.String(),
        required: Type.Boolean(),
        synonyms: Type.Array(Type.String()),
      }),
    ),
    missingRequired: Type.Array(Type.String()),
    duplicates: Type.Array(Type.Object({ field: Type.String(), headers: Type.Array(Type.String()) })),
    /** The first rows by header; ID numbers and phones masked. */
    rows: Type.Array(Type.Object({ row: Type.Integer(), values: Type.Record(Type.String(), Type.String()) })),
  },
  { $id: 'ImportPreview' },
);
export type ImportPreview = Static<typeof ImportPreview>;

export const ImportJobView = Type.Object(
  {
    id: Type.String(),
    kind: ImportKind,
    status: Type.Enum(IMPORT_STATUSES),
    fileName: Type.String(),
    dryRun: Type.Boolean(),
    processedRows: Type.Integer(),
    totalBytes: Nullable(Type.Integer()),
    bytesRead: Type.Integer(),
    report: Nullable(ImportReportSchema),
    rejectedTotal: Type.Integer(),
    error: Nullable(Type.String()),
    startedBy: Type.String(),
    createdAt: Type.String({ format: 'date-time' }),
    finishedAt: Nullable(Type.String({ format: 'date-time' })),
  },
  { $id: 'ImportJobView' },
);
export type ImportJobView = Static<typeof ImportJobView>;

export const ExportQuery = Type.Object(
  {
    within: Id({ description: 'The area whose subtree is exported' }),
    reveal: Type.Optional(
      Type.Boolean({
        default: false,
        description: 'Full ID numbers and phones: needs person.reveal over the area and a reason',
      }),
    ),
    reason: Type.Optional(RequiredText(200, { minLength: 2 })),
    status: Type.Optional(Type.Enum(['active', 'all'], { default: 'active' })),
  },
  { $id: 'ExportQuery' },
);
export type ExportQuery = Static<typeof ExportQuery>;
