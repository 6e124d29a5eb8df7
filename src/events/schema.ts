import { AlertKind, AreaLevel, EventSource, EventStatus, EventTier } from '../core/closed-schemas.js';
import { type Static, type TSchema, Type } from 'typebox';
import { Id, RequiredParagraph, RequiredText } from '../core/schemas.js';
import {
  ALERT_KINDS,
  EVENT_SOURCES,
  EVENT_STATUSES,
  EVENT_STEPS,
  EVENT_TIERS,
  LIMIT_UNITS,
  STAFF_SOURCES,
} from '../core/vocabulary.js';
import { Geometry } from '../hierarchy/schema.js';

const Nullable = <T extends TSchema>(schema: T) => Type.Union([schema, Type.Null()]);
const DateTime = Type.String({ format: 'date-time' });

// The event words are named once in core/vocabulary.ts (the web offers the same lists).
export { ALERT_KINDS, EVENT_SOURCES, EVENT_STATUSES, EVENT_STEPS, EVENT_TIERS, LIMIT_UNITS, STAFF_SOURCES };

// ---- categories and limits ----

export const TimeLimitSchema = Type.Object(
  {
    amount: Type.Integer({ minimum: 1, maximum: 10000 }),
    unit: Type.Enum(LIMIT_UNITS, {
      description:
        'minutes: natural time; work_hours: 09–12 and 13–18 on working days; work_days: 8 working hours',
    }),
  },
  { additionalProperties: false },
);
export const StepLimitsSchema = Type.Object(
  {
    register: Type.Optional(TimeLimitSchema),
    dispatch: Type.Optional(TimeLimitSchema),
    handle: Type.Optional(TimeLimitSchema),
    check: Type.Optional(TimeLimitSchema),
  },
  {
    $id: 'StepLimitsSchema',
    additionalProperties: false,
    description: 'Time limit per step; a step left out uses the parent class’s limit, then the default',
  },
);

export const CategoryView = Type.Object(
  {
    id: Type.Integer(),
    parentId: Nullable(Type.Integer()),
    code: Type.String(),
    nameZh: Type.String(),
    nameEn: Type.String(),
    startTier: EventTier,
    limits: StepLimitsSchema,
    public: Type.Boolean(),
    sort: Type.Integer(),
    retired: Type.Boolean(),
  },
  { $id: 'CategoryView' },
);
export type CategoryView = Static<typeof CategoryView>;
export const CategoryClassView = Type.Intersect(
  [CategoryView, Type.Object({ children: Type.Array(CategoryView) })],
  { $id: 'CategoryClassView' },
);
export type CategoryClassView = Static<typeof CategoryClassView>;
export const CategoryTree = Type.Object({ items: Type.Array(CategoryClassView) }, { $id: 'CategoryTree' });
export const CategoryTreeQuery = Type.Object({
  includeRetired: Type.Optional(Type.Boolean({ default: false })),
});

const PublicCategory = Type.Object({ code: Type.String(), nameZh: Type.String(), nameEn: Type.String() });
export const PublicCategoryTree = Type.Object(
  {
    items: Type.Array(
      Type.Intersect([PublicCategory, Type.Object({ children: Type.Array(PublicCategory) })]),
    ),
  },
  { $id: 'PublicCategoryTree' },
);
export type PublicCategoryTree = Static<typeof PublicCategoryTree>;

const CategoryCode = Type.String({ pattern: '^[A-Za-z0-9_.-]{1,40}$', maxLength: 40 });
export const CreateCategoryBody = Type.Object(
  {
    parentId: Type.Optional(Id({ description: 'A top-level class; omit for a new class' })),
    code: CategoryCode,
    nameZh: RequiredText(60),
    nameEn: RequiredText(80),
    startTier: EventTier,
    limits: StepLimitsSchema,
    public: Type.Optional(Type.Boolean({ default: false })),
    sort: Type.Optional(Type.Integer({ minimum: 0, maximum: 100000, default: 0 })),
  },
  { $id: 'CreateCategoryBody', additionalProperties: false },
);
export type CreateCategoryBody = Static<typeof CreateCategoryBody>;
export const UpdateCategoryBody = Type.Object(
  {
    nameZh: Type.Optional(RequiredText(60)),
    nameEn: Type.Optional(RequiredText(80)),
    startTier: Type.Optional(EventTier),
    limits: Type.Optional(StepLimitsSchema),
    public: Type.Optional(Type.Boolean()),
    sort: Type.Optional(Type.Integer({ minimum: 0, maximum: 100000 })),
  },
  { $id: 'UpdateCategoryBody', additionalProperties: false, minProperties: 1 },
);
export type UpdateCategoryBody = Static<typeof UpdateCategoryBody>;

