import { type Insertable, type Selectable, sql, type Updateable } from 'kysely';
import { inScope, inSubtrees, type Viewer } from '../auth/scope.js';
import type { Db } from '../auth/context.js';
import type { ReadRule } from '../notifications/readers.js';
import type { Role } from '../core/vocabulary.js';
import type {
  AreaLevel,
  EventCategoriesTable,
  EventsTable,
  EventStatus,
  EventStepsTable,
  EventTier,
  WorkCalendarDaysTable,
} from '../db/schema.js';
import { calendarOf, type WorkCalendar } from './calendar.js';
import type { EventBoardQuery } from './schema.js';
import { CLOCKED_STATUSES } from './transitions.js';

export type EventRow = Selectable<EventsTable>;
export type CategoryRow = Selectable<EventCategoriesTable>;
export type StepRow = Selectable<EventStepsTable>;

// ---- working calendar ----

/** Every special day: a few dozen a year, so the whole table is the calendar. */
export async function loadCalendar(db: Db): Promise<WorkCalendar> {
  return calendarOf(await db.selectFrom('work_calendar_days').select(['day', 'kind']).execute());
}

export async function calendarYear(db: Db, year: number): Promise<Selectable<WorkCalendarDaysTable>[]> {
  return db
    .selectFrom('work_calendar_days')
    .selectAll()
    .where('day', '>=', `${year}-01-01`)
    .where('day', '<=', `${year}-12-31`)
    .orderBy('day')
    .execute();
}

export async function findCalendarDay(db: Db, day: string) {
  return db.selectFrom('work_calendar_days').selectAll().where('day', '=', day).executeTakeFirst();
}

export async function upsertCalendarDay(
  db: Db,
  row: { day: string; kind: 'holiday' | 'workday'; name: string; now: Date },
) {
  return db
    .insertInto('work_calendar_days')
    .values({ day: row.day, kind: row.kind, name: row.name, updated_at: row.now })
    .onConflict((oc) => oc.column('day').doUpdateSet({ kind: row.kind, name: row.name, updated_at: row.now }))
    .returningAll()
    .executeTakeFirstOrThrow();
}

export async function deleteCalendarDay(db: Db, day: string): Promise<boolean> {
  const result = await db.deleteFrom('work_calendar_days').where('day', '=', day).executeTakeFirst();
  return Number(result.numDeletedRows) > 0;
}

/** Paths of the areas without a parent: configuring installation-wide data needs all of them. */
export async function topAreaPaths(db: Db): Promise<string[]> {
  const rows = await db
    .selectFrom('areas')
    .select('path')
    .where('parent_id', 'is', null)
    .where('retired_at', 'is', null)
    .execute();
  return rows.map((r) => r.path);
}

// ---- categories ----

export async function listCategories(db: Db, options: { includeRetired: boolean; publicOnly?: boolean }) {
  let query = db.selectFrom('event_categories').selectAll();
  if (!options.includeRetired) query = query.where('retired_at', 'is', null);
  if (options.publicOnly) query = query.where('public', '=', true);
  return query.orderBy('sort').orderBy('id').execute();
}

export async function findCategory(db: Db, id: number): Promise<CategoryRow | undefined> {
  return db.selectFrom('event_categories').selectAll().where('id', '=', id).executeTakeFirst();
}

export async function findCategoryByCode(db: Db, code: string): Promise<CategoryRow | undefined> {
  return db.selectFrom('event_categories').selectAll().where('code', '=', code).executeTakeFirst();
}

export async function insertCategory(db: Db, values: Insertable<EventCategoriesTable>): Promise<CategoryRow> {
  return db.insertInto('event_categories').values(values).returningAll().executeTakeFirstOrThrow();
}

export async function updateCategory(
  db: Db,
  id: number,
  values: Updateable<EventCategoriesTable>,
): Promise<CategoryRow> {
  return db
    .updateTable('event_categories')
    .set(values)
    .where('id', '=', id)
    .returningAll()
    .executeTakeFirstOrThrow();
}

