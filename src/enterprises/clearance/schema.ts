import { type Static, Type } from 'typebox';
import { Id } from '../../core/schemas.js';
import { HealthReason } from '../../health/status/schema.js';
import { TOKEN_PATTERN } from '../../household-codes/tokens.js';
import { RowRejectSchema } from '../../imports/schema.js';

/** An employee's clearance to come back to work (复工人员审核). */
export const CLEARANCE_STATUSES = ['cleared', 'pending', 'refused'] as const;
export type ClearanceStatus = (typeof CLEARANCE_STATUSES)[number];

/**
 * What the employee must do before being cleared: the only thing an enterprise or employee learns
 * of the health facts behind a status. Translated on the web (clearance.action.*).
 */
export const CLEARANCE_ACTIONS = [
  'contactCommunity',
  'getTested',
  'registerAtCommunity',
  'seeDoctor',
  'updateHealthCode',
  'waitMonitoringEnd',
] as const;
export type ClearanceAction = (typeof CLEARANCE_ACTIONS)[number];

const Nullable = <T extends Parameters<typeof Type.Union>[0][number]>(schema: T) =>
  Type.Union([schema, Type.Null()]);

/** One employee as the enterprise sees them: masked identity, status, what to do. No health facts. */
export const RosterEmployee = Type.Object(
  {
    id: Type.Integer(),
    nameMasked: Type.String(),
    idNumberMasked: Type.String({ description: 'First and last character only' }),
    phoneMasked: Nullable(Type.String()),
    source: Type.Union([Type.Literal('roster'), Type.Literal('application')]),
    status: Type.Enum(CLEARANCE_STATUSES),
    actions: Type.Array(Type.Enum(CLEARANCE_ACTIONS)),
  },
  { $id: 'RosterEmployee' },
);
export type RosterEmployee = Static<typeof RosterEmployee>;

export const ClearanceCounts = Type.Object(
  { total: Type.Integer(), cleared: Type.Integer(), pending: Type.Integer(), refused: Type.Integer() },
  { $id: 'ClearanceCounts' },
);
export type ClearanceCounts = Static<typeof ClearanceCounts>;

export const RosterUploadView = Type.Object(
  {
    id: Type.Integer(),
    fileName: Type.String(),
    createdAt: Type.String({ format: 'date-time' }),
    received: Type.Integer({ description: 'Data rows read' }),
    accepted: Type.Integer({ description: 'Rows now on the roster (new or kept)' }),
    removed: Type.Integer({ description: 'Roster employees no longer in the file, taken off' }),
    rejectedTotal: Type.Integer(),
    rejected: Type.Array(RowRejectSchema, { description: 'At most 1,000; rejectedTotal counts them all' }),
  },
  { $id: 'RosterUploadView' },
);
export type RosterUploadView = Static<typeof RosterUploadView>;

export const Roster = Type.Object(
  {
    counts: ClearanceCounts,
    items: Type.Array(RosterEmployee),
    lastUpload: Nullable(RosterUploadView),
    computedAt: Type.String({ format: 'date-time' }),
  },
  { $id: 'Roster' },
);
export type Roster = Static<typeof Roster>;

/** A staff member's view of one employee: with health.read in scope, the reasons too. */
export const StaffRosterEmployee = Type.Object(
  {
    ...RosterEmployee.properties,
    personId: Nullable(Type.Integer({ description: 'The register person, with health.read in scope' })),
    reasons: Nullable(Type.Array(HealthReason, { description: 'Only with health.read in scope' })),
  },
  { $id: 'StaffRosterEmployee' },
);
export type StaffRosterEmployee = Static<typeof StaffRosterEmployee>;

export const StaffRoster = Type.Object(
  {
    counts: ClearanceCounts,
    items: Type.Array(StaffRosterEmployee),
    lastUpload: Nullable(RosterUploadView),
    computedAt: Type.String({ format: 'date-time' }),
    reasonsShown: Type.Boolean({ description: 'Whether the viewer holds health.read here (reasons shown)' }),
  },
  { $id: 'StaffRoster' },
);
export type StaffRoster = Static<typeof StaffRoster>;

export const RosterQuery = Type.Object(
  { reasons: Type.Optional(Type.Boolean({ description: 'Show the health reasons (health.read; audited)' })) },
  { additionalProperties: false },
);

export const RosterUploadParams = Type.Object(
  {
    token: Type.String({ maxLength: 64, pattern: TOKEN_PATTERN }),
    uploadId: Id(),
  },
  { $id: 'RosterUploadParams' },
);

export const UnitRosterParams = Type.Object({ unitId: Id() }, { $id: 'UnitRosterParams' });

export const EmployeeApplicationBody = Type.Object(
  {
    name: Type.String({ minLength: 1, maxLength: 50 }),
    idNumber: Type.String({ minLength: 1, maxLength: 40, description: 'Resident ID number (GB 11643)' }),
    phone: Type.Optional(Type.String({ minLength: 1, maxLength: 30 })),
  },
  { $id: 'EmployeeApplicationBody', additionalProperties: false },
);
export type EmployeeApplicationBody = Static<typeof EmployeeApplicationBody>;

/** The answer an employee gets: status and what to do, nothing else. */
export const EmployeeApplicationResult = Type.Object(
  {
    enterprise: Type.String(),
    status: Type.Enum(CLEARANCE_STATUSES),
    actions: Type.Array(Type.Enum(CLEARANCE_ACTIONS)),
  },
  { $id: 'EmployeeApplicationResult' },
);
export type EmployeeApplicationResult = Static<typeof EmployeeApplicationResult>;

/** Employees on rosters and their clearance, per area (the dashboard's figures). */
export const ClearanceAreaCounts = Type.Object(
  { areaPath: Type.String(), ...ClearanceCounts.properties },
  { $id: 'ClearanceAreaCounts' },
);
export type ClearanceAreaCounts = Static<typeof ClearanceAreaCounts>;
