import { type RawBuilder, type Selectable, sql } from 'kysely';
import { inSubtrees } from '../auth/scope.js';
import type { Db } from '../auth/context.js';
import type { Role } from '../core/vocabulary.js';
import type { AreasTable } from '../db/schema.js';

/** The reviewed subtree and the period [from, to) as instants. */
export interface ReviewScope {
  nodeId: number;
  nodePath: string;
  from: Date;
  to: Date;
}

/** Figures as the database computes them; the service rounds and presents. */
export interface FigureRow {
  events_handled: number;
  median_respond_minutes: number | null;
  median_close_minutes: number | null;
  overdue_events: number;
  rating_average: number | null;
  rating_count: number;
  visits: number;
}

export interface WorkerFigureRow extends FigureRow {
  user_id: number;
  username: string;
  display_name: string;
  roles: Role[];
  area_ids: number[];
  area_names: string[];
  total_rows: number;
}

export interface AreaFigureRow extends FigureRow {
  area_id: number | null;
  events_created: number;
}

/**
 * One row per event handled in the period inside the subtree, with the moments the review measures.
 *
 * - handled: reported back (reported_at) — or closed without a report (closed_at) — within the
 *   period, and its status is still reported, closed or evaluated (an event sent back for more
 *   work is not handled). Found through events_handled_idx: the period is an index range.
 * - handler: who made the last 'report' step up to then; an event closed without a report counts
 *   for its assignee.
 * - responded: the handler's last 'accept' up to then, minus the last 'dispatch'/'reassign' before it.
 * - closed: closed_at − created_at (closed and evaluated events).
 * - overdue for the handler: an 'escalate' step while the event was theirs (from the dispatch to
 *   them, or from creation when there was none, up to handled); overdue for the area: any
 *   'escalate' step of the event.
 * Every lookup into event_steps is one short backward range of event_steps_event_idx per handled event.
 */
function handledEvents(scope: ReviewScope): RawBuilder<unknown> {
  return sql`
    handled as (
      select e.id, e.area_path, e.created_at, e.closed_at, e.rating, e.assignee_user_id,
             coalesce(e.reported_at, e.closed_at) as handled_at
      from events e
      where coalesce(e.reported_at, e.closed_at) >= ${scope.from}
        and coalesce(e.reported_at, e.closed_at) < ${scope.to}
        and ${inSubtrees([scope.nodePath], 'e.area_path')}
        and e.status in ('reported', 'closed', 'evaluated')
    ),
    measured as (
      select h.id, h.area_path, h.rating, handler.user_id as handler_id,
             extract(epoch from (accepted.at - dispatched.at)) / 60 as respond_minutes,
             extract(epoch from (h.closed_at - h.created_at)) / 60 as close_minutes,
             exists (
               select 1 from event_steps s
               where s.event_id = h.id and s.action = 'escalate'
                 and s.at >= coalesce(dispatched.at, h.created_at) and s.at <= h.handled_at
             ) as handler_overdue,
             exists (select 1 from event_steps s where s.event_id = h.id and s.action = 'escalate') as overdue
      from handled h
      left join lateral (
        select s.actor_user_id from event_steps s
        where s.event_id = h.id and s.action = 'report' and s.at <= h.handled_at
        order by s.at desc, s.id desc limit 1
      ) reporter on true
      cross join lateral (select coalesce(reporter.actor_user_id, h.assignee_user_id) as user_id) handler
      left join lateral (
        select s.at from event_steps s
        where s.event_id = h.id and s.action = 'accept' and s.actor_user_id = handler.user_id
          and s.at <= h.handled_at
        order by s.at desc, s.id desc limit 1
      ) accepted on true
      left join lateral (
        select s.at from event_steps s
        where s.event_id = h.id and s.action in ('dispatch', 'reassign')
          and s.at <= coalesce(accepted.at, h.handled_at)
        order by s.at desc, s.id desc limit 1
      ) dispatched on true
    )`;
}

/** Medians of minutes (percentile_cont ignores events without the moment), overdue count and ratings. */
const figures = (overdueColumn: 'handler_overdue' | 'overdue') => sql`
  count(*)::int as events_handled,
  percentile_cont(0.5) within group (order by m.respond_minutes) as median_respond_minutes,
  percentile_cont(0.5) within group (order by m.close_minutes) as median_close_minutes,
  (count(*) filter (where m.${sql.raw(overdueColumn)}))::int as overdue_events,
  avg(m.rating)::float8 as rating_average,
  count(m.rating)::int as rating_count`;

/**
 * Per worker: users with a role assignment in the subtree who handled an event there or visited a
 * household there in the period; busiest first. One statement, paged after aggregation.
 */
