import { resumedUnitIdsQuery } from '../filings/repository.js';
import { type Insertable, type Selectable, sql } from 'kysely';
import type { Db } from '../../auth/context.js';
import { ancestorOrSelfPaths, inScope, inSubtrees, type Viewer } from '../../auth/scope.js';
import type {
  EnterpriseInspectionPhotosTable,
  EnterpriseInspectionsTable,
  EnterpriseRectificationsTable,
  EventTier,
  InspectionRoundsTable,
  InspectionTemplatesTable,
} from '../../db/schema.js';

export type TemplateRow = Selectable<InspectionTemplatesTable>;
export type RoundRow = Selectable<InspectionRoundsTable>;
export type InspectionRow = Selectable<EnterpriseInspectionsTable>;
export type RectificationRow = Selectable<EnterpriseRectificationsTable> & { unit_name: string };
export type PhotoMetadataRow = Omit<Selectable<EnterpriseInspectionPhotosTable>, 'content'>;

/**
 * THE definition of "a resumed enterprise" (复工企业): the enterprises a round must inspect and the
 * figures count — live enterprises of the subtree whose return-to-work filing is approved.
 */
export function resumedEnterprisesQuery(db: Db, subtreePath: string) {
  return db
    .selectFrom('units as u')
    .where('u.category', '=', 'enterprise')
    .where('u.retired_at', 'is', null)
    .where('u.id', 'in', resumedUnitIdsQuery(db))
    .where(inSubtrees([subtreePath], 'u.area_path'));
}

// ---- enterprises -------------------------------------------------------------------------------

export interface EnterpriseRow {
  id: number;
  name: string;
  area_id: number;
  area_path: string;
  address: string | null;
  category: string;
  retired_at: Date | null;
}

/** An enterprise (unit of category 'enterprise') within the viewer's subtrees for `right`. */
export async function findEnterprise(
  db: Db,
  viewer: Viewer,
  right: 'enterprise.inspect' | 'enterprise.manage',
  unitId: number,
): Promise<EnterpriseRow | undefined> {
  return db
    .selectFrom('units as u')
    .select(['u.id', 'u.name', 'u.area_id', 'u.area_path', 'u.address', 'u.category', 'u.retired_at'])
    .where('u.id', '=', unitId)
    .where('u.category', '=', 'enterprise')
    .where(inScope(viewer, right, 'u.area_path'))
    .executeTakeFirst();
}

export interface DueEnterpriseRow {
  id: number;
  name: string;
  address: string | null;
  area_name: string;
  last_inspected_at: Date | null;
  open_rectifications: number;
}

/**
 * Resumed enterprises the viewer may inspect, the least recently inspected first (never inspected at
 * the top): the phone list of a grid worker.
 */
export async function dueEnterprises(
  db: Db,
  viewer: Viewer,
  paths: readonly string[],
  page: { limit: number; offset: number },
): Promise<{ rows: DueEnterpriseRow[]; total: number }> {
  if (paths.length === 0) return { rows: [], total: 0 };
  const base = db
    .selectFrom('units as u')
    .where('u.category', '=', 'enterprise')
    .where('u.retired_at', 'is', null)
    .where(inSubtrees(paths, 'u.area_path'))
    .where(inScope(viewer, 'enterprise.inspect', 'u.area_path'));
  const [rows, count] = await Promise.all([
    base
      .innerJoin('areas as a', 'a.id', 'u.area_id')
      .select((eb) => [
        'u.id',
        'u.name',
        'u.address',
        'a.name as area_name',
        eb
          .selectFrom('enterprise_inspections as i')
          .select((e) => e.fn.max('i.inspected_at').as('m'))
          .whereRef('i.unit_id', '=', 'u.id')
          .as('last_inspected_at'),
        eb
          .selectFrom('enterprise_rectifications as r')
          .select((e) => e.fn.countAll<number>().as('c'))
          .whereRef('r.unit_id', '=', 'u.id')
          .where('r.status', '=', 'open')
          .as('open_rectifications'),
      ])
      .orderBy(sql`last_inspected_at asc nulls first`)
      .orderBy('u.id')
      .limit(page.limit)
      .offset(page.offset)
      .execute(),
    base.select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirstOrThrow(),
  ]);
  return {
    rows: rows.map((r) => ({
      ...r,
      last_inspected_at: r.last_inspected_at ? new Date(r.last_inspected_at) : null,
      open_rectifications: Number(r.open_rectifications ?? 0),
    })),
    total: Number(count.n),
  };
}

