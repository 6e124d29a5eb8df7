import { Type, type Static } from 'typebox';
import { Id, Int, RequiredParagraph, RequiredText } from '../../core/schemas.js';
import { TOKEN_PATTERN } from '../../household-codes/tokens.js';
import { FILING_ACTIONS, FILING_STATES } from './transitions.js';

const DateString = Type.String({ format: 'date', description: 'YYYY-MM-DD (China time)' });
const Instant = Type.String({ format: 'date-time' });

export const FilingState = Type.Enum(FILING_STATES, { $id: 'FilingState' });
export const FilingAction = Type.Enum(FILING_ACTIONS, { $id: 'FilingAction' });

const Supply = Type.Object(
  {
    stock: Int({
      maximum: 10_000_000,
      description: 'Units in stock (masks, thermometers, litres of disinfectant)',
    }),
    days: Int({ maximum: 365, description: 'Days the stock covers' }),
  },
  { additionalProperties: false },
);

/** Prevention supplies: stock and days of cover of each kind. */
export const FilingSupplies = Type.Object(
  {
    masks: Type.Optional(Supply),
    thermometers: Type.Optional(Supply),
    disinfectant: Type.Optional(Supply),
  },
  { $id: 'FilingSupplies', additionalProperties: false },
);
export type FilingSupplies = Static<typeof FilingSupplies>;

/** The enterprise's own part of a filing: what it (or staff for it) fills in before submitting. */
export const FilingDraftBody = Type.Object(
  {
    plannedOn: Type.Optional(Type.Union([DateString, Type.Null()])),
    headcount: Type.Optional(Type.Union([Int({ maximum: 1_000_000 }), Type.Null()])),
    supplies: Type.Optional(FilingSupplies),
    plan: Type.Optional(Type.Union([Type.String({ maxLength: 4000, 'x-trim': true }), Type.Null()])),
  },
  { $id: 'FilingDraftBody', additionalProperties: false },
);
export type FilingDraftBody = Static<typeof FilingDraftBody>;

export const SignCommitmentBody = Type.Object(
  {
    /** The legal person's name, typed by them: equal to the register's legal person when it has one. */
    signerName: RequiredText(50),
  },
  { $id: 'SignCommitmentBody', additionalProperties: false },
);
export type SignCommitmentBody = Static<typeof SignCommitmentBody>;

export const FilingReasonBody = Type.Object(
  { reason: Type.Optional(Type.String({ maxLength: 1000, 'x-trim': true })) },
  { $id: 'FilingReasonBody', additionalProperties: false },
);
export type FilingReasonBody = Static<typeof FilingReasonBody>;

export const ReturnFilingBody = Type.Object(
  { reason: RequiredParagraph(1000, { description: 'What the enterprise must put right' }) },
  { $id: 'ReturnFilingBody', additionalProperties: false },
);

export const FilingDocument = Type.Object(
  {
    id: Type.Integer(),
    title: Type.String(),
    mime: Type.Union([
      Type.Literal('application/pdf'),
      Type.Literal('image/jpeg'),
      Type.Literal('image/png'),
      Type.Literal('image/webp'),
    ]),
    bytes: Type.Integer(),
    createdAt: Instant,
  },
  { $id: 'FilingDocument' },
);
export type FilingDocument = Static<typeof FilingDocument>;

/** A step of a filing's history as the enterprise sees it: no staff names, no inspection ids. */
export const PublicFilingStep = Type.Object({
  action: Type.String(),
  fromState: Type.Union([FilingState, Type.Null()]),
  toState: FilingState,
  at: Instant,
  reason: Type.Union([Type.String(), Type.Null()]),
});

/** Staff see who took each step and which inspection moved it. */
export const FilingStep = Type.Object(
  {
    id: Type.Integer(),
    action: Type.String(),
    fromState: Type.Union([FilingState, Type.Null()]),
    toState: FilingState,
    at: Instant,
    reason: Type.Union([Type.String(), Type.Null()]),
    actorName: Type.String(),
    inspectionId: Type.Union([Type.Integer(), Type.Null()]),
  },
  { $id: 'FilingStep' },
);

const filingFields = {
  id: Type.Integer(),
  unitId: Type.Integer(),
  state: FilingState,
  plannedOn: Type.Union([DateString, Type.Null()]),
  headcount: Type.Union([Type.Integer(), Type.Null()]),
  supplies: FilingSupplies,
  plan: Type.Union([Type.String(), Type.Null()]),
  signerName: Type.Union([Type.String(), Type.Null()]),
  signedAt: Type.Union([Instant, Type.Null()]),
  commitmentVersion: Type.Union([Type.String(), Type.Null()]),
  submittedAt: Type.Union([Instant, Type.Null()]),
  /** The latest return or suspension reason, shown to the enterprise. */
  returnReasons: Type.Union([Type.String(), Type.Null()]),
  editable: Type.Boolean(),
  documents: Type.Array(FilingDocument),
  updatedAt: Instant,
};

