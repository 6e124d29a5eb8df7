import { type Expression, type Insertable, type Selectable, type SqlBool, sql } from 'kysely';
import type { Right, Role } from '../../auth/rights.js';
import type { Level } from '../../core/vocabulary.js';
import { inScope, inSubtrees, prefixUpperBound, type Viewer } from '../../auth/scope.js';
import type { Db } from '../../auth/context.js';
import { pageWindow } from '../../core/pagination.js';
import type { LeadEventsTable, LeadsTable, LeadTier } from '../../db/schema.js';

function leadsWithArea(db: Db) {
  return db
    .selectFrom('leads as l')
    .innerJoin('areas as a', 'a.id', 'l.area_id')
    .selectAll('l')
    .select(['a.code as area_code', 'a.name as area_name', 'a.level as area_level']);
}
export type LeadRow = Selectable<LeadsTable> & { area_code: string; area_name: string; area_level: Level };

export async function findLeadInScope(
  db: Db,
  viewer: Viewer,
  right: Right,
  id: number,
): Promise<LeadRow | undefined> {
  return leadsWithArea(db)
    .where('l.id', '=', id)
    .where(inScope(viewer, right, 'l.area_path'))
    .executeTakeFirst();
}

export async function findLead(db: Db, id: number): Promise<LeadRow> {
  return leadsWithArea(db).where('l.id', '=', id).executeTakeFirstOrThrow();
}

export async function findLeads(db: Db, ids: readonly number[]): Promise<LeadRow[]> {
  if (ids.length === 0) return [];
  return leadsWithArea(db)
    .where('l.id', 'in', [...ids])
    .orderBy('l.id')
    .execute();
}

export interface LeadFilter {
  withinPath?: string | undefined;
  status?: 'open' | 'verified' | undefined;
  tier?: LeadTier | undefined;
  overdue?: boolean | undefined;
  routedBy?: LeadsTable['routed_by'] | undefined;
  batch?: string | undefined;
  personId?: number | undefined;
  /** Subtrees and the tiers waiting there for the caller (the `mine` queue). */
  queue?: Array<{ path: string; tiers: readonly LeadTier[] }> | undefined;
  now: Date;
  page?: number | undefined;
  pageSize?: number | undefined;
}

function queueFilter(queue: NonNullable<LeadFilter['queue']>): Expression<SqlBool> {
  if (queue.length === 0) return sql<SqlBool>`false`;
  return sql<SqlBool>`(${sql.join(
    queue.map(
      (q) =>
        sql`(l.area_path >= ${q.path} and l.area_path < ${prefixUpperBound(q.path)} and l.status = 'open' and l.tier in (${sql.join([...q.tiers])}))`,
    ),
    sql` or `,
  )})`;
}

export async function listLeads(db: Db, viewer: Viewer, filter: LeadFilter) {
  const { page, pageSize, offset } = pageWindow(filter);
  let base = leadsWithArea(db).where(inScope(viewer, 'health.read', 'l.area_path'));
  if (filter.withinPath) base = base.where(inSubtrees([filter.withinPath], 'l.area_path'));
  if (filter.status) base = base.where('l.status', '=', filter.status);
  if (filter.tier) base = base.where('l.tier', '=', filter.tier);
  if (filter.routedBy) base = base.where('l.routed_by', '=', filter.routedBy);
  if (filter.batch) base = base.where('l.batch_reference', '=', filter.batch);
  if (filter.personId !== undefined) base = base.where('l.person_id', '=', filter.personId);
  if (filter.overdue === true)
    base = base.where('l.status', '=', 'open').where('l.deadline', '<=', filter.now);
  if (filter.overdue === false)
    base = base.where((eb) => eb.or([eb('l.status', '=', 'verified'), eb('l.deadline', '>', filter.now)]));
  if (filter.queue) base = base.where(queueFilter(filter.queue));
  const [items, count] = await Promise.all([
    // Open before verified; the most urgent first.
    base.orderBy('l.status').orderBy('l.deadline').orderBy('l.id').limit(pageSize).offset(offset).execute(),
    base
      .clearSelect()
      .select((eb) => eb.fn.countAll<number>().as('n'))
      .executeTakeFirstOrThrow(),
  ]);
  return { items, page, pageSize, total: Number(count.n) };
}

/**
 * Stores new leads; a lead whose source key is already stored is skipped (idempotent
 * re-imports). Returns the ids of the rows inserted, by source key when there is one.
 */
export async function insertLeads(
  db: Db,
  rows: Insertable<LeadsTable>[],
): Promise<Array<{ id: number; source_key: string | null }>> {
  if (rows.length === 0) return [];
  return db
    .insertInto('leads')
    .values(rows)
    .onConflict((oc) => oc.column('source_key').where('source_key', 'is not', null).doNothing())
    .returning(['id', 'source_key'])
    .execute();
}

export async function existingSourceKeys(db: Db, keys: readonly string[]): Promise<Map<string, number>> {
  if (keys.length === 0) return new Map();
  const rows = await db
    .selectFrom('leads')
    .select(['id', 'source_key'])
    .where('source_key', 'in', [...keys])
    .execute();
  return new Map(rows.map((r) => [r.source_key!, r.id]));
}

