import { type Static, Type } from 'typebox';
import { Id, RequiredText } from '../../core/schemas.js';

export const DailyReportQuery = Type.Object(
  {
    node: Id({ description: 'The area the report is for' }),
    date: Type.String({ format: 'date', description: 'The day reported (China time), YYYY-MM-DD' }),
    reveal: Type.Optional(
      Type.Boolean({ description: 'Full names, ID numbers and phones: needs person.reveal and a reason' }),
    ),
    reason: Type.Optional(RequiredText(200)),
  },
  { $id: 'DailyReportQuery' },
);
export type DailyReportQuery = Static<typeof DailyReportQuery>;
