import { type Static, type TSchema, Type } from 'typebox';
import { Id, RequiredText } from '../core/schemas.js';

const Nullable = <T extends TSchema>(schema: T) => Type.Union([schema, Type.Null()]);
const DateTime = Type.String({ format: 'date-time' });

/** Kinds of device: street and river cameras, high points, door sensors, plate cameras and face/temperature gates. */
export const DEVICE_KINDS = ['road', 'river', 'high_point', 'gate', 'plate', 'face_gate'] as const;
export const DeviceKind = Type.Enum(DEVICE_KINDS, { $id: 'DeviceKind' });
export const DeviceStatus = Type.Enum(['online', 'offline', 'retired'] as const, { $id: 'DeviceStatus' });

export const DeviceView = Type.Object(
  {
    id: Type.Integer(),
    code: Type.String(),
    name: Type.String(),
    kind: DeviceKind,
    status: DeviceStatus,
    area: Type.Object({ id: Type.Integer(), name: Type.String() }),
    checkpoint: Nullable(Type.Object({ id: Type.Integer(), name: Type.String() })),
    lng: Nullable(Type.Number()),
    lat: Nullable(Type.Number()),
    lastReadAt: Nullable(DateTime),
    tokenIssuedAt: Nullable(DateTime),
    tokenLastUsedAt: Nullable(DateTime),
    createdAt: DateTime,
  },
  { $id: 'DeviceView' },
);
export type DeviceView = Static<typeof DeviceView>;

export const DeviceQuery = Type.Object({
  kind: Type.Optional(DeviceKind),
  checkpointId: Type.Optional(Id()),
  includeRetired: Type.Optional(Type.Boolean({ default: false })),
});
export type DeviceQuery = Static<typeof DeviceQuery>;

export const DeviceList = Type.Object({ items: Type.Array(DeviceView) }, { $id: 'DeviceList' });
export type DeviceList = Static<typeof DeviceList>;

const Lng = Type.Number({ minimum: -180, maximum: 180 });
const Lat = Type.Number({ minimum: -90, maximum: 90 });

export const CreateDeviceBody = Type.Object(
  {
    code: Type.String({ minLength: 1, maxLength: 60, pattern: '^[A-Za-z0-9_-]+$' }),
    name: RequiredText(100),
    kind: DeviceKind,
    areaId: Id(),
    checkpointId: Type.Optional(Nullable(Id())),
    lng: Type.Optional(Nullable(Lng)),
    lat: Type.Optional(Nullable(Lat)),
  },
  { $id: 'CreateDeviceBody', additionalProperties: false },
);
export type CreateDeviceBody = Static<typeof CreateDeviceBody>;

export const UpdateDeviceBody = Type.Object(
  {
    name: Type.Optional(RequiredText(100)),
    kind: Type.Optional(DeviceKind),
    checkpointId: Type.Optional(Nullable(Id())),
    lng: Type.Optional(Nullable(Lng)),
    lat: Type.Optional(Nullable(Lat)),
    status: Type.Optional(Type.Enum(['online', 'offline'] as const)),
  },
  { $id: 'UpdateDeviceBody', additionalProperties: false, minProperties: 1 },
);
export type UpdateDeviceBody = Static<typeof UpdateDeviceBody>;

export const DeviceToken = Type.Object(
  {
    device: DeviceView,
    token: Type.String({ description: 'Shown once: the device sends it as a bearer token' }),
  },
  { $id: 'DeviceToken' },
);
export type DeviceToken = Static<typeof DeviceToken>;

export const DeviceCheckpointOptions = Type.Object(
  { items: Type.Array(Type.Object({ id: Type.Integer(), name: Type.String(), areaName: Type.String() })) },
  { $id: 'DeviceCheckpointOptions' },
);
export type DeviceCheckpointOptions = Static<typeof DeviceCheckpointOptions>;