/** Retires a category and, for a class, its sub-categories; events keep them. */
export async function retireCategory(db: Db, id: number, now: Date): Promise<void> {
  await db
    .updateTable('event_categories')
    .set({ retired_at: now })
    .where((eb) => eb.or([eb('id', '=', id), eb('parent_id', '=', id)]))
    .where('retired_at', 'is', null)
    .execute();
}

// ---- events ----

/** Reserves the next event id first, so the code (EV + date + id) is written with the row. */
export async function nextEventId(db: Db): Promise<number> {
  const result = await sql<{
    id: number;
  }>`select nextval(pg_get_serial_sequence('events', 'id'))::int8 as id`.execute(db);
  return Number(result.rows[0]!.id);
}

export async function insertEvent(db: Db, values: Insertable<EventsTable>): Promise<void> {
  await db.insertInto('events').values(values).execute();
}

export async function insertStep(db: Db, values: Insertable<EventStepsTable>): Promise<number> {
  const row = await db.insertInto('event_steps').values(values).returning('id').executeTakeFirstOrThrow();
  return row.id;
}

/** Several steps of one moment in one statement (an event's collect and automatic register). */
export async function insertSteps(db: Db, values: Array<Insertable<EventStepsTable>>): Promise<void> {
  if (values.length > 0) await db.insertInto('event_steps').values(values).execute();
}

export async function findEvent(db: Db, id: number): Promise<EventRow | undefined> {
  return db.selectFrom('events').selectAll().where('id', '=', id).executeTakeFirst();
}

/** Who reads an event (`e` or another alias of events): whoever holds `event.read` over its area. */
export function visibleTo(viewer: Viewer, areaPathColumn = 'e.area_path') {
  return inScope(viewer, 'event.read', areaPathColumn);
}

/** Who is notified about an event: whoever GET /api/events/:id would answer. */
export const EVENT_READ_RULE: ReadRule = {
  entityType: 'event',
  gate: 'event.read',
  table: 'events',
  alias: 'e',
  visible: (viewer) => visibleTo(viewer),
};

/** The event, if the viewer holds `event.read` over its area; otherwise undefined (answer 404). */
export async function findEventInScope(db: Db, viewer: Viewer, id: number): Promise<EventRow | undefined> {
  return db
    .selectFrom('events')
    .selectAll()
    .where('id', '=', id)
    .where(visibleTo(viewer, 'events.area_path'))
    .executeTakeFirst();
}

export async function findEventByFeedbackHash(db: Db, hash: string): Promise<EventRow | undefined> {
  return db.selectFrom('events').selectAll().where('feedback_token_hash', '=', hash).executeTakeFirst();
}

/**
 * The guarded write of every transition: changes the event only if it still has the status the
 * action started from, so two people acting at once cannot both succeed.
 */
export async function updateEventIfStatus(
  db: Db,
  id: number,
  expected: EventStatus,
  values: Updateable<EventsTable>,
): Promise<EventRow | undefined> {
  return db
    .updateTable('events')
    .set(values)
    .where('id', '=', id)
    .where('status', '=', expected)
    .returningAll()
    .executeTakeFirst();
}

export async function eventSteps(db: Db, eventId: number): Promise<StepRow[]> {
  return db
    .selectFrom('event_steps')
    .selectAll()
    .where('event_id', '=', eventId)
    .orderBy('at')
    .orderBy('id')
    .execute();
}

/** The last step of these actions (who dispatched, when it was suspended). */
export async function lastStep(db: Db, eventId: number, actions: EventStepsTable['action'][]) {
  return db
    .selectFrom('event_steps')
    .selectAll()
    .where('event_id', '=', eventId)
    .where('action', 'in', actions)
    .orderBy('at', 'desc')
    .orderBy('id', 'desc')
    .limit(1)
    .executeTakeFirst();
}

// ---- the board ----

/** One event with what a list shows, unscoped (callers check the scope). */
export async function findEventListRow(db: Db, id: number) {
  return eventListQuery(db).where('e.id', '=', id).executeTakeFirst();
}