/** What the enterprise's own code shows: its filing and the letter it signs. */
export const PublicFiling = Type.Object(
  {
    enterprise: Type.Object({
      name: Type.String(),
      community: Type.String(),
      /** Whether the register names a legal person (then the signature must match it). */
      hasLegalPerson: Type.Boolean(),
    }),
    filing: Type.Union([Type.Object({ ...filingFields, steps: Type.Array(PublicFilingStep) }), Type.Null()]),
    commitment: Type.Object({
      version: Type.String(),
      title: Type.String(),
      clauses: Type.Array(Type.String()),
    }),
  },
  { $id: 'PublicFiling' },
);
export type PublicFiling = Static<typeof PublicFiling>;

export const Filing = Type.Object(
  {
    ...filingFields,
    areaId: Type.Integer(),
    decideBy: Type.Union([Instant, Type.Null()]),
    overdue: Type.Boolean(),
    inspectionId: Type.Union([Type.Integer(), Type.Null()]),
    inspectionPassed: Type.Union([Type.Boolean(), Type.Null()]),
    decidedAt: Type.Union([Instant, Type.Null()]),
    createdAt: Instant,
    /** What staff may do next (the page offers only these). */
    actions: Type.Array(FilingAction),
    steps: Type.Array(FilingStep),
  },
  { $id: 'Filing' },
);
export type Filing = Static<typeof Filing>;

export const EnterpriseFilingView = Type.Object(
  {
    enterprise: Type.Object({
      id: Type.Integer(),
      name: Type.String(),
      areaId: Type.Integer(),
      areaName: Type.String(),
      creditCode: Type.Union([Type.String(), Type.Null()]),
      legalPerson: Type.Union([Type.String(), Type.Null()]),
      employees: Type.Union([Type.Integer(), Type.Null()]),
      address: Type.Union([Type.String(), Type.Null()]),
    }),
    filing: Type.Union([Filing, Type.Null()]),
    /** Whether the viewer may file, decide and issue codes for this enterprise (enterprise.manage). */
    canManage: Type.Boolean(),
  },
  { $id: 'EnterpriseFilingView' },
);
export type EnterpriseFilingView = Static<typeof EnterpriseFilingView>;

export const EnterpriseListQuery = Type.Object(
  {
    areaId: Type.Optional(Id()),
    /** A filing state, or `none` for enterprises that have not started a filing. */
    state: Type.Optional(Type.Union([FilingState, Type.Literal('none')])),
    overdue: Type.Optional(Type.Boolean()),
    q: Type.Optional(Type.String({ maxLength: 50, 'x-trim': true })),
    page: Type.Optional(Type.Integer({ minimum: 1, maximum: 100000, default: 1 })),
    pageSize: Type.Optional(Type.Integer({ minimum: 1, maximum: 200, default: 50 })),
  },
  { additionalProperties: false },
);
export type EnterpriseListQuery = Static<typeof EnterpriseListQuery>;

export const EnterpriseListItem = Type.Object(
  {
    unitId: Type.Integer(),
    name: Type.String(),
    areaId: Type.Integer(),
    areaName: Type.String(),
    employees: Type.Union([Type.Integer(), Type.Null()]),
    filingId: Type.Union([Type.Integer(), Type.Null()]),
    state: Type.Union([FilingState, Type.Null()]),
    plannedOn: Type.Union([DateString, Type.Null()]),
    headcount: Type.Union([Type.Integer(), Type.Null()]),
    submittedAt: Type.Union([Instant, Type.Null()]),
    decideBy: Type.Union([Instant, Type.Null()]),
    overdue: Type.Boolean(),
  },
  { $id: 'EnterpriseListItem' },
);
export type EnterpriseListItem = Static<typeof EnterpriseListItem>;

export const EnterpriseList = Type.Object(
  {
    items: Type.Array(EnterpriseListItem),
    page: Type.Integer(),
    pageSize: Type.Integer(),
    total: Type.Integer(),
  },
  { $id: 'EnterpriseList' },
);
export type EnterpriseList = Static<typeof EnterpriseList>;

/** Return-to-work figures of a subtree (the dashboard's): approved means back at work. */
export const FilingFigures = Type.Object(
  {
    enterprises: Type.Integer(),
    filed: Type.Integer(),
    draft: Type.Integer(),
    submitted: Type.Integer(),
    inspected: Type.Integer(),
    approved: Type.Integer(),
    returned: Type.Integer(),
    suspended: Type.Integer(),
    overdue: Type.Integer(),
  },
  { $id: 'FilingFigures' },
);
export type FilingFigures = Static<typeof FilingFigures>;

export const FigureQuery = Type.Object({ areaId: Type.Optional(Id()) }, { additionalProperties: false });

export const DocumentParams = Type.Object({ id: Id(), documentId: Id() });
export const TokenDocumentParams = Type.Object({
  token: Type.String({ maxLength: 64, pattern: TOKEN_PATTERN, description: 'The token from the QR code' }),
  documentId: Id(),
});
