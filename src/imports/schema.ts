import { Type } from 'typebox';

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
