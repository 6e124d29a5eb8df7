import { sql } from 'kysely';
import { inSubtrees, prefixUpperBound } from '../../auth/scope.js';
import type { Db } from '../../auth/context.js';
import type { AreaLevel, EventTier, KeyPersonCategory } from '../../db/schema.js';
import { overdueEvent } from '../../events/repository.js';
import { CLOCKED_STATUSES } from '../../events/transitions.js';
import { pathAndAncestors, type RoundRow } from '../rounds/repository.js';

// Every count below is one index range over `area_path` ("C" collation) of the node's subtree,
// on the partial indexes the health tables keep for what is open or active.

const range = (column: string, path: string) =>
  sql`${sql.ref(column)} >= ${path} and ${sql.ref(column)} < ${prefixUpperBound(path)}`;

/** The id of the child of a node an `area_path` lies under (null for rows at the node itself). */
const childOf = (column: string, nodeDepth: number) =>
  sql`nullif(split_part(${sql.ref(column)}, '/', ${nodeDepth + 3}), '')::int`;

export interface NodeRow {
  id: number;
  code: string;
  name: string;
  level: AreaLevel;
  path: string;
  depth: number;
  has_boundary: boolean;
  child_count: number;
}

const areaColumns = sql`a.id, a.code, a.name, a.level, a.path, a.depth, a.boundary is not null as has_boundary,
  (select count(*) from areas k where k.parent_id = a.id and k.retired_at is null)::int as child_count`;

export async function findArea(db: Db, id: number): Promise<NodeRow | undefined> {
  const result = await sql<NodeRow>`select ${areaColumns} from areas a where a.id = ${id}`.execute(db);
  return result.rows[0];
}

export async function findAreaByPath(db: Db, path: string): Promise<NodeRow | undefined> {
  const result = await sql<NodeRow>`select ${areaColumns} from areas a where a.path = ${path}`.execute(db);
  return result.rows[0];
}

/** The first top-level area: where a viewer of the whole tree starts. */
export async function firstRootArea(db: Db): Promise<NodeRow | undefined> {
  const result = await sql<NodeRow>`
    select ${areaColumns} from areas a where a.parent_id is null and a.retired_at is null
    order by a.code limit 1`.execute(db);
  return result.rows[0];
}

export async function areasByPaths(db: Db, paths: readonly string[]) {
  if (paths.length === 0) return [];
  return db
    .selectFrom('areas')
    .select(['id', 'code', 'name', 'level', 'path'])
    .where('path', 'in', [...paths])
    .orderBy('depth')
    .execute();
}

/** The children of a node on the map, retired ones left out. */
export async function childAreas(db: Db, nodeId: number): Promise<NodeRow[]> {
  const result = await sql<NodeRow>`
    select ${areaColumns} from areas a where a.parent_id = ${nodeId} and a.retired_at is null
    order by a.code`.execute(db);
  return result.rows;
}

/**
 * The open round to show for a node: the newest that covers it, else the newest inside it.
 * Rounds are few; the covering ones are found by the node's own path and its ancestors'.
 */
export async function openRoundFor(
  db: Db,
  node: { path: string },
): Promise<(RoundRow & { covers_node: boolean }) | undefined> {
  const result = await sql<RoundRow & { covers_node: boolean }>`
    select r.*, a.code as area_code, a.name as area_name, a.level as area_level, a.depth as area_depth,
      r.area_path in (${sql.join(pathAndAncestors(node.path))}) as covers_node
    from screening_rounds r join areas a on a.id = r.area_id
    where r.status = 'open'
      and (r.area_path in (${sql.join(pathAndAncestors(node.path))}) or (${range('r.area_path', node.path)}))
    order by covers_node desc, r.starts_at desc, r.id desc
    limit 1`.execute(db);
  return result.rows[0];
}

/** Active residents of the subtree, in total and per child of the node. */
export async function residentCounts(db: Db, node: { path: string; depth: number }) {
  const result = await sql<{ child_id: number | null; n: number }>`
    select ${childOf('p.area_path', node.depth)} as child_id, count(*)::int as n
    from persons p where ${range('p.area_path', node.path)} and p.status = 'active'
    group by 1`.execute(db);
  return result.rows;
}

