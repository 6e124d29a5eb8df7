import { Type, type Static } from 'typebox';
import { ACCESS_CODE_STATUSES, PENDING_CHANGE_STATUSES as PENDING_STATUSES } from '../core/vocabulary.js';
import { Page, PageQuery } from '../core/pagination.js';
import { DOCUMENT_TYPES } from '../register/identity/documents.js';
import { AreaSummary, PersonView, RESIDENCE_TYPES } from '../register/schema.js';
import { TOKEN_PATTERN } from './tokens.js';
import { Id } from '../core/schemas.js';

/** Internal health-code colours (GB/T 38961-2020 field names are not public; sources map onto these). */
export const HEALTH_CODE_COLOURS = ['GREEN', 'YELLOW', 'RED', 'UNKNOWN'] as const;
export type HealthCodeColour = (typeof HEALTH_CODE_COLOURS)[number];
export const HEALTH_CODE_LABELS: Readonly<Record<HealthCodeColour, string>> = {
  GREEN: '绿码',
  YELLOW: '黄码',
  RED: '红码',
  UNKNOWN: '不清楚',
};
/** Suggestions the door page offers; any short text is accepted (shared with the staff forms). */
export { ARRIVAL_REASONS, RELATIONS } from '../core/vocabulary.js';
export const DOOR_INSTRUCTION = '扫码登记：来时登记、走时注销';

const Nullable = <T extends Parameters<typeof Type.Union>[0][number]>(schema: T) =>
  Type.Union([schema, Type.Null()]);
const DateString = Type.String({ format: 'date', description: 'YYYY-MM-DD (China time)' });
const Text = (min: number, max: number, description?: string) =>
  Type.String({ minLength: min, maxLength: max, ...(description ? { description } : {}) });

export const TokenParams = Type.Object(
  {
    token: Type.String({ maxLength: 64, pattern: TOKEN_PATTERN, description: 'The token from the QR code' }),
  },
  { $id: 'TokenParams' },
);

// ---- public forms ----

const Identity = {
  documentType: Type.Optional(Type.Enum(DOCUMENT_TYPES, { description: 'Default resident_id' })),
  documentNumber: Text(1, 40, 'ID number (checked: GB 11643 check character) or other document number'),
  name: Text(1, 50),
};
const Health = {
  healthCodeColour: Type.Enum(HEALTH_CODE_COLOURS),
  vaccinationDoses: Type.Integer({ minimum: 0, maximum: 4 }),
};

export const ArrivalBody = Type.Object(
  {
    ...Identity,
    phone: Text(1, 30, 'Mobile (11 digits) or landline'),
    arrivedFrom: Text(1, 100, 'Where the person came from'),
    arrivalDate: DateString,
    arrivalReason: Text(1, 100),
    ...Health,
    relation: Type.Optional(Text(1, 20, 'Relation to the householder')),
  },
  { $id: 'ArrivalBody', additionalProperties: false },
);
export type ArrivalBody = Static<typeof ArrivalBody>;

export const DepartureBody = Type.Object(
  { ...Identity, departedOn: DateString, destination: Text(1, 100) },
  { $id: 'DepartureBody', additionalProperties: false },
);
export type DepartureBody = Static<typeof DepartureBody>;

export const SelfReportBody = Type.Object(
  {
    ...Identity,
    phone: Text(1, 30),
    arrivedFrom: Text(1, 100, 'Where the person travelled from'),
    travelStartedOn: DateString,
    arrivalDate: DateString,
    transport: Type.Optional(Text(1, 100, 'Train, flight, car… with number')),
    address: Text(1, 200, 'Where the person stays in the community (free text)'),
    healthCodeColour: Health.healthCodeColour,
    vaccinationDoses: Type.Optional(Health.vaccinationDoses),
  },
  { $id: 'SelfReportBody', additionalProperties: false },
);
export type SelfReportBody = Static<typeof SelfReportBody>;

export const SubmissionReceipt = Type.Object(
  {
    status: Type.Literal('pending'),
    message: Type.String(),
  },
  { $id: 'SubmissionReceipt' },
);

