import { type Static, Type } from 'typebox';
import { CHECKPOINT_KINDS } from '../core/vocabulary.js';

const Nullable = <T extends Parameters<typeof Type.Union>[0][number]>(schema: T) =>
  Type.Union([schema, Type.Null()]);

/** Where the phone was when signing in or out (optional: a phone may have no fix). */
const Position = {
  lng: Type.Optional(Type.Number({ minimum: -180, maximum: 180, description: 'Longitude (WGS-84)' })),
  lat: Type.Optional(Type.Number({ minimum: -90, maximum: 90, description: 'Latitude (WGS-84)' })),
  accuracyM: Type.Optional(
    Type.Integer({ minimum: 0, maximum: 10000, description: 'GPS accuracy in metres' }),
  ),
};

export const DutySignInBody = Type.Object(Position, { $id: 'DutySignInBody', additionalProperties: false });
export type DutySignInBody = Static<typeof DutySignInBody>;

export const DutySignOutBody = Type.Object(
  {
    ...Position,
    handoverNote: Type.Optional(
      Type.String({
        maxLength: 500,
        'x-trim': true,
        description: 'What the next person on duty should know',
      }),
    ),
  },
  { $id: 'DutySignOutBody', additionalProperties: false },
);
export type DutySignOutBody = Static<typeof DutySignOutBody>;

export const DutyView = Type.Object(
  {
    id: Type.Integer(),
    checkpoint: Type.Object({ id: Type.Integer(), name: Type.String() }),
    signedInAt: Type.String({ format: 'date-time' }),
    signedOutAt: Nullable(Type.String({ format: 'date-time' })),
    position: Nullable(
      Type.Object({ lng: Type.Number(), lat: Type.Number(), accuracyM: Nullable(Type.Integer()) }),
    ),
    handoverNote: Nullable(Type.String()),
    shiftId: Nullable(Type.Integer()),
  },
  { $id: 'DutyView' },
);
export type DutyView = Static<typeof DutyView>;

/** The last hand-over note left at a checkpoint, for whoever signs in next. */
export const Handover = Type.Object(
  { note: Type.String(), by: Type.String(), at: Type.String({ format: 'date-time' }) },
  { $id: 'DutyHandover' },
);
export type Handover = Static<typeof Handover>;

export const DutySignInResult = Type.Object(
  {
    duty: DutyView,
    /** The duty elsewhere that signing in here closed (one open duty per person). */
    closed: Nullable(DutyView),
    lastHandover: Nullable(Handover),
  },
  { $id: 'DutySignInResult' },
);
export type DutySignInResult = Static<typeof DutySignInResult>;

/** A checkpoint as the person on duty needs it: where, and which checks apply. */
export const DutyCheckpoint = Type.Object(
  {
    id: Type.Integer(),
    code: Type.String(),
    name: Type.String(),
    kind: Type.Enum(CHECKPOINT_KINDS),
    area: Type.Object({ id: Type.Integer(), name: Type.String() }),
    lng: Nullable(Type.Number()),
    lat: Nullable(Type.Number()),
    teamId: Nullable(Type.Integer()),
    rules: Type.Object({
      checkTemperature: Type.Boolean(),
      checkHealthCode: Type.Boolean(),
      testWithinHours: Nullable(Type.Integer()),
      passRequired: Type.Boolean(),
      residentsOnly: Type.Boolean(),
      /** The deployment's fever line (GRIDGUARD_FEVER_THRESHOLD), °C: a reading at or above it is fever. */
      feverThreshold: Type.Number(),
    }),
    /** People signed in there now. */
    onDuty: Type.Integer(),
  },
  { $id: 'DutyCheckpoint' },
);
export type DutyCheckpoint = Static<typeof DutyCheckpoint>;

export const MyDuty = Type.Object(
  {
    duty: Nullable(DutyView),
    checkpoints: Type.Array(DutyCheckpoint),
    lastHandover: Nullable(Handover),
  },
  { $id: 'MyDuty' },
);
export type MyDuty = Static<typeof MyDuty>;
