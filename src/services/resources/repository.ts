import { type Insertable, sql, type Updateable } from 'kysely';
import { inOrAbove, inScope, inSubtrees, scopePaths, type Viewer } from '../../auth/scope.js';
import type { Db } from '../../auth/context.js';
import { pageWindow } from '../../core/pagination.js';
import type { ServiceResourcesTable } from '../../db/schema.js';
import { escapeLike } from '../../hierarchy/repository.js';

function withArea(db: Db) {
  return db
    .selectFrom('service_resources as sr')
    .innerJoin('areas as a', 'a.id', 'sr.area_id')
    .selectAll('sr')
    .select(['a.code as area_code', 'a.name as area_name', 'a.level as area_level']);
}
export type ResourceRow = NonNullable<Awaited<ReturnType<ReturnType<typeof withArea>['executeTakeFirst']>>>;

/** Everyone who handles requests reads the lists kept in their area and above it (the community's). */
const readable = (viewer: Viewer) => inOrAbove(scopePaths(viewer, 'service.handle'), 'sr.area_path');

export async function findReadable(db: Db, viewer: Viewer, id: number) {
  return withArea(db).where('sr.id', '=', id).where(readable(viewer)).executeTakeFirst();
}

export async function findManageable(db: Db, viewer: Viewer, id: number) {
  return withArea(db)
    .where('sr.id', '=', id)
    .where(inScope(viewer, 'service.manage', 'sr.area_path'))
    .executeTakeFirst();
}

export async function findResource(db: Db, id: number) {
  return withArea(db).where('sr.id', '=', id).executeTakeFirstOrThrow();
}

export interface ResourceFilter {
  list?: 'resource' | 'service' | undefined;
  kind?: string | undefined;
  servingPath?: string | undefined;
  q?: string | undefined;
  includeRetired?: boolean | undefined;
  page?: number | undefined;
  pageSize?: number | undefined;
}

function filtered(db: Db, viewer: Viewer, filter: ResourceFilter) {
  let base = withArea(db).where(readable(viewer));
  if (filter.list) base = base.where('sr.list', '=', filter.list);
  if (filter.kind) base = base.where('sr.kind', '=', filter.kind);
  if (filter.servingPath) base = base.where(inOrAbove([filter.servingPath], 'sr.area_path'));
  if (filter.q) {
    const pattern = `%${escapeLike(filter.q)}%`;
    base = base.where((eb) => eb.or([eb('sr.name', 'like', pattern), eb('sr.address', 'like', pattern)]));
  }
  if (!filter.includeRetired) base = base.where('sr.retired_at', 'is', null);
  return base;
}

export async function listResources(db: Db, viewer: Viewer, filter: ResourceFilter) {
  const { page, pageSize, offset } = pageWindow(filter);
  const base = filtered(db, viewer, filter);
  const [items, count] = await Promise.all([
    base
      .orderBy('sr.list')
      .orderBy('sr.kind')
      .orderBy('sr.name')
      .orderBy('sr.id')
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

export async function countsByKind(db: Db, viewer: Viewer, filter: ResourceFilter) {
  const rows = await filtered(db, viewer, filter)
    .clearSelect()
    .select(['sr.kind', (eb) => eb.fn.countAll<number>().as('n')])
    .groupBy('sr.kind')
    .execute();
  return Object.fromEntries(rows.map((r) => [r.kind, Number(r.n)]));
}

export async function insertResource(db: Db, row: Insertable<ServiceResourcesTable>): Promise<number> {
  const inserted = await db
    .insertInto('service_resources')
    .values(row)
    .returning('id')
    .executeTakeFirstOrThrow();
  return inserted.id;
}

export async function updateResource(db: Db, id: number, changes: Updateable<ServiceResourcesTable>) {
  await db.updateTable('service_resources').set(changes).where('id', '=', id).execute();
}

// ---- 问题清单 ----

const OPEN_REQUEST = sql<boolean>`r.status in ('open','accepted','delivered')`;

export async function requestFigures(db: Db, path: string) {
  const row = await db
    .selectFrom('resident_requests as r')
    .select([
      sql<number>`count(*) filter (where ${OPEN_REQUEST})`.as('open'),
      sql<number>`count(*) filter (where ${OPEN_REQUEST} and r.urgency = 'urgent')`.as('urgent'),
      sql<number>`count(*) filter (where ${OPEN_REQUEST} and r.volunteer_user_id is null)`.as('unassigned'),
    ])
    .where(inSubtrees([path], 'r.area_path'))
    .executeTakeFirstOrThrow();
  const byKind = await db
    .selectFrom('resident_requests as r')
    .select(['r.kind', (eb) => eb.fn.countAll<number>().as('n')])
    .where(inSubtrees([path], 'r.area_path'))
    .where(OPEN_REQUEST)
    .groupBy('r.kind')
    .execute();
  return {
    open: Number(row.open),
    urgent: Number(row.urgent),
    unassigned: Number(row.unassigned),
    byKind: Object.fromEntries(byKind.map((r) => [r.kind, Number(r.n)])),
  };
}

export async function topRequests(db: Db, path: string, limit: number) {
  return db
    .selectFrom('resident_requests as r')
    .innerJoin('houses as h', 'h.id', 'r.house_id')
    .leftJoin('users as v', 'v.id', 'r.volunteer_user_id')
    .select([
      'r.id',
      'r.code',
      'r.kind',
      'r.urgency',
      'r.status',
      'r.created_at',
      'h.address',
      'v.display_name',
    ])
    .where(inSubtrees([path], 'r.area_path'))
    .where(OPEN_REQUEST)
    .orderBy(sql`case when r.urgency = 'urgent' then 0 else 1 end`)
    .orderBy('r.created_at')
    .orderBy('r.id')
    .limit(limit)
    .execute();
}

const OPEN_EVENT = sql<boolean>`e.status in ('collected','registered','dispatched','handling','reported','suspended')`;

export async function eventFigures(db: Db, path: string, now: Date) {
  const row = await db
    .selectFrom('events as e')
    .select([
      sql<number>`count(*)`.as('open'),
      sql<number>`count(*) filter (where e.step_deadline < ${now})`.as('overdue'),
    ])
    .where(inSubtrees([path], 'e.area_path'))
    .where(OPEN_EVENT)
    .executeTakeFirstOrThrow();
  return { open: Number(row.open), overdue: Number(row.overdue) };
}

export async function topEvents(db: Db, path: string, limit: number) {
  return db
    .selectFrom('events as e')
    .select(['e.id', 'e.code', 'e.title', 'e.status', 'e.step_deadline', 'e.created_at'])
    .where(inSubtrees([path], 'e.area_path'))
    .where(OPEN_EVENT)
    .orderBy(sql`e.step_deadline asc nulls last`)
    .orderBy('e.created_at')
    .orderBy('e.id')
    .limit(limit)
    .execute();
}