// ---- templates ---------------------------------------------------------------------------------

/** The template in force at a place: the nearest area on its path that has one, its latest version. */
export async function nearestTemplate(db: Db, areaPath: string): Promise<TemplateRow | undefined> {
  return db
    .selectFrom('inspection_templates')
    .selectAll()
    .where('area_path', 'in', ancestorOrSelfPaths(areaPath))
    .orderBy(sql`length(area_path)`, 'desc')
    .orderBy('version', 'desc')
    .limit(1)
    .executeTakeFirst();
}

export async function findTemplate(db: Db, id: number): Promise<TemplateRow | undefined> {
  return db.selectFrom('inspection_templates').selectAll().where('id', '=', id).executeTakeFirst();
}

export async function latestVersionAt(db: Db, areaId: number): Promise<number> {
  const row = await db
    .selectFrom('inspection_templates')
    .select((eb) => eb.fn.max('version').as('v'))
    .where('area_id', '=', areaId)
    .executeTakeFirst();
  return Number(row?.v ?? 0);
}

export async function insertTemplate(
  db: Db,
  row: Insertable<InspectionTemplatesTable>,
): Promise<TemplateRow> {
  return db.insertInto('inspection_templates').values(row).returningAll().executeTakeFirstOrThrow();
}

/** The current version of every template in the viewer's subtrees, with its area's name. */
export async function currentTemplates(db: Db, viewer: Viewer) {
  return db
    .selectFrom('inspection_templates as t')
    .innerJoin('areas as a', 'a.id', 't.area_id')
    .selectAll('t')
    .select(['a.name as area_name', 'a.code as area_code', 'a.level as area_level'])
    .where(inScope(viewer, 'enterprise.inspect', 't.area_path'))
    .where(({ not, exists, selectFrom }) =>
      not(
        exists(
          selectFrom('inspection_templates as n')
            .select('n.id')
            .whereRef('n.area_id', '=', 't.area_id')
            .whereRef('n.version', '>', 't.version'),
        ),
      ),
    )
    .orderBy('t.area_path')
    .execute();
}

// ---- inspections -------------------------------------------------------------------------------

export async function insertInspection(
  db: Db,
  row: Insertable<EnterpriseInspectionsTable>,
): Promise<InspectionRow> {
  return db.insertInto('enterprise_inspections').values(row).returningAll().executeTakeFirstOrThrow();
}

export async function findInspection(db: Db, viewer: Viewer, id: number) {
  return db
    .selectFrom('enterprise_inspections as i')
    .innerJoin('units as u', 'u.id', 'i.unit_id')
    .selectAll('i')
    .select('u.name as unit_name')
    .where('i.id', '=', id)
    .where(inScope(viewer, 'enterprise.inspect', 'i.area_path'))
    .executeTakeFirst();
}

export async function listInspections(
  db: Db,
  viewer: Viewer,
  filter: { unitId?: number; roundId?: number; limit: number; offset: number },
) {
  let q = db
    .selectFrom('enterprise_inspections as i')
    .where(inScope(viewer, 'enterprise.inspect', 'i.area_path'));
  if (filter.unitId !== undefined) q = q.where('i.unit_id', '=', filter.unitId);
  if (filter.roundId !== undefined) q = q.where('i.round_id', '=', filter.roundId);
  const [rows, count] = await Promise.all([
    q
      .innerJoin('units as u', 'u.id', 'i.unit_id')
      .selectAll('i')
      .select('u.name as unit_name')
      .orderBy('i.inspected_at', 'desc')
      .orderBy('i.id', 'desc')
      .limit(filter.limit)
      .offset(filter.offset)
      .execute(),
    q.select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirstOrThrow(),
  ]);
  return { rows, total: Number(count.n) };
}

