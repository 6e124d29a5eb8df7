import { type Insertable, type Selectable, sql, type Updateable } from 'kysely';
import type { Db } from '../../auth/context.js';
import type { Right } from '../../auth/rights.js';
import { inScope, inSubtrees, type Viewer } from '../../auth/scope.js';
import type {
  EnterpriseFilingDocumentsTable,
  EnterpriseFilingsTable,
  EnterpriseFilingStepsTable,
  FilingState,
} from '../../db/schema.js';
import { escapeLike } from '../../hierarchy/repository.js';
import type { ReadRule } from '../../notifications/readers.js';

export type FilingRow = Selectable<EnterpriseFilingsTable>;
export type FilingStepRow = Selectable<EnterpriseFilingStepsTable>;
export type FilingDocumentRow = Selectable<EnterpriseFilingDocumentsTable>;
export type FilingDocumentMeta = Omit<FilingDocumentRow, 'content'>;

/** Awaiting a decision past its deadline: the one definition lists, figures and reminders share. */
const overdueSql = (now: Date, alias = 'f') =>
  sql<boolean>`(${sql.ref(`${alias}.state`)} in ('submitted','inspected') and ${sql.ref(`${alias}.decide_by`)} <= ${now})`;

export async function findFilingByUnit(db: Db, unitId: number): Promise<FilingRow | undefined> {
  return db.selectFrom('enterprise_filings').selectAll().where('unit_id', '=', unitId).executeTakeFirst();
}

/** The filing, if the viewer holds `right` over its area; otherwise undefined (the caller answers 404). */
export async function findFilingInScope(
  db: Db,
  viewer: Viewer,
  right: Right,
  id: number,
): Promise<FilingRow | undefined> {
  return db
    .selectFrom('enterprise_filings as f')
    .selectAll('f')
    .where('f.id', '=', id)
    .where(inScope(viewer, right, 'f.area_path'))
    .executeTakeFirst();
}

/** Locks the filing row for a change in the caller's transaction. */
export async function lockFiling(db: Db, id: number): Promise<FilingRow | undefined> {
  return db.selectFrom('enterprise_filings').selectAll().where('id', '=', id).forUpdate().executeTakeFirst();
}

export async function insertFiling(db: Db, values: Insertable<EnterpriseFilingsTable>): Promise<FilingRow> {
  return db.insertInto('enterprise_filings').values(values).returningAll().executeTakeFirstOrThrow();
}

/** Changes a filing only if it is still in `from` (a concurrent step makes this answer undefined). */
export async function updateFiling(
  db: Db,
  id: number,
  from: FilingState,
  values: Updateable<EnterpriseFilingsTable>,
): Promise<FilingRow | undefined> {
  return db
    .updateTable('enterprise_filings')
    .set(values)
    .where('id', '=', id)
    .where('state', '=', from)
    .returningAll()
    .executeTakeFirst();
}

export async function insertStep(db: Db, values: Insertable<EnterpriseFilingStepsTable>): Promise<void> {
  await db.insertInto('enterprise_filing_steps').values(values).execute();
}

export async function listSteps(db: Db, filingId: number): Promise<FilingStepRow[]> {
  return db
    .selectFrom('enterprise_filing_steps')
    .selectAll()
    .where('filing_id', '=', filingId)
    .orderBy('id')
    .execute();
}

const DOCUMENT_META = [
  'id',
  'filing_id',
  'title',
  'mime',
  'bytes',
  'sha256',
  'created_by',
  'created_at',
] as const;

export async function listDocuments(db: Db, filingId: number): Promise<FilingDocumentMeta[]> {
  return db
    .selectFrom('enterprise_filing_documents')
    .select(DOCUMENT_META)
    .where('filing_id', '=', filingId)
    .orderBy('id')
    .execute();
}

export async function countDocuments(db: Db, filingId: number): Promise<number> {
  const row = await db
    .selectFrom('enterprise_filing_documents')
    .select((eb) => eb.fn.countAll<string>().as('n'))
    .where('filing_id', '=', filingId)
    .executeTakeFirstOrThrow();
  return Number(row.n);
}

