import { type Static, type TSchema, Type } from 'typebox';
import { RequiredText } from '../core/schemas.js';
import { CHECKPOINT_DIRECTIONS } from '../core/vocabulary.js';

const DateTime = Type.String({ format: 'date-time' });
/** A batch is one request; larger feeds send several. */
export const MAX_READS_PER_REQUEST = 500;

const common = {
  camera: Type.Optional(
    RequiredText(60, {
      description: 'The device code; required only when the token is not bound to one device',
    }),
  ),
  at: DateTime,
  externalId: Type.Optional(
    RequiredText(100, { description: 'The device’s own read id: resending it is idempotent' }),
  ),
  direction: Type.Optional(Type.Enum(CHECKPOINT_DIRECTIONS)),
};

export const PlateRead = Type.Object(
  {
    ...common,
    plate: Type.String({ minLength: 1, maxLength: 20, description: 'The plate as read, e.g. 浙A12345' }),
  },
  { $id: 'PlateRead', additionalProperties: false },
);
export type PlateRead = Static<typeof PlateRead>;

export const FaceRead = Type.Object(
  {
    ...common,
    temperature: Type.Number({ minimum: 30, maximum: 45, description: 'Body temperature in °C' }),
    idNumber: Type.Optional(
      Type.String({ minLength: 1, maxLength: 30, description: 'The ID number the gate recognised, if any' }),
    ),
  },
  { $id: 'FaceRead', additionalProperties: false },
);
export type FaceRead = Static<typeof FaceRead>;

const oneOrBatch = <T extends TSchema>(read: T, id: string) =>
  Type.Union([read, Type.Array(read, { minItems: 1, maxItems: MAX_READS_PER_REQUEST })], { $id: id });

export const PlateReadsBody = oneOrBatch(PlateRead, 'PlateReadsBody');
export type PlateReadsBody = PlateRead | PlateRead[];
export const FaceReadsBody = oneOrBatch(FaceRead, 'FaceReadsBody');
export type FaceReadsBody = FaceRead | FaceRead[];

export const DeviceReadOutcome = Type.Object(
  {
    index: Type.Integer(),
    status: Type.Enum(['stored', 'merged', 'duplicate', 'rejected'] as const, {
      description:
        'stored: a new record; merged: into the record of the same plate at this gate within the merge window; duplicate: this externalId was received before; rejected: see code',
    }),
    recordId: Type.Union([Type.String(), Type.Null()]),
    flagged: Type.Boolean(),
    fever: Type.Boolean(),
    eventId: Type.Union([Type.Integer(), Type.Null()]),
    code: Type.Union([Type.String(), Type.Null()]),
    field: Type.Union([Type.String(), Type.Null()]),
    message: Type.Union([Type.String(), Type.Null()]),
  },
  { $id: 'DeviceReadOutcome' },
);
export type DeviceReadOutcome = Static<typeof DeviceReadOutcome>;

export const DeviceReadsResult = Type.Object(
  {
    stored: Type.Integer(),
    merged: Type.Integer(),
    duplicates: Type.Integer(),
    rejected: Type.Integer(),
    results: Type.Array(DeviceReadOutcome),
  },
  { $id: 'DeviceReadsResult' },
);
export type DeviceReadsResult = Static<typeof DeviceReadsResult>;