export async function storePhotos(
  db: Db,
  inspectionId: number,
  photos: ReadonlyArray<Omit<Insertable<EnterpriseInspectionPhotosTable>, 'inspection_id'>>,
): Promise<number[]> {
  if (photos.length === 0) return [];
  const rows = await db
    .insertInto('enterprise_inspection_photos')
    .values(photos.map((p) => ({ ...p, inspection_id: inspectionId })))
    .returning('id')
    .execute();
  return rows.map((r) => r.id);
}

export async function countPhotos(db: Db, inspectionId: number): Promise<number> {
  const row = await db
    .selectFrom('enterprise_inspection_photos')
    .select((eb) => eb.fn.countAll<number>().as('n'))
    .where('inspection_id', '=', inspectionId)
    .executeTakeFirstOrThrow();
  return Number(row.n);
}

export async function listPhotos(db: Db, inspectionIds: readonly number[]): Promise<PhotoMetadataRow[]> {
  if (inspectionIds.length === 0) return [];
  return db
    .selectFrom('enterprise_inspection_photos')
    .select(['id', 'inspection_id', 'mime', 'width', 'height', 'bytes', 'sha256', 'created_at'])
    .where('inspection_id', 'in', [...inspectionIds])
    .orderBy('id')
    .execute();
}

/** One photo with its bytes; the caller has scoped the inspection. */
export async function readPhoto(db: Db, inspectionId: number, photoId: number) {
  return db
    .selectFrom('enterprise_inspection_photos')
    .selectAll()
    .where('id', '=', photoId)
    .where('inspection_id', '=', inspectionId)
    .executeTakeFirst();
}

// ---- rectifications ----------------------------------------------------------------------------

export async function openRectificationsOf(db: Db, unitId: number) {
  return db
    .selectFrom('enterprise_rectifications')
    .selectAll()
    .where('unit_id', '=', unitId)
    .where('status', '=', 'open')
    .forUpdate()
    .execute();
}

export async function insertRectifications(
  db: Db,
  rows: ReadonlyArray<Insertable<EnterpriseRectificationsTable>>,
): Promise<number[]> {
  if (rows.length === 0) return [];
  const inserted = await db
    .insertInto('enterprise_rectifications')
    .values([...rows])
    .returning('id')
    .execute();
  return inserted.map((r) => r.id);
}

export async function closeRectifications(
  db: Db,
  ids: readonly number[],
  input: { inspectionId: number; now: Date },
): Promise<void> {
  if (ids.length === 0) return;
  await db
    .updateTable('enterprise_rectifications')
    .set({
      status: 'closed',
      closed_at: input.now,
      closed_by_inspection_id: input.inspectionId,
      escalate_at: null,
    })
    .where('id', 'in', [...ids])
    .where('status', '=', 'open')
    .execute();
}

/** "Overdue" has one definition: an open task past its deadline. */
export const overdueRectification = (now: Date) => sql<boolean>`(r.status = 'open' and r.deadline < ${now})`;

export async function listRectifications(
  db: Db,
  viewer: Viewer,
  filter: {
    status?: 'open' | 'closed';
    overdueAt?: Date;
    unitId?: number;
    within?: string;
    limit: number;
    offset: number;
  },
): Promise<{ rows: RectificationRow[]; total: number }> {
  let q = db
    .selectFrom('enterprise_rectifications as r')
    .where(inScope(viewer, 'enterprise.inspect', 'r.area_path'));
  if (filter.status) q = q.where('r.status', '=', filter.status);
  if (filter.overdueAt) q = q.where(overdueRectification(filter.overdueAt));
  if (filter.unitId !== undefined) q = q.where('r.unit_id', '=', filter.unitId);
  if (filter.within) q = q.where(inSubtrees([filter.within], 'r.area_path'));
  const [rows, count] = await Promise.all([
    q
      .innerJoin('units as u', 'u.id', 'r.unit_id')
      .selectAll('r')
      .select('u.name as unit_name')
      .orderBy('r.status', 'desc')
      .orderBy('r.deadline')
      .orderBy('r.id')
      .limit(filter.limit)
      .offset(filter.offset)
      .execute(),
    q.select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirstOrThrow(),
  ]);
  return { rows, total: Number(count.n) };
}