// ---- working calendar ----

export const CalendarDayView = Type.Object(
  {
    day: Type.String({ format: 'date' }),
    kind: Type.Enum(['holiday', 'workday']),
    name: Type.String(),
    updatedAt: DateTime,
  },
  { $id: 'CalendarDayView' },
);
export type CalendarDayView = Static<typeof CalendarDayView>;
export const CalendarQuery = Type.Object({ year: Type.Integer({ minimum: 2000, maximum: 2100 }) });
export const CalendarYear = Type.Object(
  {
    year: Type.Integer(),
    items: Type.Array(CalendarDayView, {
      description: 'Only the days that differ from Monday–Friday: holidays and swapped working days (调休)',
    }),
  },
  { $id: 'CalendarYear' },
);
export const CalendarDayParams = Type.Object({
  day: Type.String({ pattern: '^\\d{4}-\\d{2}-\\d{2}$', description: 'YYYY-MM-DD' }),
});
export const CalendarDayBody = Type.Object(
  {
    kind: Type.Enum(['holiday', 'workday'], {
      description: 'holiday: off; workday: a weekend day worked (调休)',
    }),
    name: RequiredText(50),
  },
  { $id: 'CalendarDayBody', additionalProperties: false },
);
export type CalendarDayBody = Static<typeof CalendarDayBody>;

// ---- events ----

const AreaBrief = Type.Object({
  id: Type.Integer(),
  code: Type.String(),
  name: Type.String(),
  level: AreaLevel,
});
const CategoryBrief = Type.Object({
  id: Type.Integer(),
  code: Type.String(),
  nameZh: Type.String(),
  nameEn: Type.String(),
});
export const AssigneeView = Type.Object(
  {
    userId: Nullable(Type.Integer()),
    userName: Nullable(Type.String()),
    teamId: Nullable(Type.Integer()),
    teamName: Nullable(Type.String()),
    department: Nullable(Type.String()),
  },
  { $id: 'AssigneeView' },
);

export const EventListItem = Type.Object(
  {
    id: Type.Integer(),
    code: Type.String({ description: 'EV + China date + sequence, e.g. EV20261122000123' }),
    title: Type.String(),
    status: EventStatus,
    source: EventSource,
    tier: EventTier,
    category: CategoryBrief,
    area: AreaBrief,
    assignee: Nullable(AssigneeView),
    step: Nullable(Type.Enum(EVENT_STEPS, { description: 'The step whose clock runs' })),
    stepDeadline: Nullable(DateTime),
    overdue: Type.Boolean({ description: 'An open step past its deadline' }),
    escalationCount: Type.Integer(),
    alertCount: Type.Integer(),
    createdAt: DateTime,
    updatedAt: DateTime,
  },
  { $id: 'EventListItem' },
);
export type EventListItem = Static<typeof EventListItem>;

export const EventBoard = Type.Object(
  {
    items: Type.Array(EventListItem),
    nextCursor: Nullable(
      Type.String({ description: 'Pass as cursor for the next page; null on the last page' }),
    ),
  },
  { $id: 'EventBoard' },
);
export type EventBoard = Static<typeof EventBoard>;

export const EventBoardQuery = Type.Object(
  {
    status: Type.Optional(Type.Array(EventStatus, { maxItems: 10, description: 'Any of these' })),
    category: Type.Optional(Id({ description: 'A category id; a class includes its sub-categories' })),
    tier: Type.Optional(EventTier),
    overdue: Type.Optional(Type.Boolean({ description: 'true: open steps past their deadline' })),
    source: Type.Optional(EventSource),
    areaId: Type.Optional(Id({ description: 'Only events in this area’s subtree' })),
    assignee: Type.Optional(Type.Literal('me', { description: 'me: assigned to me or one of my teams' })),
    q: Type.Optional(RequiredText(50, { description: 'An event code (prefix) or words of the title' })),
    cursor: Type.Optional(Type.String({ maxLength: 100 })),
    limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 100, default: 50 })),
  },
  { $id: 'EventBoardQuery' },
);
export type EventBoardQuery = Static<typeof EventBoardQuery>;

