import { Type, type Static } from 'typebox';

/** Notification ids are bigserial: bounded so an absurd id is a 400, not a database error. */
const Id = (options: { description?: string } = {}) =>
  Type.Integer({ minimum: 1, maximum: Number.MAX_SAFE_INTEGER, ...options });

export const CHANNELS = ['sms', 'webhook', 'voice'] as const;

/** One notification as the inbox and the live stream show it. */
const notificationFields = {
  id: Type.Integer(),
  kind: Type.String(),
  priority: Type.Enum(['normal', 'urgent']),
  title: Type.String(),
  body: Type.Union([Type.String(), Type.Null()]),
  /** A path inside the web app, e.g. /events/42. */
  link: Type.Union([Type.String(), Type.Null()]),
  entity: Type.Union([
    Type.Object({ type: Type.String(), id: Type.Union([Type.String(), Type.Null()]) }),
    Type.Null(),
  ]),
  createdAt: Type.String({ format: 'date-time' }),
  readAt: Type.Union([Type.String({ format: 'date-time' }), Type.Null()]),
};
export const NotificationView = Type.Object(notificationFields);
export type NotificationView = Static<typeof NotificationView>;

export const DeliveryState = Type.Object(
  {
    channel: Type.Enum(CHANNELS),
    status: Type.Enum(['pending', 'sent', 'failed']),
    attempts: Type.Integer(),
  },
  { $id: 'DeliveryState' },
);
export type DeliveryState = Static<typeof DeliveryState>;

/** An inbox entry: the notification and how its channel deliveries went (an SMS that failed shows here). */
export const InboxItem = Type.Object(
  { ...notificationFields, deliveries: Type.Array(DeliveryState) },
  { $id: 'NotificationInboxItem' },
);
export type InboxItem = Static<typeof InboxItem>;

export const InboxQuery = Type.Object(
  {
    /** Keyset cursor: only notifications with a smaller id (the previous page's nextBefore). */
    before: Type.Optional(Id()),
    limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 100, default: 30 })),
    unread: Type.Optional(Type.Boolean()),
  },
  { $id: 'NotificationInboxQuery', additionalProperties: false },
);
export type InboxQuery = Static<typeof InboxQuery>;

export const InboxPage = Type.Object(
  {
    items: Type.Array(InboxItem),
    /** Pass as `before` for the next (older) page; null on the last page. */
    nextBefore: Type.Union([Type.Integer(), Type.Null()]),
  },
  { $id: 'NotificationInboxPage' },
);
export type InboxPage = Static<typeof InboxPage>;

export const UnreadCount = Type.Object({ count: Type.Integer() }, { $id: 'UnreadCount' });

export const NotificationIdParams = Type.Object({ id: Id() }, { $id: 'NotificationIdParams' });

export const ReadAllBody = Type.Object(
  {
    /** Marks only notifications up to this id, so one that arrived after the user looked stays unread. */
    upToId: Type.Optional(Id()),
  },
  { $id: 'ReadAllBody', additionalProperties: false },
);
export type ReadAllBody = Static<typeof ReadAllBody>;

export const ReadResult = Type.Object(
  { id: Type.Integer(), readAt: Type.String({ format: 'date-time' }) },
  { $id: 'ReadResult' },
);
export const ReadAllResult = Type.Object({ updated: Type.Integer() }, { $id: 'ReadAllResult' });

export const ChannelPreferenceView = Type.Object(
  {
    channel: Type.Enum(CHANNELS),
    enabled: Type.Boolean(),
    urgentOnly: Type.Boolean(),
    /** Masked phone (138****5678) or webhook (https://host/…); never the whole value. */
    address: Type.Union([Type.String(), Type.Null()]),
    /** False while the server only logs this channel (no gateway configured): nothing reaches a phone yet. */
    live: Type.Boolean(),
  },
  { $id: 'ChannelPreferenceView' },
);
export type ChannelPreferenceView = Static<typeof ChannelPreferenceView>;

export const PreferencesView = Type.Object(
  { channels: Type.Array(ChannelPreferenceView) },
  { $id: 'PreferencesView' },
);
export type PreferencesView = Static<typeof PreferencesView>;

export const ChannelPreferenceInput = Type.Object(
  {
    channel: Type.Enum(CHANNELS),
    enabled: Type.Boolean(),
    urgentOnly: Type.Optional(Type.Boolean({ default: false })),
    /** Omitted: keep the stored address; null: forget it; a string: the new phone or https webhook URL. */
    address: Type.Optional(Type.Union([Type.String({ minLength: 1, maxLength: 500 }), Type.Null()])),
  },
  { $id: 'ChannelPreferenceInput', additionalProperties: false },
);
export type ChannelPreferenceInput = Static<typeof ChannelPreferenceInput>;

export const PreferencesBody = Type.Object(
  { channels: Type.Array(ChannelPreferenceInput, { minItems: 1, maxItems: 3 }) },
  { $id: 'PreferencesBody', additionalProperties: false },
);
export type PreferencesBody = Static<typeof PreferencesBody>;