/** Open tasks whose escalation time has come, claimed for this transaction (other processes skip them). */
export async function claimDueRectifications(db: Db, now: Date, limit: number) {
  return db
    .selectFrom('enterprise_rectifications as r')
    .innerJoin('units as u', 'u.id', 'r.unit_id')
    .selectAll('r')
    .select('u.name as unit_name')
    .where('r.status', '=', 'open')
    .where('r.escalate_at', '<=', now)
    .orderBy('r.id')
    .limit(limit)
    .forUpdate('r')
    .skipLocked()
    .execute();
}

/** Moves a task one tier up, guarded by the tier it was claimed at; false when someone else moved it. */
export async function moveRectificationTier(
  db: Db,
  from: { id: number; tier: EventTier },
  to: { tier: EventTier; areaId: number; escalateAt: Date | null },
): Promise<boolean> {
  const result = await db
    .updateTable('enterprise_rectifications')
    .set((eb) => ({
      tier: to.tier,
      tier_area_id: to.areaId,
      escalate_at: to.escalateAt,
      escalation_count: eb('escalation_count', '+', 1),
    }))
    .where('id', '=', from.id)
    .where('tier', '=', from.tier)
    .where('status', '=', 'open')
    .executeTakeFirst();
  return Number(result.numUpdatedRows) === 1;
}

export async function stopEscalating(db: Db, id: number): Promise<void> {
  await db.updateTable('enterprise_rectifications').set({ escalate_at: null }).where('id', '=', id).execute();
}

/** Tasks an inspection opened or closed. */
export async function rectificationsTouchedBy(db: Db, inspectionId: number) {
  return db
    .selectFrom('enterprise_rectifications')
    .select(['id', 'inspection_id', 'closed_by_inspection_id'])
    .where((eb) =>
      eb.or([eb('inspection_id', '=', inspectionId), eb('closed_by_inspection_id', '=', inspectionId)]),
    )
    .orderBy('id')
    .execute();
}

export async function areaNameOf(db: Db, id: number): Promise<string | undefined> {
  const row = await db.selectFrom('areas').select('name').where('id', '=', id).executeTakeFirst();
  return row?.name;
}

// ---- rounds ------------------------------------------------------------------------------------

export async function insertRound(db: Db, row: Insertable<InspectionRoundsTable>): Promise<RoundRow> {
  return db.insertInto('inspection_rounds').values(row).returningAll().executeTakeFirstOrThrow();
}

export async function findRound(db: Db, viewer: Viewer, id: number): Promise<RoundRow | undefined> {
  // A round is visible to whoever may inspect anywhere in it: a grid worker sees the village's round.
  const own = await db
    .selectFrom('inspection_rounds as r')
    .selectAll('r')
    .where('r.id', '=', id)
    .executeTakeFirst();
  if (!own) return undefined;
  return roundVisible(viewer, own.area_path) ? own : undefined;
}

/** Visible when the round lies in the viewer's subtree, or the viewer's subtree lies in the round. */
function roundVisible(viewer: Viewer, roundPath: string): boolean {
  if (viewer.kind === 'system') return true;
  if (viewer.kind !== 'user') return false;
  return viewer.assignments.some((a) => a.areaPath.startsWith(roundPath) || roundPath.startsWith(a.areaPath));
}

export async function listRounds(
  db: Db,
  viewerPaths: readonly string[],
  page: { limit: number; offset: number; status?: 'open' | 'closed' },
) {
  if (viewerPaths.length === 0) return { rows: [] as RoundRow[], total: 0 };
  const ancestors = [...new Set(viewerPaths.flatMap((p) => ancestorOrSelfPaths(p)))];
  let q = db
    .selectFrom('inspection_rounds as r')
    .where((eb) => eb.or([inSubtrees(viewerPaths, 'r.area_path'), eb('r.area_path', 'in', ancestors)]));
  if (page.status) q = q.where('r.status', '=', page.status);
  const [rows, count] = await Promise.all([
    q.selectAll('r').orderBy('r.id', 'desc').limit(page.limit).offset(page.offset).execute(),
    q.select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirstOrThrow(),
  ]);
  return { rows, total: Number(count.n) };
}

