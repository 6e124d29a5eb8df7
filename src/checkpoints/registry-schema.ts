import { type Static, type TSchema, Type } from 'typebox';
import { Page, PageQuery } from '../core/pagination.js';
import { Id, RequiredText } from '../core/schemas.js';
import { CHECKPOINT_KINDS } from '../core/vocabulary.js';
import { CodeView } from '../household-codes/schema.js';
import { AreaSummary } from '../register/schema.js';
import { StaffingView } from './rota-schema.js';

const Nullable = <T extends TSchema>(schema: T) => Type.Union([schema, Type.Null()]);

/** A local (China) time of day, "07:30". */
const ClockTime = Type.String({
  pattern: '^([01][0-9]|2[0-3]):[0-5][0-9]$',
  description: 'HH:MM, China time',
});

export const OpeningSpan = Type.Object(
  { from: ClockTime, to: ClockTime },
  {
    $id: 'OpeningSpan',
    additionalProperties: false,
    description: 'Open from `from` until `to`; a `to` earlier than `from` runs past midnight',
  },
);

const Hours = Nullable(
  Type.Array(OpeningSpan, { minItems: 1, maxItems: 6, description: 'Opening hours; null: around the clock' }),
);

const CheckFields = {
  checkTemperature: Type.Optional(Type.Boolean({ description: 'Take the temperature (default true)' })),
  checkHealthCode: Type.Optional(Type.Boolean({ description: 'Check the health code (default true)' })),
  testWithinHours: Type.Optional(
    Nullable(
      Type.Integer({ minimum: 1, maximum: 720, description: 'A negative test within N hours; null: none' }),
    ),
  ),
  passRequired: Type.Optional(Type.Boolean({ description: 'Only holders of a valid pass (通行证) pass' })),
  residentsOnly: Type.Optional(
    Type.Boolean({ description: 'Residents only; visitors register through the place code' }),
  ),
};

const CheckpointCode = Type.String({
  pattern: '^[A-Za-z0-9_-]{1,40}$',
  description: 'Unique code, e.g. XH-E1',
});

export const CheckpointBody = Type.Object(
  {
    areaId: Id({ description: 'The area the checkpoint belongs to (its figures roll up there)' }),
    code: CheckpointCode,
    name: RequiredText(100),
    kind: Type.Enum(CHECKPOINT_KINDS),
    lng: Type.Optional(Nullable(Type.Number({ minimum: -180, maximum: 180 }))),
    lat: Type.Optional(Nullable(Type.Number({ minimum: -90, maximum: 90 }))),
    teamId: Type.Optional(
      Nullable(Id({ description: 'The responsible team; its leader gets staffing alerts' })),
    ),
    hours: Type.Optional(Hours),
    ...CheckFields,
  },
  { $id: 'CheckpointBody', additionalProperties: false },
);
export type CheckpointBody = Static<typeof CheckpointBody>;

export const CheckpointPatch = Type.Object(
  {
    code: Type.Optional(CheckpointCode),
    name: Type.Optional(RequiredText(100)),
    kind: Type.Optional(Type.Enum(CHECKPOINT_KINDS)),
    lng: Type.Optional(Nullable(Type.Number({ minimum: -180, maximum: 180 }))),
    lat: Type.Optional(Nullable(Type.Number({ minimum: -90, maximum: 90 }))),
    teamId: Type.Optional(Nullable(Id())),
    hours: Type.Optional(Hours),
    ...CheckFields,
  },
  { $id: 'CheckpointPatch', additionalProperties: false, minProperties: 1 },
);
export type CheckpointPatch = Static<typeof CheckpointPatch>;

export const CheckpointView = Type.Object(
  {
    id: Type.Integer(),
    code: Type.String(),
    name: Type.String(),
    kind: Type.Enum(CHECKPOINT_KINDS),
    area: AreaSummary,
    lng: Nullable(Type.Number()),
    lat: Nullable(Type.Number()),
    team: Nullable(
      Type.Object({ id: Type.Integer(), name: Type.String(), leaderName: Nullable(Type.String()) }),
    ),
    hours: Nullable(Type.Array(OpeningSpan)),
    checkTemperature: Type.Boolean(),
    checkHealthCode: Type.Boolean(),
    testWithinHours: Nullable(Type.Integer()),
    passRequired: Type.Boolean(),
    residentsOnly: Type.Boolean(),
    placeId: Nullable(Type.Integer()),
    retiredAt: Nullable(Type.String({ format: 'date-time' })),
    createdAt: Type.String({ format: 'date-time' }),
    updatedAt: Type.String({ format: 'date-time' }),
    staffing: StaffingView,
  },
  { $id: 'CheckpointView' },
);
export type CheckpointView = Static<typeof CheckpointView>;
export const CheckpointPage = Type.With(Page(CheckpointView), { $id: 'CheckpointPage' });
export const CheckpointCreated = Type.Object(
  { checkpoint: CheckpointView, placeCode: CodeView },
  { $id: 'CheckpointCreated', description: 'The place code’s scan URL is shown once; print the label later' },
);

export const CheckpointQuery = Type.Intersect(
  [
    PageQuery,
    Type.Object({
      within: Type.Optional(Id({ description: 'Only checkpoints in this area and below' })),
      kind: Type.Optional(Type.Enum(CHECKPOINT_KINDS)),
      q: Type.Optional(Type.String({ maxLength: 100, description: 'Part of the name or code' })),
      includeRetired: Type.Optional(Type.Boolean()),
    }),
  ],
  { $id: 'CheckpointQuery' },
);
export type CheckpointQuery = Static<typeof CheckpointQuery>;