/** A round's counters under a node, per child (the round's own per-area precomputed figures). */
export async function roundCountsByChild(db: Db, roundId: number, node: { path: string; depth: number }) {
  const result = await sql<{ child_id: number | null; due: number; tested: number; exempt: number }>`
    select ${childOf('c.area_path', node.depth)} as child_id, coalesce(sum(c.due), 0)::int as due,
      coalesce(sum(c.tested), 0)::int as tested, coalesce(sum(c.exempt), 0)::int as exempt
    from round_counters c
    where c.round_id = ${roundId} and ${range('c.area_path', node.path)}
    group by 1`.execute(db);
  return result.rows;
}

/** Active key persons by category and child. */
export async function keyPersonCounts(db: Db, node: { path: string; depth: number }) {
  const result = await sql<{ child_id: number | null; category: KeyPersonCategory; n: number }>`
    select ${childOf('k.area_path', node.depth)} as child_id, k.category, count(*)::int as n
    from key_persons k where k.status = 'active' and ${range('k.area_path', node.path)}
    group by 1, 2`.execute(db);
  return result.rows;
}

/** Leads by child: open, overdue (open past the deadline), verified. */
export async function leadCounts(db: Db, node: { path: string; depth: number }, now: Date) {
  const result = await sql<{ child_id: number | null; open: number; overdue: number; verified: number }>`
    select ${childOf('l.area_path', node.depth)} as child_id,
      count(*) filter (where l.status = 'open')::int as open,
      count(*) filter (where l.status = 'open' and l.deadline <= ${now})::int as overdue,
      count(*) filter (where l.status = 'verified')::int as verified
    from leads l where ${range('l.area_path', node.path)}
    group by 1`.execute(db);
  return result.rows;
}

export async function pendingArrivalCount(db: Db, node: { path: string }): Promise<number> {
  const result = await sql<{ n: number }>`
    select count(*)::int as n from pending_changes pc
    where pc.status = 'pending' and pc.kind in ('arrival', 'self_report') and ${range('pc.area_path', node.path)}`.execute(
    db,
  );
  return result.rows[0]?.n ?? 0;
}

export interface DayCount {
  day: string;
  n: number;
}

const chinaDay = (column: string) =>
  sql`to_char(${sql.ref(column)} at time zone 'Asia/Shanghai', 'YYYY-MM-DD')`;

/**
 * Tests of the node's residents by sampling day (China time), since `since`. Driven from the
 * persons of the subtree through the (person, kind, time) index of the records, so the cost
 * follows the node's residents, never the whole history of records.
 */
export async function testsByDay(db: Db, node: { path: string }, since: Date): Promise<DayCount[]> {
  const result = await sql<DayCount>`
    select ${chinaDay('h.occurred_at')} as day, count(*)::int as n
    from persons p
    join health_records h on h.person_id = p.id and h.kind = 'test' and h.occurred_at >= ${since}
    where ${range('p.area_path', node.path)}
    group by 1`.execute(db);
  return result.rows;
}

export async function newKeyPersonsByDay(db: Db, node: { path: string }, since: Date): Promise<DayCount[]> {
  const result = await sql<DayCount>`
    select ${chinaDay('k.created_at')} as day, count(*)::int as n
    from key_persons k where k.created_at >= ${since} and ${range('k.area_path', node.path)}
    group by 1`.execute(db);
  return result.rows;
}

export async function leadsVerifiedByDay(db: Db, node: { path: string }, since: Date): Promise<DayCount[]> {
  const result = await sql<DayCount>`
    select ${chinaDay('l.verified_at')} as day, count(*)::int as n
    from leads l where l.status = 'verified' and l.verified_at >= ${since} and ${range('l.area_path', node.path)}
    group by 1`.execute(db);
  return result.rows;
}

// ---- events and resident requests ----

/** Statuses of an open event: the clocked ones and suspended (the open-board partial index's list). */
export const OPEN_EVENT_STATUSES = [...CLOCKED_STATUSES, 'suspended'] as const;

// Literals, not parameters: the planner proves a partial index's predicate only from constants.
const literals = (values: readonly string[]) => sql.join(values.map((value) => sql.lit(value)));