export async function closeRound(db: Db, id: number, by: string, now: Date): Promise<boolean> {
  const r = await db
    .updateTable('inspection_rounds')
    .set({ status: 'closed', closed_at: now, closed_by: by })
    .where('id', '=', id)
    .where('status', '=', 'open')
    .executeTakeFirst();
  return Number(r.numUpdatedRows) === 1;
}

const inspectedInWindow = (round: Pick<RoundRow, 'starts_at' | 'ends_at'>) =>
  sql<boolean>`exists (select 1 from enterprise_inspections i where i.unit_id = u.id
    and i.inspected_at >= ${round.starts_at} and i.inspected_at < ${round.ends_at})`;

export interface GridProgressRow {
  grid_id: number | null;
  grid_name: string | null;
  grid_path: string | null;
  total: number;
  inspected: number;
}

/**
 * Progress of a round per grid: the resumed enterprises of the round's subtree (limited to `within`)
 * grouped by the grid above them, and how many were inspected in the window. One grouped query.
 */
export async function roundProgressByGrid(
  db: Db,
  round: RoundRow,
  within: readonly string[],
): Promise<GridProgressRow[]> {
  const rows = await resumedEnterprisesQuery(db, round.area_path)
    .where(inSubtrees(within, 'u.area_path'))
    .leftJoin('areas as g', (join) =>
      join.on('g.level', '=', 'grid').on(sql<boolean>`starts_with(u.area_path, g.path)`),
    )
    .select((eb) => [
      'g.id as grid_id',
      'g.name as grid_name',
      'g.path as grid_path',
      eb.fn.countAll<number>().as('total'),
      sql<number>`count(*) filter (where ${inspectedInWindow(round)})`.as('inspected'),
    ])
    .groupBy(['g.id', 'g.name', 'g.path'])
    .orderBy('g.path')
    .execute();
  return rows.map((r) => ({ ...r, total: Number(r.total), inspected: Number(r.inspected) }));
}

/** The resumed enterprises of a round not inspected in its window, limited to `within`. */
export async function uninspectedOfRound(
  db: Db,
  round: RoundRow,
  within: readonly string[],
  page: { limit: number; offset: number },
) {
  const base = resumedEnterprisesQuery(db, round.area_path)
    .where(inSubtrees(within, 'u.area_path'))
    .where(sql<boolean>`not ${inspectedInWindow(round)}`);
  const [rows, count] = await Promise.all([
    base
      .innerJoin('areas as a', 'a.id', 'u.area_id')
      .select(['u.id', 'u.name', 'u.address', 'u.area_path', 'a.name as area_name'])
      .orderBy('u.area_path')
      .orderBy('u.id')
      .limit(page.limit)
      .offset(page.offset)
      .execute(),
    base.select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirstOrThrow(),
  ]);
  return { rows, total: Number(count.n) };
}

/** Open rounds past their end not yet escalated, claimed for this transaction. */
export async function claimOverdueRounds(db: Db, now: Date, limit: number) {
  return db
    .selectFrom('inspection_rounds')
    .selectAll()
    .where('status', '=', 'open')
    .where('ends_at', '<=', now)
    .where('escalated_at', 'is', null)
    .orderBy('id')
    .limit(limit)
    .forUpdate()
    .skipLocked()
    .execute();
}

export async function markRoundEscalated(db: Db, id: number, now: Date): Promise<void> {
  await db.updateTable('inspection_rounds').set({ escalated_at: now }).where('id', '=', id).execute();
}

export async function countUninspected(db: Db, round: RoundRow): Promise<number> {
  const row = await resumedEnterprisesQuery(db, round.area_path)
    .where(sql<boolean>`not ${inspectedInWindow(round)}`)
    .select((eb) => eb.fn.countAll<number>().as('n'))
    .executeTakeFirstOrThrow();
  return Number(row.n);
}

// ---- demo ------------------------------------------------------------------------------------

/** The resumed enterprises of a subtree with the grid above each (the demo seeds inspections for them). */
export async function enterprisesWithGrid(db: Db, subtreePath: string) {
  return resumedEnterprisesQuery(db, subtreePath)
    .innerJoin('areas as g', (join) =>
      join.on('g.level', '=', 'grid').on(sql<boolean>`starts_with(u.area_path, g.path)`),
    )
    .select(['u.id', 'u.name', 'u.area_id', 'u.area_path', 'g.id as grid_id'])
    .orderBy('u.id')
    .execute();
}

