import { Type, type Static } from 'typebox';
import { Id } from '../../core/schemas.js';

/** Return-to-work figures of one area: filings, employees cleared, inspections due and overdue. */
export const EnterpriseCounts = Type.Object(
  {
    enterprises: Type.Integer(),
    filed: Type.Integer({ description: 'Enterprises with a filing in any state' }),
    approved: Type.Integer({ description: 'Back at work: the filing approved' }),
    waiting: Type.Integer({ description: 'Submitted or inspected, not decided yet' }),
    returned: Type.Integer(),
    suspended: Type.Integer(),
    filingsOverdue: Type.Integer({ description: 'Submitted filings past their decision deadline' }),
    employees: Type.Integer({ description: 'Employees on the rosters' }),
    cleared: Type.Integer(),
    pending: Type.Integer(),
    refused: Type.Integer(),
    inspectionsDue: Type.Integer({ description: 'Resumed enterprises of running rounds not inspected yet' }),
    inspectionsOverdue: Type.Integer({ description: 'Resumed enterprises of ended rounds never inspected' }),
    inspectedToday: Type.Integer(),
    rectificationsOpen: Type.Integer(),
    rectificationsOverdue: Type.Integer(),
  },
  { $id: 'EnterpriseCounts' },
);
export type EnterpriseCounts = Static<typeof EnterpriseCounts>;

const AreaRef = Type.Object({ id: Type.Integer(), code: Type.String(), name: Type.String() });

export const EnterpriseBoard = Type.Object(
  {
    area: AreaRef,
    total: EnterpriseCounts,
    /** Each child area of the node, in code order. */
    areas: Type.Array(Type.Object({ area: AreaRef, counts: EnterpriseCounts })),
  },
  { $id: 'EnterpriseBoard' },
);
export type EnterpriseBoard = Static<typeof EnterpriseBoard>;

export const EnterpriseBoardQuery = Type.Object(
  { areaId: Id({ description: 'The area whose children are counted' }) },
  { additionalProperties: false },
);