/**
 * Open events of the subtree by child and tier, with the overdue ones (the events module's one
 * rule, the board's and the escalation job's): a range of the open-board partial index, so the
 * cost follows the open events, never the closed history.
 */
export async function openEventCounts(db: Db, node: { path: string; depth: number }, now: Date) {
  const result = await sql<{ child_id: number | null; tier: EventTier; open: number; overdue: number }>`
    select ${childOf('e.area_path', node.depth)} as child_id, e.tier, count(*)::int as open,
      count(*) filter (where ${overdueEvent(now)})::int as overdue
    from events e
    where e.status in (${literals(OPEN_EVENT_STATUSES)}) and ${range('e.area_path', node.path)}
    group by 1, 2`.execute(db);
  return result.rows;
}

export interface EventActivityCounts {
  new_today: number;
  closed_today: number;
  alerts_last_hour: number;
}

/**
 * Events created and closed in [dayStart, dayEnd) and device alerts received since `alertsSince`,
 * in the subtree: each a time range on its own index (created, closed, received), so only the
 * day's or the hour's rows are read.
 */
export async function eventActivityCounts(
  db: Db,
  node: { path: string },
  window: { dayStart: Date; dayEnd: Date; alertsSince: Date },
): Promise<EventActivityCounts> {
  const result = await sql<EventActivityCounts>`
    select
      (select count(*) from events e
        where e.created_at >= ${window.dayStart} and e.created_at < ${window.dayEnd}
          and ${range('e.area_path', node.path)})::int as new_today,
      (select count(*) from events e
        where e.closed_at >= ${window.dayStart} and e.closed_at < ${window.dayEnd}
          and ${range('e.area_path', node.path)})::int as closed_today,
      (select count(*) from device_alerts d join events e on e.id = d.event_id
        where d.received_at > ${window.alertsSince} and ${range('e.area_path', node.path)})::int as alerts_last_hour`.execute(
    db,
  );
  return result.rows[0] ?? { new_today: 0, closed_today: 0, alerts_last_hour: 0 };
}

/** Resident requests of the subtree waiting or under way (open, accepted), and those nobody has taken. */
export async function openRequestCounts(db: Db, node: { path: string }) {
  const result = await sql<{ open: number; unassigned: number }>`
    select count(*)::int as open, count(*) filter (where r.volunteer_user_id is null)::int as unassigned
    from resident_requests r
    where r.status in (${literals(['open', 'accepted'])}) and ${range('r.area_path', node.path)}`.execute(db);
  return result.rows[0] ?? { open: 0, unassigned: 0 };
}

// ---- the live feed: what happened since a cursor ----

/** Audit actions the live feed shows, by the event type they become. */
export const FEED_ACTIONS = {
  'key_person.create': 'key_person',
  'key_person.flag': 'key_person',
  'lead.verify': 'lead_verified',
  'pending_change.confirm': 'arrival_confirmed',
  'round.create': 'round_created',
} as const;

export interface AuditFeedRow {
  id: string;
  at: Date;
  action: keyof typeof FEED_ACTIONS;
  after: Record<string, unknown> | null;
  area_id: number | null;
  area_name: string | null;
}

/**
 * Feed-worthy audit entries of the subtree after `afterId`: the oldest first, or with `newest`
 * the latest `limit` (a listener's backlog, so only a recent stretch of ids is ever read).
 */
export async function auditEvents(
  db: Db,
  nodePath: string,
  options: { afterId: string; limit: number; newest?: boolean },
): Promise<AuditFeedRow[]> {
  const after = sql`l.id > ${options.afterId}::bigint`;
  const result = await sql<AuditFeedRow>`
    select l.id::text as id, l.at, l.action, l.after, a.id as area_id, a.name as area_name
    from audit_log l left join areas a on a.path = l.area_path
    where ${after} and l.action in (${sql.join(Object.keys(FEED_ACTIONS))})
      and ${inSubtrees([nodePath], 'l.area_path')}
    order by l.id ${options.newest ? sql`desc` : sql`asc`}
    limit ${options.limit}`.execute(db);
  return result.rows;
}

export interface EscalationRow {
  id: number;
  at: Date;
  to_tier: string | null;
  area_id: number | null;
  area_name: string | null;
}