/** Events with what a list shows: category, area, assignee names. */
export function eventListQuery(db: Db) {
  return db
    .selectFrom('events as e')
    .innerJoin('event_categories as c', 'c.id', 'e.category_id')
    .innerJoin('areas as a', 'a.id', 'e.area_id')
    .leftJoin('users as u', 'u.id', 'e.assignee_user_id')
    .leftJoin('teams as t', 't.id', 'e.assignee_team_id')
    .select([
      'e.id',
      'e.code',
      'e.title',
      'e.status',
      'e.source',
      'e.tier',
      'e.step',
      'e.step_deadline',
      'e.escalation_count',
      'e.alert_count',
      'e.created_at',
      'e.updated_at',
      'e.assignee_user_id',
      'e.assignee_team_id',
      'e.assignee_department',
      'c.id as category_id',
      'c.code as category_code',
      'c.name_zh as category_name_zh',
      'c.name_en as category_name_en',
      'a.id as area_id',
      'a.code as area_code',
      'a.name as area_name',
      'a.level as area_level',
      'u.display_name as assignee_user_name',
      't.name as assignee_team_name',
    ]);
}
export type EventListRow = Awaited<ReturnType<ReturnType<typeof eventListQuery>['executeTakeFirstOrThrow']>>;

export interface BoardFilter extends Omit<EventBoardQuery, 'areaId' | 'cursor' | 'assignee'> {
  withinPath?: string;
  assigneeUserId?: number;
  after?: { createdAt: Date; id: number };
}

/**
 * One page of the board, newest first, by keyset on (created_at, id). The page's ids are found
 * first, on the covering board indexes (filters on included columns), and only those rows are
 * read and joined: a community's year of history costs an index range, not a heap walk.
 */
export async function listBoard(
  db: Db,
  viewer: Viewer,
  filter: BoardFilter,
  now: Date,
  limit: number,
): Promise<EventListRow[]> {
  let query = db
    .selectFrom('events as e')
    .select('e.id')
    .where(inScope(viewer, 'event.read', 'e.area_path'));
  if (filter.withinPath) query = query.where(inSubtrees([filter.withinPath], 'e.area_path'));
  if (filter.status?.length) query = query.where('e.status', 'in', filter.status);
  if (filter.category !== undefined) {
    const category = filter.category;
    query = query.where('e.category_id', 'in', (eb) =>
      eb
        .selectFrom('event_categories')
        .select('id')
        .where((w) => w.or([w('id', '=', category), w('parent_id', '=', category)])),
    );
  }
  if (filter.tier) query = query.where('e.tier', '=', filter.tier);
  if (filter.source) query = query.where('e.source', '=', filter.source);
  if (filter.overdue !== undefined) query = query.where(overdueCondition(now, filter.overdue));
  if (filter.assigneeUserId !== undefined) query = query.where(assignedTo(filter.assigneeUserId));
  if (filter.q) {
    const q = filter.q.trim();
    query = /^EV\d+$/i.test(q)
      ? // A code prefix as a range on the unique index: codes are EV and digits only.
        query
          .where('e.code', '>=', q.toUpperCase())
          .where('e.code', '<=', `${q.toUpperCase()}${'9'.repeat(20)}`)
      : query.where('e.title', 'ilike', `%${q.replace(/[\\%_]/g, (c) => `\\${c}`)}%`);
  }
  if (filter.after) {
    const { createdAt, id } = filter.after;
    query = query.where((eb) => eb(eb.refTuple('e.created_at', 'e.id'), '<', eb.tuple(createdAt, id)));
  }
  const page = query.orderBy('e.created_at', 'desc').orderBy('e.id', 'desc').limit(limit);
  return eventListQuery(db)
    .where('e.id', 'in', page)
    .orderBy('e.created_at', 'desc')
    .orderBy('e.id', 'desc')
    .execute();
}

/**
 * THE definition of an overdue event, for the board, its summary, the big screen and the
 * escalation job alike: a clocked step (not suspended, not closed) past its deadline at `now`.
 * The statuses are literals so the planner can still use the open-board partial index.
 * `isOverdue` in service.ts is the same rule for one row already read.
 */
export function overdueEvent(now: Date, table = 'e') {
  const clocked = sql.join(CLOCKED_STATUSES.map((s) => sql.lit(s)));
  return sql<boolean>`(${sql.ref(`${table}.step_deadline`)} <= ${now} and ${sql.ref(`${table}.status`)} in (${clocked}))`;
}