export async function insertEvents(db: Db, events: Insertable<LeadEventsTable>[]): Promise<void> {
  if (events.length === 0) return;
  await db.insertInto('lead_events').values(events).execute();
}

export async function leadHistory(db: Db, leadId: number) {
  return db
    .selectFrom('lead_events as e')
    .leftJoin('areas as fa', 'fa.id', 'e.from_area_id')
    .leftJoin('areas as ta', 'ta.id', 'e.to_area_id')
    .select([
      'e.at',
      'e.kind',
      'e.from_tier',
      'e.to_tier',
      'e.from_area_id',
      'e.to_area_id',
      'fa.name as from_area_name',
      'ta.name as to_area_name',
      'e.actor_name',
      'e.details',
    ])
    .where('e.lead_id', '=', leadId)
    .orderBy('e.at')
    .orderBy('e.id')
    .execute();
}

/** Users holding `role` on the lead's area or its nearest ancestor that has one. */
export async function responsibleUsers(db: Db, areaPath: string, role: Role) {
  const ids = areaPath.split('/').filter(Boolean).map(Number);
  if (ids.length === 0) return [];
  const rows = await db
    .selectFrom('role_assignments as r')
    .innerJoin('users as u', 'u.id', 'r.user_id')
    .innerJoin('areas as a', 'a.id', 'r.area_id')
    .select(['u.id as userId', 'u.display_name as name', 'r.role', 'a.depth'])
    .where('r.area_id', 'in', ids)
    .where('r.role', '=', role)
    .where('u.disabled_at', 'is', null)
    .orderBy('a.depth', 'desc')
    .orderBy('u.display_name')
    .execute();
  const deepest = rows[0]?.depth;
  return rows
    .filter((r) => r.depth === deepest)
    .map(({ userId, name, role: r }) => ({ userId, name, role: r }));
}

export async function markVerified(
  db: Db,
  id: number,
  values: {
    outcome: NonNullable<LeadsTable['outcome']>;
    measures: string;
    note: string | null;
    personId: number | null;
    at: Date;
    by: string;
  },
): Promise<boolean> {
  // `status = 'open'` in the statement: of two workers verifying at once, one wins.
  const row = await db
    .updateTable('leads')
    .set({
      status: 'verified',
      outcome: values.outcome,
      measures: values.measures,
      verification_note: values.note,
      verified_at: values.at,
      verified_by: values.by,
      ...(values.personId !== null ? { person_id: values.personId } : {}),
    })
    .where('id', '=', id)
    .where('status', '=', 'open')
    .returning('id')
    .executeTakeFirst();
  return row !== undefined;
}

export async function moveLead(
  db: Db,
  id: number,
  to: { areaId: number; areaPath: string },
): Promise<boolean> {
  const row = await db
    .updateTable('leads')
    .set({
      area_id: to.areaId,
      area_path: to.areaPath,
      routed_by: 'manual',
      tier: 'worker',
      escalated_at: null,
    })
    .where('id', '=', id)
    .where('status', '=', 'open')
    .returning('id')
    .executeTakeFirst();
  return row !== undefined;
}

// ---- routing: who or where a lead belongs to, set-based per batch ----

/** Persons with these ID hashes under a subtree; active ones first. */
export async function personsByDocumentHash(db: Db, hashes: readonly string[], withinPath: string) {
  if (hashes.length === 0) return [];
  return db
    .selectFrom('persons')
    .select(['id', 'document_hash', 'area_id', 'area_path', 'status'])
    .where('document_hash', 'in', [...new Set(hashes)])
    .where('area_id', 'is not', null)
    .where(inSubtrees([withinPath], 'persons.area_path'))
    .orderBy(sql`status = 'active'`, 'desc')
    .orderBy('updated_at', 'desc')
    .execute();
}

/** Active persons with these phone hashes under a subtree (families often share one phone). */
export async function personsByPhoneHash(db: Db, hashes: readonly string[], withinPath: string) {
  if (hashes.length === 0) return [];
  return db
    .selectFrom('persons')
    .select(['id', 'phone_hash', 'area_id', 'area_path'])
    .where('phone_hash', 'in', [...new Set(hashes)])
    .where('status', '=', 'active')
    .where('area_id', 'is not', null)
    .where(inSubtrees([withinPath], 'persons.area_path'))
    .execute();
}

const normalisedAddress = (column: string) =>
  sql<string>`lower(regexp_replace(normalize(${sql.ref(column)}, NFKC), '\\s', '', 'g'))`;

/**
 * Address matches under a subtree. Both sides are normalised the same way (NFKC, no
 * whitespace, lower case). A lead's address matches a live house's standard address, or an
 * active person's current address, when that address is the whole lead address or a suffix of
 * it at least 6 characters long: lists put the province, city and district in front of the
 * address the register holds. Each match carries the length matched, so the caller keeps the
 * longest.
 */
