import { type Insertable, type Selectable, sql } from 'kysely';
import { inOrAbove, inSubtrees, prefixUpperBound } from '../../auth/scope.js';
import type { Db } from '../../auth/context.js';
import { pageWindow } from '../../core/pagination.js';
import type { SweepHouseholdState } from '../../core/vocabulary.js';
import type {
  AreaLevel,
  SweepCampaignsTable,
  SweepMemberAnswers,
  SweepVisitsTable,
} from '../../db/schema.js';

// ---------------------------------------------------------------- campaigns

export type CampaignRow = Selectable<SweepCampaignsTable> & {
  area_code: string;
  area_name: string;
  area_level: AreaLevel;
};

function campaignsWithArea(db: Db) {
  return db
    .selectFrom('sweep_campaigns as s')
    .innerJoin('areas as a', 'a.id', 's.area_id')
    .selectAll('s')
    .select(['a.code as area_code', 'a.name as area_name', 'a.level as area_level']);
}

export async function insertCampaign(db: Db, row: Insertable<SweepCampaignsTable>): Promise<number> {
  return (await db.insertInto('sweep_campaigns').values(row).returning('id').executeTakeFirstOrThrow()).id;
}

export async function findCampaign(db: Db, id: number): Promise<CampaignRow | undefined> {
  return campaignsWithArea(db).where('s.id', '=', id).executeTakeFirst();
}

/**
 * The campaign, its row locked against closing (share) while a visit or assignment is written, or
 * against visits (update) while it is closed: a visit never lands in a closed campaign.
 */
export async function lockCampaign(db: Db, id: number, mode: 'share' | 'update') {
  const query = db
    .selectFrom('sweep_campaigns')
    .select(['id', 'status', 'starts_at', 'ends_at', 'area_path'])
    .where('id', '=', id);
  return (mode === 'share' ? query.forShare() : query.forUpdate()).executeTakeFirst();
}

/** Campaigns overlapping the scope (inside it, or covering part of it), newest first. */
export async function listCampaigns(
  db: Db,
  scope: readonly string[],
  filter: { status?: 'open' | 'closed' | undefined; page?: number; pageSize?: number },
) {
  const { page, pageSize, offset } = pageWindow(filter);
  let base = campaignsWithArea(db).where(inOrAbove(scope, 's.area_path'));
  if (filter.status) base = base.where('s.status', '=', filter.status);
  const [items, count] = await Promise.all([
    base.orderBy('s.starts_on', 'desc').orderBy('s.id', 'desc').limit(pageSize).offset(offset).execute(),
    base
      .clearSelect()
      .select((eb) => eb.fn.countAll<number>().as('n'))
      .executeTakeFirstOrThrow(),
  ]);
  return { items, page, pageSize, total: Number(count.n) };
}

export async function closeCampaign(db: Db, id: number, by: string, at: Date): Promise<boolean> {
  const result = await db
    .updateTable('sweep_campaigns')
    .set({ status: 'closed', closed_by: by, closed_at: at })
    .where('id', '=', id)
    .where('status', '=', 'open')
    .executeTakeFirst();
  return Number(result.numUpdatedRows) === 1;
}

/**
 * The campaign's households: every live house of the subtree with an active resident now, and
 * their counters per area, in two set-based statements.
 */
export async function snapshotHouseholds(db: Db, campaignId: number, path: string): Promise<void> {
  await sql`
    insert into sweep_households (campaign_id, house_id, area_id, area_path)
    select ${campaignId}, h.id, h.area_id, h.area_path from houses h
    where h.area_path >= ${path} and h.area_path < ${prefixUpperBound(path)} and h.retired_at is null
      and exists (select 1 from persons p where p.house_id = h.id and p.status = 'active')`.execute(db);
  await sql`
    insert into sweep_counters (campaign_id, area_id, area_path, total)
    select ${campaignId}, area_id, max(area_path), count(*) from sweep_households
    where campaign_id = ${campaignId} group by area_id`.execute(db);
}

// ---------------------------------------------------------------- counters

export interface CounterRow {
  area_path: string;
  total: number;
  visited: number;
  attempted: number;
  fevers: number;
}

/** The campaign's counters under a path (one row per area of a house). */
export async function countersUnder(db: Db, campaignId: number, path: string): Promise<CounterRow[]> {
  const rows = await db
    .selectFrom('sweep_counters')
    .select(['area_path', 'total', 'visited', 'attempted', 'fevers'])
    .where('campaign_id', '=', campaignId)
    .where(inSubtrees([path], 'area_path'))
    .execute();
  return rows.map((r) => ({
    area_path: r.area_path,
    total: Number(r.total),
    visited: Number(r.visited),
    attempted: Number(r.attempted),
    fevers: Number(r.fevers),
  }));
}

