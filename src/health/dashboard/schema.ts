import { AreaLevel } from '../../core/closed-schemas.js';
import { type Static, Type } from 'typebox';
import { EVENT_TIERS } from '../../events/schema.js';
import { KEY_PERSON_CATEGORIES } from '../key-persons/plan.js';
import { Figures } from '../rounds/schema.js';

const Nullable = <T extends Parameters<typeof Type.Union>[0][number]>(schema: T) =>
  Type.Union([schema, Type.Null()]);

/** Days in the trend series, today (China time) included. */
export const TREND_DAYS = 14;

export const DashboardQuery = Type.Object(
  {
    node: Type.Optional(
      Type.Integer({
        minimum: 1,
        maximum: 2147483647,
        description: 'The area on screen (default: the top of your area)',
      }),
    ),
  },
  { $id: 'DashboardQuery' },
);
export type DashboardQuery = Static<typeof DashboardQuery>;

const AreaRef = Type.Object({
  id: Type.Integer(),
  code: Type.String(),
  name: Type.String(),
  level: AreaLevel,
});

const CategoryCounts = Type.Object(
  Object.fromEntries(KEY_PERSON_CATEGORIES.map((category) => [category, Type.Integer()])) as Record<
    (typeof KEY_PERSON_CATEGORIES)[number],
    ReturnType<typeof Type.Integer>
  >,
);

const TierCounts = Type.Object(
  Object.fromEntries(EVENT_TIERS.map((tier) => [tier, Type.Integer()])) as Record<
    (typeof EVENT_TIERS)[number],
    ReturnType<typeof Type.Integer>
  >,
);

/**
 * Open = collected, registered, dispatched, handling, reported or suspended; overdue = open with
 * a running clock (not suspended) whose step deadline has passed. "Today" is the China calendar day.
 */
export const EventFigures = Type.Object(
  {
    open: Type.Integer({ description: 'Open events, overdue included' }),
    overdue: Type.Integer({ description: 'Open events past their step deadline' }),
    newToday: Type.Integer({ description: 'Events collected today, whatever their status now' }),
    closedToday: Type.Integer({ description: 'Events closed (核查结案) today' }),
    alertsLastHour: Type.Integer({ description: 'Device alerts received in the last 60 minutes' }),
    byTier: TierCounts,
    openRequests: Type.Integer({ description: 'Resident requests open or accepted' }),
    unassignedRequests: Type.Integer({ description: 'Of those, the ones no volunteer or worker has taken' }),
  },
  { $id: 'EventFigures' },
);
export type EventFigures = Static<typeof EventFigures>;

export const DashboardFigures = Type.Object(
  {
    residents: Type.Integer({ description: 'Active persons living in the node' }),
    keyPersons: Type.Object({
      total: Type.Integer({ description: 'Key persons under follow-up (active)' }),
      byCategory: CategoryCounts,
    }),
    leads: Type.Object({
      total: Type.Integer(),
      verified: Type.Integer(),
      /** Open, deadline not passed. */
      open: Type.Integer(),
      /** Open, past the deadline. */
      overdue: Type.Integer(),
      /** open + overdue: left before the count reaches zero (清零). */
      leftToZero: Type.Integer(),
    }),
    pendingArrivals: Type.Integer({ description: 'Arrivals and self-reports waiting for a worker' }),
    /** Events and resident requests of the node; null unless the viewer holds event.read over it. */
    events: Nullable(EventFigures),
  },
  { $id: 'DashboardFigures' },
);
export type DashboardFigures = Static<typeof DashboardFigures>;

export const DashboardRound = Type.Object(
  {
    id: Type.Integer(),
    name: Type.String(),
    area: AreaRef,
    startsAt: Type.String({ format: 'date-time' }),
    endsAt: Type.String({ format: 'date-time' }),
    /** The round covers the whole node (else it covers only part of it). */
    coversNode: Type.Boolean(),
    coverage: Figures,
  },
  { $id: 'DashboardRound' },
);
export type DashboardRound = Static<typeof DashboardRound>;

export const ChildFigures = Type.Object(
  {
    area: Type.Intersect([AreaRef, Type.Object({ hasBoundary: Type.Boolean(), childCount: Type.Integer() })]),
    residents: Type.Integer(),
    /** Figures of the open round shown, null without one. */
    tested: Nullable(Type.Integer()),
    untested: Nullable(Type.Integer()),
    untestedShare: Nullable(Type.Number({ description: 'untested / due, 0–1' })),
    keyPersons: Type.Integer(),
    openLeads: Type.Integer({ description: 'Open leads, overdue included' }),
    overdueLeads: Type.Integer(),
    /** Null unless the viewer holds event.read over the node. */
    openEvents: Nullable(Type.Integer({ description: 'Open events, overdue included' })),
    overdueEvents: Nullable(Type.Integer()),
  },
  { $id: 'ChildFigures' },
);
export type ChildFigures = Static<typeof ChildFigures>;

export const DashboardView = Type.Object(
  {
    node: Type.Intersect([AreaRef, Type.Object({ hasBoundary: Type.Boolean(), childCount: Type.Integer() })]),
    /** Ancestors of the node you may read, top first: the way back up. */
    trail: Type.Array(AreaRef),
    asOf: Type.String({ format: 'date-time' }),
    figures: DashboardFigures,
    round: Nullable(DashboardRound),
    children: Type.Array(ChildFigures),
    trend: Type.Object({
      days: Type.Array(Type.String({ format: 'date' }), {
        description: `The last ${TREND_DAYS} days, oldest first`,
      }),
      tests: Type.Array(Type.Integer(), { description: 'Test records of residents, by sampling day' }),
      newKeyPersons: Type.Array(Type.Integer()),
      leadsVerified: Type.Array(Type.Integer()),
    }),
  },
  { $id: 'DashboardView' },
);
export type DashboardView = Static<typeof DashboardView>;

export const FEED_EVENT_TYPES = [
  'key_person',
  'lead_verified',
  'lead_escalated',
  'arrival_confirmed',
  'feed_done',
  'round_created',
  'event_new',
  'event_escalated',
  'event_closed',
] as const;
export type FeedEventType = (typeof FEED_EVENT_TYPES)[number];

/** One item of the live feed (the `data` of a server-sent event): never names a person. */
export const FeedEvent = Type.Object(
  {
    id: Type.String({
      description: 'Unique per item: a123 (audit), e45 (lead escalation), b6 (feed batch), s78 (event step)',
    }),
    type: Type.Enum(FEED_EVENT_TYPES),
    at: Type.String({ format: 'date-time' }),
    area: Nullable(Type.Object({ id: Type.Integer(), name: Type.String() })),
    /**
     * key_person: the category; lead_verified: the outcome; lead_escalated and event_escalated: the
     * new tier; feed_done: the feed kind; event_new: the source (patrol, citizen, device…).
     */
    detail: Nullable(Type.String()),
    /** feed_done: records stored and matched, when the batch lies in the node; else null. */
    counts: Nullable(
      Type.Object({ inserted: Type.Integer(), matched: Type.Integer(), unmatched: Type.Integer() }),
    ),
    /** feed_done: done or failed. */
    status: Nullable(Type.String()),
    /** event_*: the event's category (its title may name people, so it is never sent). */
    category: Nullable(Type.Object({ code: Type.String(), nameZh: Type.String(), nameEn: Type.String() })),
  },
  // Named though no JSON route answers it: the web types the stream's events from the contract.
  { $id: 'FeedEvent' },
);
export type FeedEvent = Static<typeof FeedEvent>;