export async function addressMatches(
  db: Db,
  items: ReadonlyArray<{ index: number; address: string }>,
  withinPath: string,
) {
  if (items.length === 0) return [];
  const result = await sql<{ i: number; len: number; area_id: number; area_path: string }>`
    with input as (
      select t.i, ${normalisedAddress('t.address')} as norm
      from unnest(${items.map((x) => x.index)}::int[], ${items.map((x) => x.address)}::text[]) as t(i, address)
    ), suffixes as (
      select i, substr(norm, s) as suffix, length(norm) - s + 1 as len
      from input, generate_series(1, greatest(length(norm) - 5, 1)) as s
    ), known as (
      select area_id, area_path, ${normalisedAddress('address')} as norm
      from houses where retired_at is null and ${inSubtrees([withinPath], 'houses.area_path')}
      union all
      select area_id, area_path, ${normalisedAddress('current_address')} as norm
      from persons
      where status = 'active' and current_address is not null and area_id is not null
        and ${inSubtrees([withinPath], 'persons.area_path')}
    )
    select distinct s.i, s.len, k.area_id, k.area_path
    from suffixes s join known k on k.norm = s.suffix`.execute(db);
  return result.rows;
}

// ---- progress ----

/** The live children of a node, in code order: the rows of a progress table. */
export async function childAreas(db: Db, nodeId: number) {
  return db
    .selectFrom('areas')
    .select(['id', 'code', 'name', 'level'])
    .where('parent_id', '=', nodeId)
    .where('retired_at', 'is', null)
    .orderBy('code')
    .execute();
}

export interface ProgressTally {
  /** The child of the node the leads lie under, or null for leads held at the node itself. */
  child: number | null;
  total: number;
  verified: number;
  overdue: number;
}

/**
 * Leads under a node as they stood at `asOf`, grouped by the node's child they lie under:
 * created before then, verified before then, and (open at the time) past their deadline.
 */
export async function progressByChild(
  db: Db,
  nodePath: string,
  asOf: Date,
  batch?: string,
): Promise<ProgressTally[]> {
  const result = await sql<ProgressTally>`
    select nullif(split_part(substr(area_path, ${nodePath.length + 1}), '/', 1), '')::int as child,
      count(*)::int as total,
      count(*) filter (where verified_at is not null and verified_at <= ${asOf})::int as verified,
      count(*) filter (where (verified_at is null or verified_at > ${asOf}) and deadline <= ${asOf})::int as overdue
    from leads
    where ${inSubtrees([nodePath], 'leads.area_path')} and created_at <= ${asOf}
      ${batch ? sql`and batch_reference = ${batch}` : sql``}
    group by 1`.execute(db);
  return result.rows;
}

// ---- escalation ----

const ESCALATOR = 'system:escalation';

/**
 * One escalation step as one statement: the update claims the leads (`tier = from` is checked
 * again on the locked row, so a concurrent run skips what another already moved) and the
 * history rows are written from what it returned.
 */
/** A lead is due for its next tier once this column of it is at or before this time. */
export interface EscalationDue {
  column: 'deadline' | 'escalated_at';
  atOrBefore: Date;
}

export async function escalateStep(
  db: Db,
  now: Date,
  from: LeadTier,
  to: LeadTier,
  due: EscalationDue,
): Promise<number[]> {
  const result = await sql<{ lead_id: number }>`
    with moved as (
      update leads set tier = ${to}, escalated_at = ${now}
      where status = 'open' and tier = ${from} and ${sql.ref(due.column)} <= ${due.atOrBefore}
      returning id, area_id
    )
    insert into lead_events (lead_id, at, kind, from_tier, to_tier, from_area_id, to_area_id, actor_name)
    select id, ${now}, 'escalated', ${from}, ${to}, area_id, area_id, ${ESCALATOR} from moved
    returning lead_id`.execute(db);
  return result.rows.map((r) => r.lead_id);
}

// ---- the unmatched health-record inbox ----

export async function findInboxRecordInScope(db: Db, viewer: Viewer, id: number) {
  return db
    .selectFrom('health_records')
    .select([
      'id',
      'kind',
      'source',
      'result',
      'occurred_at',
      'area_path',
      'inbox_status',
      'unmatched_reason',
      'identity_secret',
      'document_masked',
      'name_masked',
      'id_hash',
    ])
    .where('id', '=', id)
    .where('person_id', 'is', null)
    .where(inScope(viewer, 'health.write', 'health_records.area_path'))
    .executeTakeFirst();
}

/** Claims an open inbox record for a lead; false when someone else already acted on it. */
export async function claimInboxRecord(db: Db, id: number): Promise<boolean> {
  const row = await db
    .updateTable('health_records')
    .set({ inbox_status: 'lead' })
    .where('id', '=', id)
    .where('inbox_status', '=', 'open')
    .returning('id')
    .executeTakeFirst();
  return row !== undefined;
}

export async function areaByPath(db: Db, path: string) {
  return db.selectFrom('areas').selectAll().where('path', '=', path).executeTakeFirst();
}

/** The ancestors-or-self of a path, deepest last. */
export async function areasOnPath(db: Db, path: string) {
  const ids = path.split('/').filter(Boolean).map(Number);
  if (ids.length === 0) return [];
  return db.selectFrom('areas').selectAll().where('id', 'in', ids).orderBy('depth').execute();
}