/** Leads of the subtree escalated by the timer (it writes lead events, not audit entries). */
export async function escalations(
  db: Db,
  nodePath: string,
  options: { afterId: number; limit: number; newest?: boolean },
): Promise<EscalationRow[]> {
  const after = sql`e.id > ${options.afterId}`;
  const result = await sql<EscalationRow>`
    select e.id, e.at, e.to_tier, a.id as area_id, a.name as area_name
    from lead_events e join leads l on l.id = e.lead_id left join areas a on a.id = l.area_id
    where ${after} and e.kind = 'escalated' and ${range('l.area_path', nodePath)}
    order by e.id ${options.newest ? sql`desc` : sql`asc`}
    limit ${options.limit}`.execute(db);
  return result.rows;
}

export interface BatchRow {
  id: number;
  kind: string;
  status: string;
  finished_at: Date;
  inserted: number;
  matched: number;
  unmatched: number;
  area_id: number;
  area_name: string;
  /** The batch's area lies inside the node (else it covers the node from above). */
  inside: boolean;
}

/**
 * Feed batches finished after `after` that concern the node: those of its subtree, and those of
 * an area above it (a township's lab feed covers its villages).
 */
export async function finishedBatches(
  db: Db,
  nodePath: string,
  options: { after: Date; limit: number; newest?: boolean },
): Promise<BatchRow[]> {
  const after = sql`b.finished_at > ${options.after}`;
  const result = await sql<BatchRow>`
    select b.id, b.kind, b.status, b.finished_at, b.inserted, b.matched, b.unmatched,
      a.id as area_id, a.name as area_name, ${range('b.area_path', nodePath)} as inside
    from feed_batches b join areas a on a.id = b.area_id
    where ${after} and b.finished_at is not null and b.status in ('done', 'failed')
      and (${range('b.area_path', nodePath)} or b.area_path in (${sql.join(pathAndAncestors(nodePath))}))
    order by b.finished_at ${options.newest ? sql`desc` : sql`asc`}, b.id
    limit ${options.limit}`.execute(db);
  return result.rows;
}

/** Steps of an event the live feed shows, by the item type they become. */
export const EVENT_FEED_ACTIONS = {
  collect: 'event_new',
  escalate: 'event_escalated',
  close: 'event_closed',
} as const;

export interface EventStepFeedRow {
  id: number;
  at: Date;
  action: keyof typeof EVENT_FEED_ACTIONS;
  to_tier: EventTier | null;
  source: string;
  category_code: string;
  category_zh: string;
  category_en: string;
  area_id: number;
  area_name: string;
}

/**
 * New, escalated and closed events of the subtree after step `afterId`, like `escalations`: a
 * stretch of the step ids, each joined to its event for the area (steps carry none).
 */
export async function eventSteps(
  db: Db,
  nodePath: string,
  options: { afterId: number; limit: number; newest?: boolean },
): Promise<EventStepFeedRow[]> {
  const after = sql`s.id > ${options.afterId}`;
  const result = await sql<EventStepFeedRow>`
    select s.id::float8 as id, s.at, s.action, s.to_tier, e.source,
      c.code as category_code, c.name_zh as category_zh, c.name_en as category_en,
      a.id as area_id, a.name as area_name
    from event_steps s
    join events e on e.id = s.event_id
    join event_categories c on c.id = e.category_id
    join areas a on a.id = e.area_id
    where ${after} and s.action in (${literals(Object.keys(EVENT_FEED_ACTIONS))})
      and ${range('e.area_path', nodePath)}
    order by s.id ${options.newest ? sql`desc` : sql`asc`}
    limit ${options.limit}`.execute(db);
  return result.rows;
}

/** Where the feed starts for a new listener: the newest ids now. */
export async function latestIds(db: Db): Promise<{ audit: string; leadEvent: number; eventStep: number }> {
  const result = await sql<{ audit: string; lead_event: number; event_step: number }>`
    select coalesce((select max(id) from audit_log), 0)::text as audit,
      coalesce((select max(id) from lead_events), 0)::int as lead_event,
      coalesce((select max(id) from event_steps), 0)::float8 as event_step`.execute(db);
  const row = result.rows[0];
  return { audit: row?.audit ?? '0', leadEvent: row?.lead_event ?? 0, eventStep: row?.event_step ?? 0 };
}
