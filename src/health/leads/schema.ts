import {
  AreaLevel,
  KeyPersonCategory,
  LeadOutcome,
  LeadRoute,
  LeadStatus,
  LeadTier,
  Role,
} from '../../core/closed-schemas.js';
import { type Static, Type } from 'typebox';
import { ProblemParams } from '../../register-import/schema.js';
import { Page, PageQuery } from '../../core/pagination.js';
import { Id, RequiredText } from '../../core/schemas.js';
import {
  LEAD_MEASURES,
  LEAD_OUTCOMES,
  LEAD_ROUTES,
  LEAD_STATUSES,
  LEAD_TIERS,
} from '../../core/vocabulary.js';

const Nullable = <T extends Parameters<typeof Type.Union>[0][number]>(schema: T) =>
  Type.Union([schema, Type.Null()]);

export { LEAD_MEASURES, LEAD_OUTCOMES, LEAD_ROUTES, LEAD_STATUSES, LEAD_TIERS };
export type { LeadMeasure, LeadOutcome, LeadRoute, LeadTier } from '../../core/vocabulary.js';
const AreaRef = Type.Object({
  id: Type.Integer(),
  code: Type.String(),
  name: Type.String(),
  level: AreaLevel,
  /** "/1/5/23/": the web checks the caller's grants against it before offering an action. */
  path: Type.Optional(Type.String()),
});

export const LeadView = Type.Object(
  {
    id: Type.Integer(),
    batchReference: Nullable(Type.String()),
    reason: Type.String(),
    deadline: Type.String({ format: 'date-time' }),
    /** Open and past its deadline. */
    overdue: Type.Boolean(),
    status: LeadStatus,
    tier: LeadTier,
    routedBy: LeadRoute,
    area: AreaRef,
    /** The registered person the lead was matched to (by ID number or phone), or linked at verification. */
    personId: Nullable(Type.Integer()),
    /** The identity as received, masked; the whole values only through /reveal. */
    nameMasked: Nullable(Type.String()),
    documentMasked: Nullable(Type.String()),
    phoneMasked: Nullable(Type.String()),
    address: Nullable(Type.String()),
    outcome: Nullable(LeadOutcome),
    measures: Type.Array(Type.String()),
    note: Nullable(Type.String()),
    verifiedAt: Nullable(Type.String({ format: 'date-time' })),
    verifiedBy: Nullable(Type.String()),
    escalatedAt: Nullable(Type.String({ format: 'date-time' })),
    createdAt: Type.String({ format: 'date-time' }),
    createdBy: Type.String(),
  },
  { $id: 'LeadView' },
);
export type LeadView = Static<typeof LeadView>;
export const LeadPage = Type.With(Page(LeadView), { $id: 'LeadPage' });

export const LeadEventView = Type.Object(
  {
    at: Type.String({ format: 'date-time' }),
    kind: Type.Enum(['created', 'routed', 'escalated', 'verified']),
    fromTier: Nullable(LeadTier),
    toTier: Nullable(LeadTier),
    fromArea: Nullable(Type.Object({ id: Type.Integer(), name: Type.String() })),
    toArea: Nullable(Type.Object({ id: Type.Integer(), name: Type.String() })),
    actor: Type.String(),
    details: Nullable(Type.Unknown()),
  },
  { $id: 'LeadEventView' },
);
export type LeadEventView = Static<typeof LeadEventView>;

export const LeadDetail = Type.Intersect(
  [
    LeadView,
    Type.Object({
      history: Type.Array(LeadEventView),
      /** Who holds the lead now: the users with the tier's role nearest above the lead's area. */
      responsible: Type.Array(Type.Object({ userId: Type.Integer(), name: Type.String(), role: Role })),
    }),
  ],
  { $id: 'LeadDetail' },
);
export type LeadDetail = Static<typeof LeadDetail>;

