import { type Static, Type } from 'typebox';
import {
  CHECKPOINT_DECISIONS,
  CHECKPOINT_DIRECTIONS,
  CHECKPOINT_RECORD_SOURCES,
  CHECKPOINT_SUBJECTS,
  HEALTH_VERDICTS,
} from '../core/vocabulary.js';
import { HEALTH_REASON_CODES, REASON_SEVERITIES } from '../health/status/schema.js';

const Nullable = <T extends Parameters<typeof Type.Union>[0][number]>(schema: T) =>
  Type.Union([schema, Type.Null()]);

/** Reasons a checkpoint's own rules add to the health verdict (translated as `healthReason.<code>`). */
export const GATE_REASON_CODES = [
  'PASS_VALID',
  'PASS_REQUIRED',
  'PASS_EXPIRED',
  'PASS_NOT_YET_VALID',
  'PASS_REVOKED',
  'PASS_WRONG_CHECKPOINT',
  'NOT_RESIDENT',
  'FEVER',
] as const;
export type GateReasonCode = (typeof GATE_REASON_CODES)[number];

export const GateReason = Type.Object(
  {
    code: Type.Enum([...HEALTH_REASON_CODES, ...GATE_REASON_CODES]),
    severity: Type.Enum(REASON_SEVERITIES),
    params: Type.Record(Type.String(), Type.Union([Type.String(), Type.Number(), Type.Null()])),
  },
  { $id: 'GateReason' },
);
export type GateReason = Static<typeof GateReason>;

export const IdentifyBody = Type.Object(
  {
    idNumber: Type.Optional(
      Type.String({
        minLength: 1,
        maxLength: 30,
        'x-trim': true,
        description: 'Resident ID number, typed or scanned',
      }),
    ),
    doorToken: Type.Optional(
      Type.String({
        minLength: 1,
        maxLength: 500,
        'x-trim': true,
        description: 'A scanned household door code (address or token)',
      }),
    ),
    passToken: Type.Optional(
      Type.String({ minLength: 1, maxLength: 2000, 'x-trim': true, description: 'A scanned pass (GGP1.…)' }),
    ),
    recordId: Type.Optional(
      Type.Integer({
        minimum: 1,
        maximum: Number.MAX_SAFE_INTEGER,
        description: 'A recent face-gate record at this checkpoint',
      }),
    ),
  },
  {
    $id: 'IdentifyBody',
    additionalProperties: false,
    description: 'Exactly one of idNumber, doorToken, passToken, recordId',
  },
);
export type IdentifyBody = Static<typeof IdentifyBody>;

/** One identified person: masked identity and the verdict, never the clear name or number. */
export const CheckSubject = Type.Object(
  {
    /** Short-lived signed handle to record this person's crossing with (not the person id). */
    handle: Type.String(),
    handleExpiresAt: Type.String({ format: 'date-time' }),
    nameMasked: Type.String(),
    documentMasked: Type.String(),
    verdict: Type.Enum(HEALTH_VERDICTS),
    reasons: Type.Array(GateReason),
    pass: Nullable(
      Type.Object({
        code: Type.String(),
        purpose: Type.String(),
        validTo: Type.String({ format: 'date-time' }),
      }),
    ),
  },
  { $id: 'CheckSubject' },
);
export type CheckSubject = Static<typeof CheckSubject>;

export const IdentifyResult = Type.Object(
  {
    checkpoint: Type.Object({ id: Type.Integer(), name: Type.String() }),
    via: Type.Enum(['id_number', 'door_code', 'pass', 'device_record']),
    /** One person, or a household's members to pick from (door code). */
    subjects: Type.Array(CheckSubject),
  },
  { $id: 'IdentifyResult' },
);
export type IdentifyResult = Static<typeof IdentifyResult>;

export const CheckBody = Type.Object(
  {
    handle: Type.String({ minLength: 1, maxLength: 1000, description: 'From identify' }),
    direction: Type.Enum(CHECKPOINT_DIRECTIONS),
    temperature: Type.Optional(
      Type.Number({
        minimum: 30,
        maximum: 45,
        description: 'Body temperature °C (≥ 37.3 is fever); required where the checkpoint takes it',
      }),
    ),
    disinfected: Type.Optional(Type.Boolean()),
    decision: Type.Enum(CHECKPOINT_DECISIONS),
    note: Type.Optional(Type.String({ maxLength: 200, 'x-trim': true })),
  },
  { $id: 'CheckBody', additionalProperties: false },
);
export type CheckBody = Static<typeof CheckBody>;

export const CheckRecordView = Type.Object(
  {
    id: Type.String(),
    at: Type.String({ format: 'date-time' }),
    subject: Type.Enum(CHECKPOINT_SUBJECTS),
    source: Type.Enum(CHECKPOINT_RECORD_SOURCES),
    direction: Nullable(Type.Enum(CHECKPOINT_DIRECTIONS)),
    nameMasked: Nullable(Type.String()),
    documentMasked: Nullable(Type.String()),
    plate: Nullable(Type.String()),
    temperature: Nullable(Type.Number()),
    fever: Type.Boolean(),
    disinfected: Nullable(Type.Boolean()),
    verdict: Nullable(Type.Enum(HEALTH_VERDICTS)),
    reasons: Type.Array(Type.String(), { description: 'Reason codes' }),
    decision: Nullable(Type.Enum(CHECKPOINT_DECISIONS)),
    eventId: Nullable(Type.Integer()),
    recordedBy: Nullable(Type.String()),
  },
  { $id: 'CheckRecordView' },
);
export type CheckRecordView = Static<typeof CheckRecordView>;

export const CheckResult = Type.Object(
  {
    record: CheckRecordView,
    /** The event the refusal or fever opened for the person's grid worker. */
    event: Nullable(Type.Object({ id: Type.Integer(), code: Type.String() })),
  },
  { $id: 'CheckResult' },
);
export type CheckResult = Static<typeof CheckResult>;

export const RecentChecks = Type.Object({ items: Type.Array(CheckRecordView) }, { $id: 'RecentChecks' });
export type RecentChecks = Static<typeof RecentChecks>;