/** Moves one area's counters by a household's change of state (same transaction as the visit). */
export async function bumpCounters(
  db: Db,
  campaignId: number,
  areaId: number,
  delta: { visited: number; attempted: number; fevers: number },
): Promise<void> {
  if (delta.visited === 0 && delta.attempted === 0 && delta.fevers === 0) return;
  await db
    .updateTable('sweep_counters')
    .set((eb) => ({
      visited: eb('visited', '+', delta.visited),
      attempted: eb('attempted', '+', delta.attempted),
      fevers: eb('fevers', '+', delta.fevers),
    }))
    .where('campaign_id', '=', campaignId)
    .where('area_id', '=', areaId)
    .execute();
}

/**
 * The campaign's figures per area counted from the source: the snapshot and each household's
 * latest visit. `rebuildCounters` writes them; tests compare them with the counters.
 */
export async function recount(db: Db, campaignId: number): Promise<Array<CounterRow & { area_id: number }>> {
  const result = await sql<CounterRow & { area_id: number }>`
    select h.area_id, max(h.area_path) as area_path, count(*)::int as total,
      (count(*) filter (where v.outcome = 'visited'))::int as visited,
      (count(*) filter (where v.outcome = 'nobody_home'))::int as attempted,
      coalesce(sum(v.fevers), 0)::int as fevers
    from sweep_households h
    left join lateral (
      select outcome, fevers from sweep_visits sv
      where sv.campaign_id = h.campaign_id and sv.house_id = h.house_id order by sv.id desc limit 1
    ) v on true
    where h.campaign_id = ${campaignId}
    group by h.area_id order by h.area_id`.execute(db);
  return result.rows;
}

/** Writes the campaign's counters again from the source (`recount`): the repair if they ever drift. */
export async function rebuildCounters(db: Db, campaignId: number): Promise<void> {
  const rows = await recount(db, campaignId);
  await db.deleteFrom('sweep_counters').where('campaign_id', '=', campaignId).execute();
  if (rows.length === 0) return;
  await db
    .insertInto('sweep_counters')
    .values(rows.map((r) => ({ campaign_id: campaignId, ...r })))
    .execute();
}

/** Grids and row cells of a subtree, and the node itself: the rows of the progress tables. */
export async function progressAreas(db: Db, node: { id: number; path: string }) {
  return db
    .selectFrom('areas')
    .select(['id', 'code', 'name', 'level', 'path'])
    .where(inSubtrees([node.path], 'path'))
    .where((eb) =>
      eb.or([
        eb.and([eb('level', 'in', ['grid', 'cell']), eb('retired_at', 'is', null)]),
        eb('id', '=', node.id),
      ]),
    )
    .orderBy('code')
    .execute();
}

export async function findAreaByPath(db: Db, path: string) {
  return db
    .selectFrom('areas')
    .select(['id', 'code', 'name', 'level', 'path'])
    .where('path', '=', path)
    .executeTakeFirst();
}

// ---------------------------------------------------------------- households

function householdsWithPlace(db: Db) {
  return db
    .selectFrom('sweep_households as sh')
    .innerJoin('sweep_campaigns as s', 's.id', 'sh.campaign_id')
    .innerJoin('houses as h', 'h.id', 'sh.house_id')
    .innerJoin('areas as a', 'a.id', 'sh.area_id')
    .leftJoin('users as u', 'u.id', 'sh.assignee_user_id')
    .selectAll('sh')
    .select([
      's.name as campaign_name',
      'h.address',
      'a.code as area_code',
      'a.name as area_name',
      'a.level as area_level',
      'u.display_name as assignee_name',
    ]);
}
export type HouseholdRow = NonNullable<
  Awaited<ReturnType<ReturnType<typeof householdsWithPlace>['executeTakeFirst']>>
>;

export async function findHousehold(
  db: Db,
  campaignId: number,
  houseId: number,
): Promise<HouseholdRow | undefined> {
  return householdsWithPlace(db)
    .where('sh.campaign_id', '=', campaignId)
    .where('sh.house_id', '=', houseId)
    .executeTakeFirst();
}

/** The household's row locked for the visit being written (two phones at one door wait in turn). */
export async function lockHousehold(db: Db, campaignId: number, houseId: number) {
  return db
    .selectFrom('sweep_households')
    .select(['state', 'fevers', 'area_id', 'area_path', 'visit_id'])
    .where('campaign_id', '=', campaignId)
    .where('house_id', '=', houseId)
    .forUpdate()
    .executeTakeFirst();
}