export const LeadQuery = Type.Intersect(
  [
    PageQuery,
    Type.Object({
      within: Type.Optional(Id({ description: 'Only leads under this area' })),
      status: Type.Optional(LeadStatus),
      tier: Type.Optional(LeadTier),
      overdue: Type.Optional(Type.Boolean({ description: 'true: open leads past their deadline' })),
      routedBy: Type.Optional(LeadRoute),
      batch: Type.Optional(Type.String({ maxLength: 200 })),
      personId: Type.Optional(Id()),
      mine: Type.Optional(
        Type.Boolean({
          description:
            'true: the leads waiting for the caller: a grid worker every open lead of their area, a grid leader those escalated to grid leader or community, community staff those at community tier (inbox included)',
        }),
      ),
    }),
  ],
  { $id: 'LeadQuery' },
);
export type LeadQuery = Static<typeof LeadQuery>;

export const LeadInput = Type.Object(
  {
    documentNumber: Type.Optional(Type.String({ maxLength: 40, description: 'Resident ID number' })),
    phone: Type.Optional(Type.String({ maxLength: 30 })),
    name: Type.Optional(Type.String({ maxLength: 50 })),
    address: Type.Optional(Type.String({ maxLength: 200 })),
    reason: Type.String({ maxLength: 500 }),
    deadline: Type.Optional(
      Type.String({
        maxLength: 40,
        description:
          'ISO date-time, a China-time "YYYY-MM-DD HH:mm", a date (end of that day, China time) or "48h"; default 24 hours from now',
      }),
    ),
  },
  { $id: 'LeadInput', additionalProperties: false },
);
export type LeadInput = Static<typeof LeadInput>;

export const LeadBatchBody = Type.Object(
  {
    areaId: Id({
      description:
        'The importing area: leads are matched to persons and addresses under it; the unmatched go to its community inbox',
    }),
    batchReference: Type.Optional(
      RequiredText(200, {
        description: 'Names the list; with it, sending the same lead again is idempotent',
      }),
    ),
    leads: Type.Array(LeadInput, { minItems: 1, maxItems: 5000 }),
  },
  { $id: 'LeadBatchBody', additionalProperties: false },
);
export type LeadBatchBody = Static<typeof LeadBatchBody>;

const RowReject = Type.Object({
  row: Type.Integer({ description: 'File: the spreadsheet row (header is row 1). JSON: index in leads' }),
  field: Type.String(),
  code: Type.String({ description: 'Stable field problem code (src/i18n/problem-codes.ts)' }),
  params: Type.Optional(ProblemParams),
  message: Type.String({ description: "Made from code and params in the caller's language" }),
});

export const RoutedCounts = Type.Object(
  {
    person: Type.Integer(),
    address: Type.Integer(),
    inbox: Type.Integer(),
  },
  { $id: 'RoutedCounts' },
);

export const LeadBatchResult = Type.Object(
  {
    inserted: Type.Integer(),
    updated: Type.Integer({
      description: 'Always 0: a lead once stored changes only by routing and verification',
    }),
    unchanged: Type.Integer({ description: 'Already stored under the same batch reference' }),
    rejected: Type.Array(RowReject),
    rejectedTotal: Type.Integer(),
    routed: RoutedCounts,
    /** The stored leads; the area only when the caller may read it. */
    leads: Type.Array(
      Type.Object({
        row: Type.Integer(),
        id: Type.Integer(),
        routedBy: LeadRoute,
        area: Nullable(AreaRef),
      }),
    ),
  },
  { $id: 'LeadBatchResult' },
);
export type LeadBatchResult = Static<typeof LeadBatchResult>;

export const LeadImportReport = Type.Object(
  {
    inserted: Type.Integer(),
    updated: Type.Integer({ description: 'Always 0' }),
    unchanged: Type.Integer({ description: 'Rows of this batch stored before (a re-import)' }),
    rejected: Type.Array(RowReject, { description: 'At most 10,000; rejectedTotal counts them all' }),
    rejectedTotal: Type.Integer(),
    routed: RoutedCounts,
  },
  { $id: 'LeadImportReport' },
);
export type LeadImportReport = Static<typeof LeadImportReport>;