export async function insertDocuments(
  db: Db,
  rows: Array<Insertable<EnterpriseFilingDocumentsTable>>,
): Promise<FilingDocumentMeta[]> {
  if (rows.length === 0) return [];
  return db.insertInto('enterprise_filing_documents').values(rows).returning(DOCUMENT_META).execute();
}

/** One document with its bytes, only if it belongs to this filing; the caller scopes the filing. */
export async function readDocument(
  db: Db,
  filingId: number,
  documentId: number,
): Promise<FilingDocumentRow | undefined> {
  return db
    .selectFrom('enterprise_filing_documents')
    .selectAll()
    .where('id', '=', documentId)
    .where('filing_id', '=', filingId)
    .executeTakeFirst();
}

export async function deleteDocument(db: Db, filingId: number, documentId: number): Promise<boolean> {
  const result = await db
    .deleteFrom('enterprise_filing_documents')
    .where('id', '=', documentId)
    .where('filing_id', '=', filingId)
    .executeTakeFirst();
  return Number(result.numDeletedRows) > 0;
}

/** Live enterprises (units of category enterprise) with their filing, if any. */
function enterprisesWithFiling(db: Db) {
  return db
    .selectFrom('units as u')
    .innerJoin('areas as a', 'a.id', 'u.area_id')
    .leftJoin('enterprise_filings as f', 'f.unit_id', 'u.id')
    .where('u.retired_at', 'is', null)
    .where('u.category', '=', 'enterprise');
}

export interface EnterpriseFilter {
  withinPath?: string;
  state?: FilingState | 'none';
  overdue?: boolean;
  q?: string;
  limit: number;
  offset: number;
}

/** A page of the enterprises the viewer may read (enterprise.read), with their filing's state. */
export async function listEnterprisesInScope(db: Db, viewer: Viewer, filter: EnterpriseFilter, now: Date) {
  let base = enterprisesWithFiling(db).where(inScope(viewer, 'enterprise.read', 'u.area_path'));
  if (filter.withinPath !== undefined) base = base.where(inSubtrees([filter.withinPath], 'u.area_path'));
  if (filter.state === 'none') base = base.where('f.id', 'is', null);
  else if (filter.state) base = base.where('f.state', '=', filter.state);
  if (filter.overdue === true) base = base.where(overdueSql(now));
  if (filter.overdue === false) base = base.where(sql<boolean>`not coalesce(${overdueSql(now)}, false)`);
  if (filter.q) base = base.where('u.name', 'like', `%${escapeLike(filter.q)}%`);
  const [rows, count] = await Promise.all([
    base
      .select([
        'u.id as unit_id',
        'u.name',
        'u.area_id',
        'a.name as area_name',
        'u.employees',
        'f.id as filing_id',
        'f.state',
        'f.planned_on',
        'f.headcount',
        'f.submitted_at',
        'f.decide_by',
      ])
      .select(sql<boolean>`coalesce(${overdueSql(now)}, false)`.as('overdue'))
      // Overdue first, then waiting for a decision, then by name: what needs the worker comes first.
      .orderBy(sql`coalesce(${overdueSql(now)}, false)`, 'desc')
      .orderBy(sql`case when f.state in ('submitted','inspected') then 0 else 1 end`)
      .orderBy('u.name')
      .orderBy('u.id')
      .limit(filter.limit)
      .offset(filter.offset)
      .execute(),
    base.select((eb) => eb.fn.countAll<string>().as('n')).executeTakeFirstOrThrow(),
  ]);
  return { rows, total: Number(count.n) };
}

/**
 * The ids of the units back at work (their filing approved): a subquery the dashboard and other
 * modules join to, e.g. `where('u.id', 'in', resumedUnitIdsQuery(db))`.
 */
export function resumedUnitIdsQuery(db: Db) {
  return db.selectFrom('enterprise_filings').select('unit_id').where('state', '=', 'approved');
}

