import { ImportKind } from '../core/closed-schemas.js';
import { type Static, Type } from 'typebox';
import { Id, RequiredText } from '../core/schemas.js';
import { IMPORT_STATUSES } from '../core/vocabulary.js';
import { RowRejectSchema } from '../imports/schema.js';

const Nullable = <T extends Parameters<typeof Type.Union>[0][number]>(schema: T) =>
  Type.Union([schema, Type.Null()]);

export const ImportKindParams = Type.Object({ kind: ImportKind }, { $id: 'ImportKindParams' });
export const ImportJobParams = Type.Object(
  { id: Type.String({ pattern: '^[0-9a-f-]{36}$' }) },
  { $id: 'ImportJobParams' },
);

// Shared by every import's report (areas, feeds, leads); re-exported for the register's schemas.
export { ProblemParams, RowRejectSchema } from '../imports/schema.js';

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
    error: Nullable(Type.String({ description: "Why it failed, in the reader's language" })),
    errorCode: Nullable(
      Type.String({ description: 'Why it failed, as an error code (null for old entries)' }),
    ),
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