/** Households covered by the volunteer (包户, services/volunteers) among these. */
export async function coveredBy(db: Db, userId: number, houseIds: readonly number[]): Promise<Set<number>> {
  if (houseIds.length === 0) return new Set();
  const rows = await db
    .selectFrom('volunteer_households')
    .select('house_id')
    .where('volunteer_user_id', '=', userId)
    .where('house_id', 'in', [...houseIds])
    .execute();
  return new Set(rows.map((r) => r.house_id));
}

export interface HouseholdFilter {
  /** Subtrees the caller sees as staff. */
  staffScope: readonly string[];
  /** Also the households assigned to this user or covered by them as a volunteer. */
  userId?: number | undefined;
  state?: SweepHouseholdState | undefined;
  pending?: boolean | undefined;
  withinPath?: string | undefined;
  page?: number | undefined;
  pageSize?: number | undefined;
}

/** Households of the campaigns (one, or every running one) the filter opens, in address order. */
export async function listHouseholds(
  db: Db,
  campaign: number | { runningAt: Date },
  filter: HouseholdFilter,
) {
  const { page, pageSize, offset } = pageWindow(filter);
  let base = householdsWithPlace(db);
  base =
    typeof campaign === 'number'
      ? base.where('sh.campaign_id', '=', campaign)
      : base
          .where('s.status', '=', 'open')
          .where('s.starts_at', '<=', campaign.runningAt)
          .where('s.ends_at', '>', campaign.runningAt);
  const userId = filter.userId;
  base = base.where((eb) =>
    eb.or([
      inSubtrees(filter.staffScope, 'sh.area_path'),
      ...(userId === undefined
        ? []
        : [
            eb('sh.assignee_user_id', '=', userId),
            eb.exists(
              eb
                .selectFrom('volunteer_households as vh')
                .select(sql`1`.as('x'))
                .whereRef('vh.house_id', '=', 'sh.house_id')
                .where('vh.volunteer_user_id', '=', userId),
            ),
          ]),
    ]),
  );
  if (filter.state) base = base.where('sh.state', '=', filter.state);
  if (filter.pending) base = base.where('sh.state', '!=', 'visited');
  if (filter.withinPath) base = base.where(inSubtrees([filter.withinPath], 'sh.area_path'));
  const [items, count] = await Promise.all([
    base
      .orderBy('sh.area_path')
      .orderBy('h.address')
      .orderBy('sh.house_id')
      .limit(pageSize)
      .offset(offset)
      .execute(),
    base
      .clearSelect()
      .select((eb) => eb.fn.countAll<number>().as('n'))
      .executeTakeFirstOrThrow(),
  ]);
  return { items, page, pageSize, total: Number(count.n) };
}

/** Active residents of the house now: who the visit form asks about. */
export async function residents(db: Db, houseId: number) {
  return db
    .selectFrom('persons')
    .select(['id', 'name', 'sex', 'area_path'])
    .where('house_id', '=', houseId)
    .where('status', '=', 'active')
    .orderBy('id')
    .execute();
}

export async function updateHousehold(
  db: Db,
  campaignId: number,
  houseId: number,
  change: { state: SweepHouseholdState; fevers: number; visitId: number },
): Promise<void> {
  await db
    .updateTable('sweep_households')
    .set((eb) => ({
      state: change.state,
      fevers: change.fevers,
      visit_id: change.visitId,
      visits: eb('visits', '+', 1),
    }))
    .where('campaign_id', '=', campaignId)
    .where('house_id', '=', houseId)
    .execute();
}

export async function householdsByIds(db: Db, campaignId: number, houseIds: readonly number[]) {
  return db
    .selectFrom('sweep_households')
    .select(['house_id', 'area_path'])
    .where('campaign_id', '=', campaignId)
    .where('house_id', 'in', [...houseIds])
    .execute();
}

export async function assignHouseholds(
  db: Db,
  campaignId: number,
  houseIds: readonly number[],
  assignee: number | null,
  by: string,
  at: Date,
): Promise<number> {
  const result = await db
    .updateTable('sweep_households')
    .set({
      assignee_user_id: assignee,
      assigned_by: assignee === null ? null : by,
      assigned_at: assignee === null ? null : at,
    })
    .where('campaign_id', '=', campaignId)
    .where('house_id', 'in', [...houseIds])
    .executeTakeFirst();
  return Number(result.numUpdatedRows);
}