export const LeadImportQuery = Type.Object(
  {
    areaId: Id({ description: 'The importing area (see POST /api/leads)' }),
    batch: Type.Optional(
      RequiredText(200, {
        description: 'Batch reference; default the file name and today’s date',
      }),
    ),
    sheet: Type.Optional(Type.String({ maxLength: 100 })),
    encoding: Type.Optional(Type.Enum(['auto', 'utf-8', 'gbk'])),
  },
  { $id: 'LeadImportQuery' },
);
export type LeadImportQuery = Static<typeof LeadImportQuery>;

export const VerifyBody = Type.Object(
  {
    outcome: LeadOutcome,
    measures: Type.Array(Type.Enum(LEAD_MEASURES), { maxItems: LEAD_MEASURES.length, uniqueItems: true }),
    note: Type.Optional(Type.String({ maxLength: 2000 })),
    personId: Type.Optional(Id({ description: 'Link the registered person the worker found' })),
    keyPerson: Type.Optional(
      Type.Object(
        {
          category: KeyPersonCategory,
        },
        {
          additionalProperties: false,
          description: 'Also put the person under key-person management (needs a matched or linked person)',
        },
      ),
    ),
  },
  { $id: 'VerifyBody', additionalProperties: false },
);
export type VerifyBody = Static<typeof VerifyBody>;

export const VerifyResult = Type.Object(
  {
    lead: LeadDetail,
    /** The key person created with the verification, when one was asked for. */
    keyPerson: Nullable(
      Type.Object({
        personId: Type.Integer(),
        category: KeyPersonCategory,
        keyPersonId: Type.Integer(),
      }),
    ),
  },
  { $id: 'VerifyResult' },
);
export type VerifyResult = Static<typeof VerifyResult>;

export const RouteBody = Type.Object(
  {
    areaId: Id({ description: 'A grid, micro-grid or row cell' }),
    note: Type.Optional(Type.String({ maxLength: 500 })),
  },
  { $id: 'RouteBody', additionalProperties: false },
);
export type RouteBody = Static<typeof RouteBody>;

export const RevealBody = Type.Object(
  { reason: Type.String({ minLength: 2, maxLength: 200 }) },
  { $id: 'LeadRevealBody', additionalProperties: false },
);
export const LeadRevealResponse = Type.Object(
  {
    documentNumber: Nullable(Type.String()),
    phone: Nullable(Type.String()),
    name: Nullable(Type.String()),
  },
  { $id: 'LeadRevealResponse' },
);
export type LeadRevealResponse = Static<typeof LeadRevealResponse>;

export const ProgressQuery = Type.Object(
  {
    node: Id(),
    batch: Type.Optional(Type.String({ maxLength: 200 })),
  },
  { $id: 'ProgressQuery' },
);
export type ProgressQuery = Static<typeof ProgressQuery>;

export const ProgressCounts = Type.Object(
  {
    total: Type.Integer(),
    verified: Type.Integer(),
    /** Open and within the deadline. */
    open: Type.Integer(),
    /** Open and past the deadline. */
    overdue: Type.Integer(),
    /** open + overdue: what is left before the count reaches zero (清零). */
    leftToZero: Type.Integer(),
    cleared: Type.Boolean(),
  },
  { $id: 'ProgressCounts' },
);
export type ProgressCounts = Static<typeof ProgressCounts>;

export const ProgressRow = Type.Intersect([Type.Object({ area: AreaRef }), ProgressCounts], {
  $id: 'ProgressRow',
});
export type ProgressRow = Static<typeof ProgressRow>;

export const LeadProgress = Type.Object(
  {
    node: AreaRef,
    asOf: Type.String({ format: 'date-time' }),
    total: ProgressCounts,
    /** Leads held at the node itself: its community inbox, waiting to be routed by hand. */
    atNode: ProgressCounts,
    rows: Type.Array(ProgressRow),
  },
  { $id: 'LeadProgress' },
);
export type LeadProgress = Static<typeof LeadProgress>;