function overdueCondition(now: Date, overdue: boolean) {
  return overdue ? overdueEvent(now) : sql<boolean>`not coalesce(${overdueEvent(now)}, false)`;
}

function assignedTo(userId: number) {
  return sql<boolean>`(e.assignee_user_id = ${userId}
    or e.assignee_team_id in (select team_id from team_members where user_id = ${userId}))`;
}

/** Open events assigned to the user or to one of their teams (the phone view), most urgent first. */
export async function listAssigned(db: Db, viewer: Viewer, userId: number): Promise<EventListRow[]> {
  return eventListQuery(db)
    .where(inScope(viewer, 'event.read', 'e.area_path'))
    .where('e.status', 'in', ['dispatched', 'handling', 'reported', 'suspended'])
    .where(assignedTo(userId))
    .orderBy(sql`e.step_deadline nulls last`)
    .orderBy('e.id')
    .limit(200)
    .execute();
}

/** Open events per status and the overdue ones, within scope (uses the status + path index). */
export async function summaryCounts(db: Db, viewer: Viewer, withinPath: string | undefined, now: Date) {
  let query = db
    .selectFrom('events as e')
    .select([
      'e.status',
      (eb) => eb.fn.countAll<number>().as('n'),
      sql<number>`count(*) filter (where ${overdueEvent(now)})`.as('overdue'),
    ])
    .where('e.status', 'in', [...CLOCKED_STATUSES, 'suspended'])
    .where(inScope(viewer, 'event.read', 'e.area_path'))
    .groupBy('e.status');
  if (withinPath) query = query.where(inSubtrees([withinPath], 'e.area_path'));
  return query.execute();
}

// ---- details ----

export async function areasByIds(db: Db, ids: readonly number[]) {
  if (ids.length === 0) return [];
  return db
    .selectFrom('areas')
    .select(['id', 'code', 'name', 'level', 'depth'])
    .where('id', 'in', [...ids])
    .execute();
}

export async function cameraBrief(db: Db, id: number) {
  return db
    .selectFrom('cameras')
    .select(['id', 'code', 'name', 'kind'])
    .where('id', '=', id)
    .executeTakeFirst();
}

export async function eventCode(db: Db, id: number): Promise<string | undefined> {
  return (await db.selectFrom('events').select('code').where('id', '=', id).executeTakeFirst())?.code;
}

export async function findTeam(db: Db, id: number) {
  return db.selectFrom('teams').selectAll().where('id', '=', id).executeTakeFirst();
}

export async function isTeamMember(db: Db, teamId: number, userId: number): Promise<boolean> {
  const row = await db
    .selectFrom('team_members')
    .select('user_id')
    .where('team_id', '=', teamId)
    .where('user_id', '=', userId)
    .executeTakeFirst();
  return row !== undefined;
}

export async function userName(db: Db, userId: number): Promise<string | undefined> {
  return (await db.selectFrom('users').select('display_name').where('id', '=', userId).executeTakeFirst())
    ?.display_name;
}

/** A category's own step limits and its class's (a sub-category inherits the steps it leaves out). */
export async function categoryLimits(db: Db, categoryId: number) {
  return db
    .selectFrom('event_categories as c')
    .leftJoin('event_categories as p', 'p.id', 'c.parent_id')
    .select(['c.limits as own', 'p.limits as parent'])
    .where('c.id', '=', categoryId)
    .executeTakeFirst();
}

// ---- tiers and responders ----

/** The areas among `ids` at one of `levels` (a path's ancestors at tier levels). */
export async function areasAtLevels(db: Db, ids: readonly number[], levels: readonly AreaLevel[]) {
  return db
    .selectFrom('areas')
    .select(['id', 'path', 'name', 'level'])
    .where('id', 'in', [...ids])
    .where('level', 'in', [...levels])
    .execute();
}

/**
 * One round trip: the role holders exactly at the areas (active users), and the members of the
 * areas' live teams with role null (typed as the column it unites with) and no categories.
 */