export const EventSummaryQuery = Type.Object(
  {
    areaId: Type.Optional(Id()),
  },
  { $id: 'EventSummaryQuery' },
);
export const EventSummary = Type.Object(
  {
    /** Open events per status (closed ones are not counted: the board lists them). */
    byStatus: Type.Object({
      collected: Type.Integer(),
      registered: Type.Integer(),
      dispatched: Type.Integer(),
      handling: Type.Integer(),
      reported: Type.Integer(),
      suspended: Type.Integer(),
    }),
    open: Type.Integer(),
    overdue: Type.Integer(),
  },
  { $id: 'EventSummary' },
);
export type EventSummary = Static<typeof EventSummary>;

export const StepView = Type.Object(
  {
    id: Type.Integer(),
    at: DateTime,
    action: Type.String(),
    fromStatus: Nullable(Type.String()),
    toStatus: Nullable(Type.String()),
    fromTier: Nullable(Type.String()),
    toTier: Nullable(Type.String()),
    actor: Type.String(),
    note: Nullable(Type.String()),
    details: Nullable(Type.Unknown()),
  },
  { $id: 'StepView' },
);
export type StepView = Static<typeof StepView>;

export const PhotoView = Type.Object(
  {
    id: Type.Integer(),
    stepId: Nullable(Type.Integer()),
    purpose: Type.Enum(['report', 'feedback']),
    mime: Type.String(),
    width: Type.Integer(),
    height: Type.Integer(),
    bytes: Type.Integer(),
  },
  { $id: 'EventPhotoView' },
);

export const EventDetail = Type.Intersect(
  [
    EventListItem,
    Type.Object({
      description: Nullable(Type.String()),
      address: Nullable(Type.String()),
      lng: Nullable(Type.Number()),
      lat: Nullable(Type.Number()),
      accuracyM: Nullable(
        Type.Integer({
          description: 'How sure the point is, in metres (the phone’s GPS); null: picked on a map',
        }),
      ),
      /** Ancestors of the area, top first, then the area itself. */
      areaPath: Type.Array(AreaBrief),
      tierArea: AreaBrief,
      reporterName: Nullable(Type.String({ description: 'Masked' })),
      reporterPhone: Nullable(Type.String({ description: 'Masked, e.g. 138****5678' })),
      mediaUrl: Nullable(Type.String({ description: 'A picture link the reporter’s Open311 client posted' })),
      answers: Type.Array(
        Type.Object({
          questionZh: Type.String(),
          questionEn: Type.String(),
          answerZh: Type.String(),
          answerEn: Type.String(),
        }),
        { description: 'Answers to the category’s questions (Open311 attributes), in its order' },
      ),
      camera: Nullable(
        Type.Object({ id: Type.Integer(), code: Type.String(), name: Type.String(), kind: Type.String() }),
      ),
      alertKind: Nullable(AlertKind),
      lastAlertAt: Nullable(DateTime),
      stepStartedAt: Nullable(DateTime),
      escalatedAt: Nullable(DateTime),
      suspendedReason: Nullable(Type.String()),
      mergedInto: Nullable(Type.Object({ id: Type.Integer(), code: Type.String() })),
      rating: Nullable(Type.Integer()),
      ratingComment: Nullable(Type.String()),
      ratedAt: Nullable(DateTime),
      registeredAt: Nullable(DateTime),
      dispatchedAt: Nullable(DateTime),
      respondedAt: Nullable(DateTime),
      reportedAt: Nullable(DateTime),
      closedAt: Nullable(DateTime),
      steps: Type.Array(StepView),
      photos: Type.Array(PhotoView),
      allowedActions: Type.Array(Type.String(), { description: 'Actions the caller may take now' }),
    }),
  ],
  { $id: 'EventDetail' },
);
export type EventDetail = Static<typeof EventDetail>;