/** Return-to-work figures of the enterprises under the prefixes (the caller intersects them with the viewer's scope). */
export async function filingFigures(db: Db, prefixes: readonly string[], now: Date) {
  const row = await enterprisesWithFiling(db)
    .where(inSubtrees(prefixes, 'u.area_path'))
    .select((eb) => [
      eb.fn.countAll<string>().as('enterprises'),
      eb.fn.count<string>('f.id').as('filed'),
      sql<string>`count(*) filter (where f.state = 'draft')`.as('draft'),
      sql<string>`count(*) filter (where f.state = 'submitted')`.as('submitted'),
      sql<string>`count(*) filter (where f.state = 'inspected')`.as('inspected'),
      sql<string>`count(*) filter (where f.state = 'approved')`.as('approved'),
      sql<string>`count(*) filter (where f.state = 'returned')`.as('returned'),
      sql<string>`count(*) filter (where f.state = 'suspended')`.as('suspended'),
      sql<string>`count(*) filter (where ${overdueSql(now)})`.as('overdue'),
    ])
    .executeTakeFirstOrThrow();
  return Object.fromEntries(Object.entries(row).map(([k, v]) => [k, Number(v)])) as Record<
    keyof typeof row,
    number
  >;
}

/**
 * Marks the filings whose decision deadline has passed as reminded, once per submission, and
 * answers them with their unit: one statement, so two processes remind each filing once.
 */
export async function claimOverdueFilings(db: Db, now: Date) {
  return db
    .updateTable('enterprise_filings as f')
    .from('units as u')
    .set({ reminded_at: now })
    .whereRef('u.id', '=', 'f.unit_id')
    .where('f.state', 'in', ['submitted', 'inspected'])
    .where('f.decide_by', '<=', now)
    .where('f.reminded_at', 'is', null)
    .returning(['f.id', 'f.unit_id', 'f.area_path', 'f.submitted_at', 'u.name'])
    .execute();
}

/** The grid workers of the grid, micro-grid or cell an area path lies in (active accounts). */
export async function gridWorkersOver(db: Db, areaPath: string): Promise<number[]> {
  const ids = areaPath.split('/').filter(Boolean).map(Number);
  if (ids.length === 0) return [];
  const rows = await db
    .selectFrom('role_assignments as ra')
    .innerJoin('areas as wa', 'wa.id', 'ra.area_id')
    .innerJoin('users as u', 'u.id', 'ra.user_id')
    .select('ra.user_id')
    .distinct()
    .where('ra.role', '=', 'grid_worker')
    .where('wa.id', 'in', ids)
    .where('wa.level', 'in', ['grid', 'microgrid', 'cell'])
    .where('wa.retired_at', 'is', null)
    .where('u.disabled_at', 'is', null)
    .orderBy('ra.user_id')
    .execute();
  return rows.map((r) => r.user_id);
}

/** Who is notified about a filing: whoever GET /api/filings/:id would answer. */
export const FILING_READ_RULE: ReadRule = {
  entityType: 'enterprise_filing',
  gate: 'enterprise.read',
  table: 'enterprise_filings',
  alias: 'f',
  visible: (viewer) => inScope(viewer, 'enterprise.read', 'f.area_path'),
};

/** The demo village's first `limit` live enterprises (the demo seeds their filings). */
export async function demoEnterprises(db: Db, villagePath: string, limit: number) {
  return db
    .selectFrom('units')
    .select(['id', 'area_id', 'area_path', 'employees', 'legal_person'])
    .where('category', '=', 'enterprise')
    .where('retired_at', 'is', null)
    .where(inSubtrees([villagePath], 'area_path'))
    .orderBy('id')
    .limit(limit)
    .execute();
}

export async function insertDemoFilings(db: Db, rows: Array<Insertable<EnterpriseFilingsTable>>) {
  return db.insertInto('enterprise_filings').values(rows).returning(['id', 'unit_id']).execute();
}

export async function insertDemoSteps(db: Db, rows: Array<Insertable<EnterpriseFilingStepsTable>>) {
  if (rows.length > 0) await db.insertInto('enterprise_filing_steps').values(rows).execute();
}