export async function responderRows(db: Db, areaIds: readonly number[]) {
  return db
    .selectFrom('role_assignments as r')
    .innerJoin('users as u', 'u.id', 'r.user_id')
    .select(['r.area_id', 'r.user_id', 'r.role', 'r.categories'])
    .where('r.area_id', 'in', [...areaIds])
    .where('u.disabled_at', 'is', null)
    .unionAll(
      db
        .selectFrom('team_members as m')
        .innerJoin('teams as t', 't.id', 'm.team_id')
        .innerJoin('users as u', 'u.id', 'm.user_id')
        .select([
          't.area_id',
          'm.user_id',
          sql<Role>`null`.as('role'),
          sql<string[]>`'{}'::text[]`.as('categories'),
        ])
        .where('t.area_id', 'in', [...areaIds])
        .where('t.retired_at', 'is', null)
        .where('u.disabled_at', 'is', null),
    )
    .execute();
}

/** The user's role assignments (active user, live area) in the subtree of `path`. */
export async function rolesWithin(db: Db, userId: number, path: string) {
  return db
    .selectFrom('role_assignments as r')
    .innerJoin('areas as a', 'a.id', 'r.area_id')
    .innerJoin('users as u', 'u.id', 'r.user_id')
    .select(['r.role', 'r.categories'])
    .where('r.user_id', '=', userId)
    .where('u.disabled_at', 'is', null)
    .where('a.retired_at', 'is', null)
    .where(inSubtrees([path], 'a.path'))
    .execute();
}

/** Whether the (active) user belongs to a live team in the subtree of `path`. */
export async function isTeamMemberWithin(db: Db, userId: number, path: string): Promise<boolean> {
  const rows = await db
    .selectFrom('team_members as m')
    .innerJoin('teams as t', 't.id', 'm.team_id')
    .innerJoin('users as u', 'u.id', 'm.user_id')
    .select('t.id')
    .where('m.user_id', '=', userId)
    .where('u.disabled_at', 'is', null)
    .where('t.retired_at', 'is', null)
    .where(inSubtrees([path], 't.area_path'))
    .limit(1)
    .execute();
  return rows.length > 0;
}

/** Active members of a team. */
export async function activeTeamMemberIds(db: Db, teamId: number): Promise<number[]> {
  const rows = await db
    .selectFrom('team_members as m')
    .innerJoin('users as u', 'u.id', 'm.user_id')
    .select('m.user_id')
    .where('m.team_id', '=', teamId)
    .where('u.disabled_at', 'is', null)
    .execute();
  return rows.map((r) => r.user_id);
}

/** The (active) user's role assignments at exactly the areas of `paths`. */
export async function rolesAtPaths(db: Db, userId: number, paths: readonly string[]) {
  return db
    .selectFrom('role_assignments as r')
    .innerJoin('areas as a', 'a.id', 'r.area_id')
    .innerJoin('users as u', 'u.id', 'r.user_id')
    .select(['r.role', 'r.categories'])
    .where('r.user_id', '=', userId)
    .where('u.disabled_at', 'is', null)
    .where('a.path', 'in', [...paths])
    .execute();
}

// ---- overdue escalation ----

/**
 * Claims a batch of overdue events (`overdueEvent`, the board's and the big screen's rule) below
 * the top tier (`for update skip locked`: each process its own rows).
 */
export async function claimOverdueEvents(
  db: Db,
  options: { now: Date; skipIds: readonly number[]; limit: number },
) {
  return db
    .selectFrom('events as e')
    .select([
      'e.id',
      'e.code',
      'e.title',
      'e.tier',
      'e.area_path',
      'e.category_id',
      'e.step',
      'e.escalation_count',
    ])
    .where(overdueEvent(options.now))
    .where('e.tier', '<>', 'county')
    .where('e.id', 'not in', [...options.skipIds])
    .orderBy('e.step_deadline')
    .limit(options.limit)
    .forUpdate()
    .skipLocked()
    .execute();
}