export const MineList = Type.Object({ items: Type.Array(EventListItem) }, { $id: 'MineList' });

const Lng = Type.Number({ minimum: -180, maximum: 180 });
const Lat = Type.Number({ minimum: -90, maximum: 90 });
/** The phone's GPS accuracy radius; kept only with a point. */
const AccuracyM = Type.Integer({
  minimum: 0,
  maximum: 10000,
  description: 'GPS accuracy in metres (0–10000)',
});

export const CreateEventBody = Type.Object(
  {
    source: Type.Enum(STAFF_SOURCES, {
      description:
        'patrol: found by the worker (registered at once); hotline / resident_group: entered for a resident',
    }),
    categoryId: Id(),
    areaId: Id(),
    title: RequiredText(100),
    description: Type.Optional(Type.String({ maxLength: 4000 })),
    address: Type.Optional(Type.String({ maxLength: 200 })),
    lng: Type.Optional(Lng),
    lat: Type.Optional(Lat),
    accuracyM: Type.Optional(AccuracyM),
    reporterName: Type.Optional(RequiredText(50)),
    reporterPhone: Type.Optional(Type.String({ minLength: 5, maxLength: 30 })),
  },
  { $id: 'CreateEventBody', additionalProperties: false },
);
export type CreateEventBody = Static<typeof CreateEventBody>;

export const CreatedEvent = Type.Object(
  {
    id: Type.Integer(),
    code: Type.String(),
    status: EventStatus,
    tier: EventTier,
    feedbackToken: Nullable(
      Type.String({ description: 'The reporter’s follow-and-rate token; shown once, only its hash is kept' }),
    ),
  },
  { $id: 'CreatedEvent' },
);
export type CreatedEvent = Static<typeof CreatedEvent>;

// ---- actions ----

const Note = RequiredParagraph(2000);
const OptionalNote = { note: Type.Optional(Note) };
export const NoteBody = Type.Object(OptionalNote, { $id: 'EventNoteBody', additionalProperties: false });
export const RequiredNoteBody = Type.Object(
  { note: Note },
  { $id: 'RequiredNoteBody', additionalProperties: false },
);
export const AssignBody = Type.Object(
  {
    userId: Type.Optional(Id({ description: 'A responder inside the event’s tier area' })),
    teamId: Type.Optional(Id()),
    department: Type.Optional(RequiredText(60, { description: 'A department by name' })),
    ...OptionalNote,
  },
  {
    $id: 'EventAssignBody',
    additionalProperties: false,
    description: 'Exactly one of userId, teamId, department',
  },
);
export type AssignBody = Static<typeof AssignBody>;
export const EvaluateBody = Type.Object(
  {
    rating: Type.Integer({ minimum: 1, maximum: 5 }),
    comment: Type.Optional(RequiredParagraph(1000)),
  },
  { $id: 'EvaluateBody', additionalProperties: false },
);
export type EvaluateBody = Static<typeof EvaluateBody>;
export const SuspendBody = Type.Object(
  { reason: RequiredParagraph(500) },
  { $id: 'SuspendBody', additionalProperties: false },
);
export const MergeBody = Type.Object(
  { intoEventId: Id({ description: 'An open event in your area' }), ...OptionalNote },
  { $id: 'MergeBody', additionalProperties: false },
);

export const ActionParams = Type.Object({ id: Id() }, { $id: 'ActionParams' });

// ---- public report page (随手拍) ----

/** The text fields of the multipart report form; photos come as file parts named "photos". */
export const PublicReportFields = Type.Object(
  {
    category: Type.String({ pattern: '^[A-Za-z0-9_.-]{1,40}$', description: 'A public category code' }),
    community: Type.String({
      pattern: '^\\d{6,20}$',
      description: 'Code of the community the page belongs to (from the page address)',
    }),
    description: Type.String({ minLength: 2, maxLength: 2000 }),
    lng: Type.Optional(Type.String({ pattern: '^-?\\d{1,3}(\\.\\d{1,10})?$' })),
    lat: Type.Optional(Type.String({ pattern: '^-?\\d{1,2}(\\.\\d{1,10})?$' })),
    accuracyM: Type.Optional(
      Type.String({ pattern: '^\\d{1,5}$', description: 'GPS accuracy in metres (0–10000), with lng/lat' }),
    ),
    address: Type.Optional(Type.String({ minLength: 2, maxLength: 200 })),
    name: Type.Optional(RequiredText(50)),
    phone: Type.Optional(Type.String({ minLength: 5, maxLength: 30 })),
  },
  { additionalProperties: false },
);
export type PublicReportFields = Static<typeof PublicReportFields>;

