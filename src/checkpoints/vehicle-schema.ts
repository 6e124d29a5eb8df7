import { type Static, type TSchema, Type } from 'typebox';
import { Id, RequiredText } from '../core/schemas.js';
import {
  CHECKPOINT_DECISIONS,
  CHECKPOINT_DIRECTIONS,
  CHECKPOINT_RECORD_SOURCES,
} from '../core/vocabulary.js';

const Nullable = <T extends TSchema>(schema: T) => Type.Union([schema, Type.Null()]);
const DateTime = Type.String({ format: 'date-time' });
/** What a person types or a camera reads: checked and normalised by checkpoints/plate.ts, not by a pattern. */
const PlateInput = Type.String({
  minLength: 1,
  maxLength: 20,
  description: 'A mainland plate, e.g. 浙A12345',
});
/** A resident ID number as typed (checked by the register's document rules). */
const IdNumberInput = Type.String({ minLength: 1, maxLength: 30 });
const Direction = Type.Enum(CHECKPOINT_DIRECTIONS);
const Decision = Type.Enum(CHECKPOINT_DECISIONS);
const VEHICLE_RISK_KINDS = ['origin', 'checkpoint', 'trail'] as const;

export const CheckpointPlateParams = Type.Object({ id: Id(), plate: PlateInput });
export type CheckpointPlateParams = Static<typeof CheckpointPlateParams>;

/** Why a vehicle is flagged: a place of its declared origin or trail lies in a current risk area. */
export const VehicleRiskReason = Type.Object(
  {
    kind: Type.Enum(VEHICLE_RISK_KINDS, {
      description:
        'origin: a declared origin; checkpoint: a read or check at a checkpoint there; trail: an imported trail point',
    }),
    place: Type.String({ description: 'The place or region code that matched' }),
    at: DateTime,
    riskArea: Type.String(),
    level: Type.Enum(['high', 'medium', 'low'] as const),
  },
  { $id: 'VehicleRiskReason' },
);
export type VehicleRiskReason = Static<typeof VehicleRiskReason>;

export const VehicleOccupantView = Type.Object(
  {
    role: Type.Enum(['driver', 'passenger'] as const),
    documentMasked: Type.String(),
    known: Type.Boolean({ description: 'The ID number matched a person in the register' }),
  },
  { $id: 'VehicleOccupantView' },
);

/** One crossing of the plate at any checkpoint. Details of crossings outside the viewer's area are left out. */
export const VehicleRecordView = Type.Object(
  {
    id: Type.String(),
    checkpoint: Type.Object({ id: Type.Integer(), name: Type.String() }),
    at: DateTime,
    lastReadAt: Nullable(DateTime),
    reads: Type.Integer(),
    source: Type.Enum(CHECKPOINT_RECORD_SOURCES),
    plate: Type.String(),
    direction: Nullable(Direction),
    decision: Nullable(Decision),
    origin: Nullable(Type.String()),
    destination: Nullable(Type.String()),
    cargo: Nullable(Type.String()),
    flagged: Type.Boolean(),
    recordedBy: Nullable(Type.String()),
    occupants: Type.Array(VehicleOccupantView),
    inScope: Type.Boolean({
      description: 'false: a checkpoint outside your area; only where, when and what was decided',
    }),
  },
  { $id: 'VehicleRecordView' },
);
export type VehicleRecordView = Static<typeof VehicleRecordView>;

export const VehicleLookup = Type.Object(
  {
    plate: Type.String({ description: 'The normal form' }),
    plateKind: Type.String(),
    windowHours: Type.Integer(),
    /** The latest staff check in the window, at any checkpoint: "checked once, known everywhere". */
    lastCheck: Nullable(VehicleRecordView),
    history: Type.Array(VehicleRecordView),
    flagged: Type.Boolean(),
    reasons: Type.Array(VehicleRiskReason),
  },
  { $id: 'VehicleLookup' },
);
export type VehicleLookup = Static<typeof VehicleLookup>;

export const VehicleCheckBody = Type.Object(
  {
    plate: PlateInput,
    direction: Direction,
    decision: Decision,
    origin: Type.Optional(
      RequiredText(100, {
        description: 'Where the vehicle comes from: a region code (6, 9 or 12 digits) or a place',
      }),
    ),
    destination: Type.Optional(RequiredText(100)),
    cargo: Type.Optional(RequiredText(200)),
    driverIdNumber: Type.Optional(IdNumberInput),
    passengerIdNumbers: Type.Optional(Type.Array(IdNumberInput, { maxItems: 8 })),
  },
  { $id: 'VehicleCheckBody', additionalProperties: false },
);
export type VehicleCheckBody = Static<typeof VehicleCheckBody>;

export const VehicleCheckResult = Type.Object(
  { record: VehicleRecordView, vehicle: VehicleLookup },
  { $id: 'VehicleCheckResult' },
);
export type VehicleCheckResult = Static<typeof VehicleCheckResult>;

export const RecentVehiclesQuery = Type.Object({
  flagged: Type.Optional(Type.Boolean()),
  limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 200, default: 50 })),
});
export type RecentVehiclesQuery = Static<typeof RecentVehiclesQuery>;

export const RecentVehicles = Type.Object(
  { windowHours: Type.Integer(), items: Type.Array(VehicleRecordView) },
  { $id: 'RecentVehicles' },
);
export type RecentVehicles = Static<typeof RecentVehicles>;

export const CheckpointVehicles = Type.Object(
  {
    checkpoint: Type.Object({ id: Type.Integer(), name: Type.String() }),
    windowHours: Type.Integer(),
    items: Type.Array(VehicleRecordView),
  },
  { $id: 'CheckpointVehicles' },
);
export type CheckpointVehicles = Static<typeof CheckpointVehicles>;

export const VehicleTrailsBody = Type.Object(
  {
    trails: Type.Array(
      Type.Object(
        {
          plate: PlateInput,
          at: DateTime,
          regionCode: Type.Optional(Type.String({ maxLength: 12 })),
          place: Type.Optional(Type.String({ maxLength: 100 })),
          externalId: Type.Optional(RequiredText(100)),
        },
        { additionalProperties: false },
      ),
      { minItems: 1, maxItems: 1000 },
    ),
  },
  { $id: 'VehicleTrailsBody', additionalProperties: false },
);
export type VehicleTrailsBody = Static<typeof VehicleTrailsBody>;

/** A row of a batch that was not stored, and why (the same codes and fields as a single request's error). */
export const RowReject = Type.Object(
  {
    index: Type.Integer(),
    code: Type.String(),
    field: Type.String(),
    message: Type.String(),
  },
  { $id: 'RowReject' },
);
export type RowReject = Static<typeof RowReject>;

export const VehicleTrailsResult = Type.Object(
  { stored: Type.Integer(), duplicates: Type.Integer(), rejects: Type.Array(RowReject) },
  { $id: 'VehicleTrailsResult' },
);
export type VehicleTrailsResult = Static<typeof VehicleTrailsResult>;