/** Moves an event one tier up, guarded by the claimed tier and count; true when this call moved it. */
export async function moveEventTier(
  db: Db,
  event: { id: number; tier: EventTier; escalationCount: number },
  next: { tier: EventTier; areaId: number; stepDeadline: Date | null; now: Date },
): Promise<boolean> {
  const updated = await db
    .updateTable('events')
    .set({
      tier: next.tier,
      tier_area_id: next.areaId,
      escalation_count: event.escalationCount + 1,
      escalated_at: next.now,
      step_deadline: next.stepDeadline,
      updated_at: next.now,
    })
    .where('id', '=', event.id)
    .where('tier', '=', event.tier)
    .where('escalation_count', '=', event.escalationCount)
    .executeTakeFirst();
  return Number(updated.numUpdatedRows) === 1;
}

// ---- device alerts ----

/** The camera of that code, wherever it is. */
export async function findCameraByCode(
  db: Db,
  code: string,
): Promise<{ id: number; area_path: string } | undefined> {
  return db.selectFrom('cameras').select(['id', 'area_path']).where('code', '=', code).executeTakeFirst();
}

// ---- report locations ----

/** The live mapped areas of the subtree at `path`, deepest first. */
export async function mappedAreasWithin(db: Db, path: string) {
  return db
    .selectFrom('areas')
    .selectAll()
    .where(inSubtrees([path], 'areas.path'))
    .where('boundary', 'is not', null)
    .where('retired_at', 'is', null)
    .orderBy('depth', 'desc')
    .execute();
}

/** Names of the areas of `ids`, top first (an area's path of names). */
export async function areaNamesByDepth(db: Db, ids: readonly number[]) {
  return db
    .selectFrom('areas')
    .select(['name', 'depth'])
    .where('id', 'in', [...ids])
    .orderBy('depth')
    .execute();
}

/** The live mapped grids and micro-grids of the subtree at `path` (a report page's map). */
export async function mappedGridsWithin(db: Db, path: string) {
  return db
    .selectFrom('areas')
    .select(['code', 'name', 'level', 'boundary'])
    .where(inSubtrees([path], 'areas.path'))
    .where('boundary', 'is not', null)
    .where('retired_at', 'is', null)
    .where('level', 'in', ['grid', 'microgrid'])
    .orderBy('path')
    .execute();
}

// ---- demo data ----

/** Grid workers, grid leaders and community staff assigned in the subtree at `path`. */
export async function demoParticipants(db: Db, path: string) {
  return db
    .selectFrom('role_assignments as r')
    .innerJoin('users as u', 'u.id', 'r.user_id')
    .innerJoin('areas as a', 'a.id', 'r.area_id')
    .select(['r.role', 'r.area_id', 'u.id', 'u.display_name'])
    .where(inSubtrees([path], 'a.path'))
    .where('r.role', 'in', ['grid_worker', 'grid_leader', 'community_staff'])
    .orderBy('u.id')
    .execute();
}

export async function areasWithin(db: Db, path: string) {
  return db
    .selectFrom('areas')
    .select(['id', 'path', 'level', 'parent_id', 'name'])
    .where(inSubtrees([path], 'areas.path'))
    .execute();
}

export async function camerasWithin(db: Db, path: string) {
  return db
    .selectFrom('cameras')
    .select(['id', 'area_id', 'name'])
    .where(inSubtrees([path], 'cameras.area_path'))
    .orderBy('id')
    .execute();
}

/** Categories of those codes with their class's limits. */
export async function categoriesByCodes(db: Db, codes: readonly string[]) {
  return db
    .selectFrom('event_categories as c')
    .leftJoin('event_categories as p', 'p.id', 'c.parent_id')
    .select(['c.id', 'c.code', 'c.name_zh', 'c.start_tier', 'c.limits', 'p.limits as parent_limits'])
    .where('c.code', 'in', [...codes])
    .execute();
}

/** Reserves `count` event ids at once. */
export async function nextEventIds(db: Db, count: number): Promise<number[]> {
  const result = await sql<{
    id: number;
  }>`select nextval(pg_get_serial_sequence('events', 'id'))::int8 as id from generate_series(1, ${count})`.execute(
    db,
  );
  return result.rows.map((r) => Number(r.id));
}

/** Many events in one statement. */
export async function insertEvents(db: Db, values: Array<Insertable<EventsTable>>): Promise<void> {
  if (values.length > 0) await db.insertInto('events').values(values).execute();
}