/** The user's role assignments (enabled accounts only): who may be given households where. */
export async function userAssignments(db: Db, userId: number) {
  return db
    .selectFrom('role_assignments as ra')
    .innerJoin('areas as a', 'a.id', 'ra.area_id')
    .innerJoin('users as u', 'u.id', 'ra.user_id')
    .select(['ra.role', 'ra.categories', 'a.path', 'u.display_name'])
    .where('ra.user_id', '=', userId)
    .where('u.disabled_at', 'is', null)
    .execute();
}

/** Users with a role in the subtree or above it: the candidates the desk page offers to assign. */
export async function usersInOrAbove(db: Db, path: string) {
  return db
    .selectFrom('role_assignments as ra')
    .innerJoin('areas as a', 'a.id', 'ra.area_id')
    .innerJoin('users as u', 'u.id', 'ra.user_id')
    .select(['u.id', 'u.display_name', 'ra.role', 'ra.categories', 'a.path'])
    .where('u.disabled_at', 'is', null)
    .where(inOrAbove([path], 'a.path'))
    .orderBy('u.id')
    .execute();
}

// ---------------------------------------------------------------- visits

export async function insertVisit(db: Db, row: Insertable<SweepVisitsTable>): Promise<number> {
  return (await db.insertInto('sweep_visits').values(row).returning('id').executeTakeFirstOrThrow()).id;
}

export async function visitsOf(db: Db, campaignId: number, houseId: number) {
  return db
    .selectFrom('sweep_visits')
    .selectAll()
    .where('campaign_id', '=', campaignId)
    .where('house_id', '=', houseId)
    .orderBy('id', 'desc')
    .execute();
}

export async function namesOf(db: Db, personIds: readonly number[]): Promise<Map<number, string>> {
  if (personIds.length === 0) return new Map();
  const rows = await db
    .selectFrom('persons')
    .select(['id', 'name'])
    .where('id', 'in', [...personIds])
    .execute();
  return new Map(rows.map((r) => [r.id, r.name]));
}

// ---------------------------------------------------------------- temperatures as health records

export const SWEEP_SOURCE = 'sweep';

/** The sweep's temperature records of a household: one per member, keyed by campaign, house and person. */
export async function temperatureRecords(db: Db, keyPrefix: string) {
  return db
    .selectFrom('health_records')
    .select(['id', 'person_id', 'record_key'])
    .where('kind', '=', 'temperature')
    .where('source', '=', SWEEP_SOURCE)
    .where('record_key', 'like', `${keyPrefix}%`)
    .execute();
}

/** Stores (or corrects) members' temperatures as health records; returns the new records' ids. */
export async function upsertTemperatures(
  db: Db,
  rows: ReadonlyArray<{
    key: string;
    personId: number;
    areaPath: string;
    value: number;
    at: Date;
    visitId: number;
  }>,
  now: Date,
): Promise<number[]> {
  if (rows.length === 0) return [];
  const inserted = await db
    .insertInto('health_records')
    .values(
      rows.map((r) => ({
        kind: 'temperature' as const,
        source: SWEEP_SOURCE,
        record_key: r.key,
        batch_id: null,
        person_id: r.personId,
        area_path: r.areaPath,
        occurred_at: r.at,
        value: r.value,
        details: JSON.stringify({ sweepVisitId: r.visitId }),
        created_at: now,
      })),
    )
    .onConflict((oc) =>
      oc.columns(['kind', 'source', 'record_key']).doUpdateSet((eb) => ({
        value: eb.ref('excluded.value'),
        occurred_at: eb.ref('excluded.occurred_at'),
        details: eb.ref('excluded.details'),
        person_id: eb.ref('excluded.person_id'),
        area_path: eb.ref('excluded.area_path'),
      })),
    )
    .returning('id')
    .execute();
  return inserted.map((r) => r.id);
}

export async function deleteRecords(db: Db, ids: readonly number[]): Promise<void> {
  if (ids.length === 0) return;
  await db
    .deleteFrom('health_records')
    .where('id', 'in', [...ids])
    .execute();
}

// ---------------------------------------------------------------- daily report

/** Open campaigns overlapping the node whose dates meet the day, with their counters per grid under the node. */
export async function reportCampaigns(db: Db, nodePath: string, day: { start: Date; end: Date }) {
  return campaignsWithArea(db)
    .where('s.status', '=', 'open')
    .where(inOrAbove([nodePath], 's.area_path'))
    .where('s.starts_at', '<', day.end)
    .where('s.ends_at', '>', day.start)
    .orderBy('s.starts_on')
    .orderBy('s.id')
    .execute();
}

export type { SweepMemberAnswers };
