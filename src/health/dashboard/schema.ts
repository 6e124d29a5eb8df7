import { type Static, Type } from 'typebox';
import { KEY_PERSON_CATEGORIES } from '../key-persons/plan.js';
import { Figures } from '../rounds/schema.js';

const Nullable = <T extends Parameters<typeof Type.Union>[0][number]>(schema: T) =>
  Type.Union([schema, Type.Null()]);

/** Days in the trend series, today (China time) included. */
export const TREND_DAYS = 14;

export const DashboardQuery = Type.Object({
  node: Type.Optional(
    Type.Integer({
      minimum: 1,
      maximum: 2147483647,
      description: 'The area on screen (default: the top of your area)',
    }),
  ),
});
export type DashboardQuery = Static<typeof DashboardQuery>;

const AreaRef = Type.Object({
  id: Type.Integer(),
  code: Type.String(),
  name: Type.String(),
  level: Type.String(),
});

const CategoryCounts = Type.Object(
  Object.fromEntries(KEY_PERSON_CATEGORIES.map((category) => [category, Type.Integer()])) as Record<
    (typeof KEY_PERSON_CATEGORIES)[number],
    ReturnType<typeof Type.Integer>
  >,
);

export const DashboardFigures = Type.Object({
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
});
export type DashboardFigures = Static<typeof DashboardFigures>;

export const DashboardRound = Type.Object({
  id: Type.Integer(),
  name: Type.String(),
  area: AreaRef,
  startsAt: Type.String({ format: 'date-time' }),
  endsAt: Type.String({ format: 'date-time' }),
  /** The round covers the whole node (else it covers only part of it). */
  coversNode: Type.Boolean(),
  coverage: Figures,
});
export type DashboardRound = Static<typeof DashboardRound>;

export const ChildFigures = Type.Object({
  area: Type.Intersect([AreaRef, Type.Object({ hasBoundary: Type.Boolean(), childCount: Type.Integer() })]),
  residents: Type.Integer(),
  /** Figures of the open round shown, null without one. */
  tested: Nullable(Type.Integer()),
  untested: Nullable(Type.Integer()),
  untestedShare: Nullable(Type.Number({ description: 'untested / due, 0–1' })),
  keyPersons: Type.Integer(),
  openLeads: Type.Integer({ description: 'Open leads, overdue included' }),
  overdueLeads: Type.Integer(),
});
export type ChildFigures = Static<typeof ChildFigures>;

export const DashboardView = Type.Object({
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
});
export type DashboardView = Static<typeof DashboardView>;

export const FEED_EVENT_TYPES = [
  'key_person',
  'lead_verified',
  'lead_escalated',
  'arrival_confirmed',
  'feed_done',
  'round_created',
] as const;
export type FeedEventType = (typeof FEED_EVENT_TYPES)[number];

/** One item of the live feed (the `data` of a server-sent event): never names a person. */
export const FeedEvent = Type.Object({
  id: Type.String({ description: 'Unique per event: a123 (audit), e45 (lead escalation), b6 (feed batch)' }),
  type: Type.Enum(FEED_EVENT_TYPES),
  at: Type.String({ format: 'date-time' }),
  area: Nullable(Type.Object({ id: Type.Integer(), name: Type.String() })),
  /** key_person: the category; lead_verified: the outcome; lead_escalated: the new tier; feed_done: the feed kind. */
  detail: Nullable(Type.String()),
  /** feed_done: records stored and matched, when the batch lies in the node; else null. */
  counts: Nullable(
    Type.Object({ inserted: Type.Integer(), matched: Type.Integer(), unmatched: Type.Integer() }),
  ),
  /** feed_done: done or failed. */
  status: Nullable(Type.String()),
});
export type FeedEvent = Static<typeof FeedEvent>;