/** Many inspections in one statement (the demo), ids in order. */
export async function insertInspections(
  db: Db,
  rows: ReadonlyArray<Insertable<EnterpriseInspectionsTable>>,
): Promise<number[]> {
  if (rows.length === 0) return [];
  return (
    await db
      .insertInto('enterprise_inspections')
      .values([...rows])
      .returning('id')
      .execute()
  ).map((r) => r.id);
}

// ---- figures -----------------------------------------------------------------------------------

export interface AreaFiguresRow {
  area_id: number;
  area_name: string;
  area_path: string;
  /** Resumed enterprises in open rounds running now and not inspected yet in the round's window. */
  due: number;
  /** Resumed enterprises of open rounds past their end, not inspected in the window. */
  overdue: number;
  /** Inspections done in [since, until). */
  done: number;
  rectifications_open: number;
  rectifications_overdue: number;
}

/**
 * Per child area of `parentPath` (the big screen and the daily report): inspections due, overdue,
 * done in the window, rectifications open and overdue. A few grouped queries, whatever the size.
 */
export async function inspectionFiguresByArea(
  db: Db,
  parentId: number,
  window: { since: Date; until: Date; now: Date },
): Promise<AreaFiguresRow[]> {
  const children = await db
    .selectFrom('areas')
    .select(['id', 'name', 'path'])
    .where('parent_id', '=', parentId)
    .where('retired_at', 'is', null)
    .orderBy('code')
    .execute();
  if (children.length === 0) return [];
  const child = sql<string>`(select c.path from areas c where c.parent_id = ${parentId} and starts_with(x.area_path, c.path) limit 1)`;
  const byChild = async (query: ReturnType<typeof sql<{ child: string; n: number }>>) =>
    new Map((await query.execute(db)).rows.map((r) => [r.child, Number(r.n)]));
  const parentPaths = children.map((c) => c.path);
  const within = sql.join(
    parentPaths.map((p) => sql`starts_with(x.area_path, ${p})`),
    sql` or `,
  );
  const roundCount = (phase: 'due' | 'overdue') => sql<{ child: string; n: number }>`
    select ${child} as child, count(distinct x.id) as n
    from inspection_rounds r
    join units x on x.category = 'enterprise' and x.retired_at is null and starts_with(x.area_path, r.area_path)
      and x.id in (${resumedUnitIdsQuery(db)})
    where r.status = 'open' and (${within})
      and ${phase === 'due' ? sql`r.starts_at <= ${window.now} and r.ends_at > ${window.now}` : sql`r.ends_at <= ${window.now}`}
      and not exists (select 1 from enterprise_inspections i where i.unit_id = x.id
        and i.inspected_at >= r.starts_at and i.inspected_at < r.ends_at)
    group by 1`;
  const [due, overdue, done, open, late] = await Promise.all([
    byChild(roundCount('due')),
    byChild(roundCount('overdue')),
    byChild(sql<{ child: string; n: number }>`
      select ${child} as child, count(*) as n from enterprise_inspections x
      where (${within}) and x.inspected_at >= ${window.since} and x.inspected_at < ${window.until} group by 1`),
    byChild(sql<{ child: string; n: number }>`
      select ${child} as child, count(*) as n from enterprise_rectifications x
      where (${within}) and x.status = 'open' group by 1`),
    byChild(sql<{ child: string; n: number }>`
      select ${child} as child, count(*) as n from enterprise_rectifications x
      where (${within}) and x.status = 'open' and x.deadline < ${window.now} group by 1`),
  ]);
  return children.map((c) => ({
    area_id: c.id,
    area_name: c.name,
    area_path: c.path,
    due: due.get(c.path) ?? 0,
    overdue: overdue.get(c.path) ?? 0,
    done: done.get(c.path) ?? 0,
    rectifications_open: open.get(c.path) ?? 0,
    rectifications_overdue: late.get(c.path) ?? 0,
  }));
}
