import { type Static, type TSchema, Type } from 'typebox';
import { Id } from '../core/schemas.js';

const Nullable = <T extends TSchema>(schema: T) => Type.Union([schema, Type.Null()]);

/**
 * A checkpoint's staffing now: closed (outside its hours or retired), unscheduled (open, no shift
 * due), staffed, short (fewer on duty than the rota asks) or gap (due and nobody signed in).
 */
export const STAFFING_STATES = ['closed', 'unscheduled', 'staffed', 'short', 'gap'] as const;
export type StaffingState = (typeof STAFFING_STATES)[number];

export const StaffingView = Type.Object(
  {
    state: Type.Enum(STAFFING_STATES),
    open: Type.Boolean({ description: 'Within its opening hours now' }),
    required: Type.Integer({ description: 'Staff the shifts running now ask for (0: none due)' }),
    onDuty: Type.Integer({ description: 'People signed in now' }),
    gapSince: Nullable(Type.String({ format: 'date-time', description: 'When the open staffing gap began' })),
  },
  { $id: 'StaffingView' },
);
export type StaffingView = Static<typeof StaffingView>;

export const ShiftBody = Type.Object(
  {
    startsAt: Type.String({ format: 'date-time' }),
    endsAt: Type.String({ format: 'date-time' }),
    teamId: Type.Optional(Id({ description: 'The team due (kind checkpoint, or any team in scope)' })),
    userIds: Type.Optional(
      Type.Array(Id(), { maxItems: 50, uniqueItems: true, description: 'Named people due' }),
    ),
    minStaff: Type.Optional(Type.Integer({ minimum: 1, maximum: 50, default: 1 })),
    note: Type.Optional(Type.String({ maxLength: 200 })),
  },
  { $id: 'ShiftBody', additionalProperties: false, description: 'teamId or userIds (or both) is required' },
);
export type ShiftBody = Static<typeof ShiftBody>;

export const ShiftView = Type.Object(
  {
    id: Type.Integer(),
    checkpointId: Type.Integer(),
    startsAt: Type.String({ format: 'date-time' }),
    endsAt: Type.String({ format: 'date-time' }),
    team: Nullable(Type.Object({ id: Type.Integer(), name: Type.String() })),
    users: Type.Array(Type.Object({ id: Type.Integer(), name: Type.String() })),
    minStaff: Type.Integer(),
    note: Nullable(Type.String()),
    createdBy: Type.String(),
  },
  { $id: 'ShiftView' },
);
export type ShiftView = Static<typeof ShiftView>;

export const ShiftQuery = Type.Object(
  {
    from: Type.Optional(
      Type.String({
        format: 'date',
        description: 'First day (China time) of the week shown; default: this Monday',
      }),
    ),
    days: Type.Optional(Type.Integer({ minimum: 1, maximum: 31, default: 7 })),
  },
  { $id: 'ShiftQuery', additionalProperties: false },
);
export type ShiftQuery = Static<typeof ShiftQuery>;

export const ShiftWeek = Type.Object(
  {
    from: Type.String({ format: 'date-time' }),
    to: Type.String({ format: 'date-time' }),
    items: Type.Array(ShiftView),
  },
  { $id: 'ShiftWeek' },
);

export const DutyView = Type.Object(
  {
    id: Type.Integer(),
    userId: Type.Integer(),
    userName: Type.String(),
    signedInAt: Type.String({ format: 'date-time' }),
    shiftId: Nullable(Type.Integer()),
  },
  { $id: 'CheckpointOnDuty' },
);

export const StaffingDetail = Type.Object(
  {
    staffing: StaffingView,
    onDuty: Type.Array(DutyView),
    shiftsNow: Type.Array(ShiftView),
  },
  { $id: 'StaffingDetail' },
);
export type StaffingDetail = Static<typeof StaffingDetail>;