const Option = Type.Object({ value: Type.String(), label: Type.String() });
const DateRange = Type.Object({ min: Type.String(), max: Type.String() });

export const FormOptions = Type.Object(
  {
    documentTypes: Type.Array(Option),
    healthCodeColours: Type.Array(Option),
    vaccinationDoses: Type.Object({ minimum: Type.Integer(), maximum: Type.Integer() }),
    arrivalReasons: Type.Array(Type.String()),
    relations: Type.Array(Type.String()),
    /** Dates the server accepts today, so the page can limit its pickers. */
    dateLimits: Type.Record(Type.String(), DateRange),
  },
  { $id: 'FormOptions' },
);
export type FormOptions = Static<typeof FormOptions>;

export const HouseholdDoorPage = Type.Object(
  {
    house: Type.Object({
      address: Type.String(),
      doorNumber: Nullable(Type.String()),
      building: Nullable(Type.String()),
      unitNumber: Nullable(Type.String()),
      room: Nullable(Type.String()),
    }),
    community: Nullable(Type.Object({ name: Type.String() })),
    instruction: Type.String(),
    forms: FormOptions,
  },
  { $id: 'HouseholdDoorPage' },
);
export type HouseholdDoorPage = Static<typeof HouseholdDoorPage>;

export const SelfReportPage = Type.Object(
  {
    community: Type.Object({ name: Type.String() }),
    instruction: Type.String(),
    forms: FormOptions,
  },
  { $id: 'SelfReportPage' },
);
export type SelfReportPage = Static<typeof SelfReportPage>;

// ---- staff: codes ----

export const CODE_KINDS = ['household', 'self_report', 'place', 'enterprise', 'employee_apply'] as const;

export const CodeView = Type.Object(
  {
    id: Type.Integer(),
    kind: Type.Enum(CODE_KINDS),
    status: Type.Enum(ACCESS_CODE_STATUSES),
    issuedAt: Type.String({ format: 'date-time' }),
    issuedBy: Type.String(),
    revokedAt: Nullable(Type.String({ format: 'date-time' })),
    revokedBy: Nullable(Type.String()),
    revokeReason: Nullable(Type.String()),
    houseId: Nullable(Type.Integer()),
    placeId: Nullable(Type.Integer()),
    unitId: Nullable(Type.Integer()),
    area: AreaSummary,
    /** House address, place name, enterprise name or community name. */
    label: Type.String(),
    /** Only when the code is issued: later, print the label again (door-labels.pdf). */
    scanUrl: Nullable(Type.String()),
  },
  { $id: 'CodeView' },
);
export type CodeView = Static<typeof CodeView>;
export const CodePage = Type.With(Page(CodeView), { $id: 'CodePage' });

export const CodeQuery = Type.Intersect(
  [
    PageQuery,
    Type.Object({
      kind: Type.Optional(Type.Enum(CODE_KINDS)),
      within: Type.Optional(Id()),
      houseId: Type.Optional(Id()),
      placeId: Type.Optional(Id()),
      status: Type.Optional(Type.Enum([...ACCESS_CODE_STATUSES, 'all'], { default: 'active' })),
    }),
  ],
  { $id: 'CodeQuery' },
);
export type CodeQuery = Static<typeof CodeQuery>;

// ---- staff: a worker's scanner ----

export const ScanQuery = Type.Object(
  {
    code: Type.String({
      minLength: 1,
      maxLength: 2000,
      description: "What the scanner read: the door code's address (…/h/<token>) or the bare token",
    }),
  },
  { $id: 'DoorCodeScanQuery', additionalProperties: false },
);
export type ScanQuery = Static<typeof ScanQuery>;

export const ScannedHouse = Type.Object(
  {
    houseId: Type.Integer(),
    address: Type.String(),
    area: AreaSummary,
  },
  { $id: 'ScannedHouse', description: 'The house a scanned door code opens, in the caller’s area' },
);
export type ScannedHouse = Static<typeof ScannedHouse>;

export const RevokeCodeBody = Type.Object(
  { reason: Type.Optional(Text(1, 200)) },
  { $id: 'RevokeCodeBody', additionalProperties: false },
);