export const PublicReportReceipt = Type.Object(
  {
    code: Type.String(),
    followToken: Type.String({ description: 'Keep it: opens /api/public/events/{token} to follow and rate' }),
    photos: Type.Integer(),
  },
  { $id: 'PublicReportReceipt' },
);
export type PublicReportReceipt = Static<typeof PublicReportReceipt>;

export const FollowParams = Type.Object(
  { token: Type.String({ pattern: '^[A-Za-z0-9_-]{20,64}$' }) },
  { $id: 'EventFollowParams' },
);

export const PublicEventView = Type.Object(
  {
    code: Type.String(),
    category: Type.Object({ nameZh: Type.String(), nameEn: Type.String() }),
    status: EventStatus,
    createdAt: DateTime,
    closedAt: Nullable(DateTime),
    /** What happened, when: no names, no notes. */
    timeline: Type.Array(
      Type.Object({ at: DateTime, action: Type.String(), status: Nullable(Type.String()) }),
    ),
    /** Open one with GET /api/public/events/{token}/photos/{id}. */
    photos: Type.Array(Type.Object({ id: Type.Integer(), purpose: Type.Enum(['report', 'feedback']) })),
    canRate: Type.Boolean(),
    rating: Nullable(Type.Integer()),
    ratingComment: Nullable(Type.String()),
  },
  { $id: 'PublicEventView' },
);
export type PublicEventView = Static<typeof PublicEventView>;

// ---- device alerts ----

export const DeviceAlertBody = Type.Object(
  {
    camera: RequiredText(60, { description: 'The camera or gate code' }),
    kind: AlertKind,
    occurredAt: DateTime,
    externalId: Type.Optional(
      RequiredText(100, {
        description: 'The device’s own alert id: resending it is idempotent',
      }),
    ),
    details: Type.Optional(
      Type.Record(
        Type.String({ maxLength: 40 }),
        Type.Union([
          Type.String({ maxLength: 200 }),
          // Counts, temperatures, levels: a device never measures beyond a trillion either way.
          Type.Number({ minimum: -1e12, maximum: 1e12 }),
          Type.Boolean(),
        ]),
        {
          maxProperties: 20,
          description: 'Flat key/value facts from the device (count, temperature, …)',
        },
      ),
    ),
  },
  { $id: 'DeviceAlertBody', additionalProperties: false },
);
export type DeviceAlertBody = Static<typeof DeviceAlertBody>;
export const DeviceAlertResult = Type.Object(
  {
    eventId: Type.Integer(),
    code: Type.String(),
    merged: Type.Boolean({ description: 'true: added to an open event of the same camera and kind' }),
  },
  { $id: 'DeviceAlertResult' },
);
export type DeviceAlertResult = Static<typeof DeviceAlertResult>;

export const CommunityParams = Type.Object({ code: Type.String({ pattern: '^[0-9]{6,20}$' }) });
export type CommunityParams = Static<typeof CommunityParams>;

/** What the report page draws: the community and its grids on a map, nothing about people. */
export const PublicCommunity = Type.Object(
  {
    code: Type.String(),
    name: Type.String(),
    path: Type.Array(Type.String(), { description: 'names from the top area down to the community' }),
    boundary: Type.Union([Geometry, Type.Null()]),
    centre: Type.Union([Type.Object({ lng: Type.Number(), lat: Type.Number() }), Type.Null()]),
    areas: Type.Array(
      Type.Object({
        code: Type.String(),
        name: Type.String(),
        level: AreaLevel,
        boundary: Geometry,
      }),
    ),
  },
  { $id: 'PublicCommunity' },
);
export type PublicCommunity = Static<typeof PublicCommunity>;