export async function workerFigures(
  db: Db,
  scope: ReviewScope,
  page: { offset: number; limit: number | null },
): Promise<WorkerFigureRow[]> {
  const result = await sql<WorkerFigureRow>`
    with ${handledEvents(scope)},
    by_handler as (
      select m.handler_id as user_id, ${figures('handler_overdue')}
      from measured m where m.handler_id is not null
      group by m.handler_id
    ),
    by_visitor as (
      select v.worker_user_id as user_id, count(*)::int as visits
      from household_visits v
      where ${inSubtrees([scope.nodePath], 'v.area_path')}
        and v.visited_at >= ${scope.from} and v.visited_at < ${scope.to}
        and v.worker_user_id is not null
      group by v.worker_user_id
    ),
    staff as (
      select ra.user_id,
             array_agg(distinct ra.role order by ra.role) as roles,
             array_agg(a.id order by a.path, ra.role) as area_ids,
             array_agg(a.name order by a.path, ra.role) as area_names
      from role_assignments ra
      join areas a on a.id = ra.area_id
      where ${inSubtrees([scope.nodePath], 'a.path')}
      group by ra.user_id
    )
    select u.id as user_id, u.username, u.display_name, staff.roles, staff.area_ids, staff.area_names,
           coalesce(h.events_handled, 0) as events_handled,
           h.median_respond_minutes, h.median_close_minutes,
           coalesce(h.overdue_events, 0) as overdue_events,
           h.rating_average, coalesce(h.rating_count, 0) as rating_count,
           coalesce(v.visits, 0) as visits,
           (count(*) over ())::int as total_rows
    from staff
    join users u on u.id = staff.user_id
    left join by_handler h on h.user_id = staff.user_id
    left join by_visitor v on v.user_id = staff.user_id
    where h.user_id is not null or v.user_id is not null
    order by coalesce(h.events_handled, 0) desc, coalesce(v.visits, 0) desc, u.id
    offset ${page.offset}
    ${page.limit === null ? sql`` : sql`limit ${page.limit}`}`.execute(db);
  return result.rows;
}

/**
 * Per child area of the node, plus the node's own level (area_id = node) and the whole subtree
 * (area_id null, from grouping sets, so its medians are over every event and not of the children's).
 * The child of a path is the id right after the node's prefix: "/1/5/" + "23/88/" → 23.
 */
export async function areaFigures(db: Db, scope: ReviewScope): Promise<AreaFigureRow[]> {
  const childOf = (column: string) =>
    sql`coalesce(nullif(split_part(substr(${sql.ref(column)}, ${scope.nodePath.length + 1}), '/', 1), ''), ${String(scope.nodeId)})::int`;
  const result = await sql<AreaFigureRow>`
    with ${handledEvents(scope)},
    handled_by_area as (
      select case when grouping(c.child_id) = 1 then null else c.child_id end as area_id,
             ${figures('overdue')}
      from measured m
      cross join lateral (select ${childOf('m.area_path')} as child_id) c
      group by grouping sets ((c.child_id), ())
    ),
    created_by_area as (
      select case when grouping(c.child_id) = 1 then null else c.child_id end as area_id, count(*)::int as n
      from events e
      cross join lateral (select ${childOf('e.area_path')} as child_id) c
      where ${inSubtrees([scope.nodePath], 'e.area_path')}
        and e.created_at >= ${scope.from} and e.created_at < ${scope.to}
      group by grouping sets ((c.child_id), ())
    ),
    visits_by_area as (
      select case when grouping(c.child_id) = 1 then null else c.child_id end as area_id, count(*)::int as n
      from household_visits v
      cross join lateral (select ${childOf('v.area_path')} as child_id) c
      where ${inSubtrees([scope.nodePath], 'v.area_path')}
        and v.visited_at >= ${scope.from} and v.visited_at < ${scope.to}
      group by grouping sets ((c.child_id), ())
    ),
    keys as (
      select area_id from handled_by_area
      union select area_id from created_by_area
      union select area_id from visits_by_area
      union select id from areas where parent_id = ${scope.nodeId} and retired_at is null
      union select null::int
    )
    select k.area_id,
           coalesce(c.n, 0) as events_created,
           coalesce(h.events_handled, 0) as events_handled,
           h.median_respond_minutes, h.median_close_minutes,
           coalesce(h.overdue_events, 0) as overdue_events,
           h.rating_average, coalesce(h.rating_count, 0) as rating_count,
           coalesce(v.n, 0) as visits
    from keys k
    left join handled_by_area h on h.area_id is not distinct from k.area_id
    left join created_by_area c on c.area_id is not distinct from k.area_id
    left join visits_by_area v on v.area_id is not distinct from k.area_id`.execute(db);
  return result.rows;
}

export type AreaLabel = Pick<Selectable<AreasTable>, 'id' | 'code' | 'name' | 'level' | 'path'>;

/** Names of the rows' areas: children of the node and the node itself. */
export async function areaLabels(db: Db, ids: readonly number[]): Promise<AreaLabel[]> {
  if (ids.length === 0) return [];
  return db
    .selectFrom('areas')
    .select(['id', 'code', 'name', 'level', 'path'])
    .where('id', 'in', [...ids])
    .execute();
}