export const BulkIssueBody = Type.Object(
  {
    reissue: Type.Optional(
      Type.Boolean({
        description: 'Revoke and replace existing codes too (default: only houses without one)',
      }),
    ),
  },
  { $id: 'BulkIssueBody', additionalProperties: false },
);
export const BulkIssueResult = Type.Object(
  {
    area: AreaSummary,
    houses: Type.Integer(),
    issued: Type.Integer(),
    alreadyHad: Type.Integer(),
  },
  { $id: 'BulkIssueResult' },
);

// ---- staff: pending changes ----

export { PENDING_STATUSES };
export const PENDING_KINDS = ['arrival', 'departure', 'self_report'] as const;

export const PendingAnswers = Type.Object(
  {
    arrivedFrom: Type.Optional(Type.String()),
    arrivalDate: Type.Optional(Type.String()),
    arrivalReason: Type.Optional(Type.String()),
    relation: Type.Optional(Type.String()),
    departedOn: Type.Optional(Type.String()),
    destination: Type.Optional(Type.String()),
    travelStartedOn: Type.Optional(Type.String()),
    transport: Type.Optional(Type.String()),
    address: Type.Optional(Type.String()),
  },
  { $id: 'PendingAnswers' },
);
export type PendingAnswers = Static<typeof PendingAnswers>;

export const PendingChangeView = Type.Object(
  {
    id: Type.Integer(),
    kind: Type.Enum(PENDING_KINDS),
    status: Type.Enum(PENDING_STATUSES),
    submittedAt: Type.String({ format: 'date-time' }),
    house: Nullable(Type.Object({ id: Type.Integer(), address: Type.String() })),
    area: AreaSummary,
    name: Type.String(),
    documentType: Type.String(),
    documentMasked: Type.String(),
    phoneMasked: Nullable(Type.String()),
    answers: PendingAnswers,
    /** Health-code colour and doses: only for viewers with health.read there. */
    health: Nullable(
      Type.Object({ healthCodeColour: Nullable(Type.String()), vaccinationDoses: Nullable(Type.Integer()) }),
    ),
    /**
     * Departure: the active resident of this house with this document (none: can only be rejected).
     * Arrival / self-report: the registered person confirmation will update, if in your area.
     */
    matchedPersonId: Nullable(Type.Integer()),
    decidedAt: Nullable(Type.String({ format: 'date-time' })),
    decidedBy: Nullable(Type.String()),
    rejectReason: Nullable(Type.String()),
    personId: Nullable(Type.Integer()),
  },
  { $id: 'PendingChangeView' },
);
export type PendingChangeView = Static<typeof PendingChangeView>;
export const PendingChangePage = Type.With(Page(PendingChangeView), { $id: 'PendingChangePage' });

export const PendingQuery = Type.Intersect(
  [
    PageQuery,
    Type.Object({
      within: Type.Optional(Id()),
      status: Type.Optional(Type.Enum([...PENDING_STATUSES, 'all'], { default: 'pending' })),
      kind: Type.Optional(Type.Enum(PENDING_KINDS)),
    }),
  ],
  { $id: 'PendingQuery' },
);
export type PendingQuery = Static<typeof PendingQuery>;

export const ConfirmBody = Type.Object(
  {
    houseId: Type.Optional(
      Id({
        description: 'Self-report only: the house in the community to register into',
      }),
    ),
    areaId: Type.Optional(
      Id({
        description: 'Self-report only: a grid, micro-grid or cell of the community',
      }),
    ),
    residenceType: Type.Optional(
      Type.Enum(RESIDENCE_TYPES, { description: 'Default for people new to the register: floating' }),
    ),
  },
  { $id: 'ConfirmBody', additionalProperties: false },
);
export type ConfirmBody = Static<typeof ConfirmBody>;
export const ConfirmResult = Type.Object(
  { change: PendingChangeView, person: PersonView },
  { $id: 'ConfirmResult' },
);
export const RejectBody = Type.Object(
  { reason: Type.String({ minLength: 2, maxLength: 200 }) },
  { $id: 'RejectBody', additionalProperties: false },
);
