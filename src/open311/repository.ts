import { type SqlBool, sql } from 'kysely';
import { inSubtrees } from '../auth/scope.js';
import type { Db } from '../auth/context.js';
import type { EventStatus } from '../db/schema.js';

/** Event statuses an Open311 client sees as "closed"; everything else is "open". */
export const CLOSED_STATUSES: readonly EventStatus[] = ['closed', 'evaluated', 'rejected', 'merged'];

export interface ServiceRow {
  id: number;
  code: string;
  name_zh: string;
  name_en: string;
  group_zh: string | null;
  group_en: string | null;
}

/** The categories offered to the public, as services: leaves of the tree, grouped by their parent. */
export async function listPublicServices(db: Db): Promise<ServiceRow[]> {
  return db
    .selectFrom('event_categories as c')
    .leftJoin('event_categories as p', 'p.id', 'c.parent_id')
    .select(['c.id', 'c.code', 'c.name_zh', 'c.name_en', 'p.name_zh as group_zh', 'p.name_en as group_en'])
    .where('c.public', '=', true)
    .where('c.retired_at', 'is', null)
    .where(({ not, exists, selectFrom }) =>
      not(
        exists(
          selectFrom('event_categories as child')
            .select('child.id')
            .whereRef('child.parent_id', '=', 'c.id')
            .where('child.retired_at', 'is', null),
        ),
      ),
    )
    .orderBy('p.sort')
    .orderBy('c.sort')
    .orderBy('c.id')
    .execute();
}

export interface RequestFilter {
  /** Subtree of the client's token. */
  areaPath: string;
  codes?: string[];
  serviceCode?: string;
  startDate?: Date;
  endDate?: Date;
  status?: 'open' | 'closed';
  limit: number;
}

/** Service requests as Open311 shows them: citizen-facing fields only, never reporter details. */
export async function findServiceRequests(db: Db, filter: RequestFilter) {
  let query = db
    .selectFrom('events as e')
    .innerJoin('event_categories as c', 'c.id', 'e.category_id')
    .innerJoin('areas as t', 't.id', 'e.tier_area_id')
    .select([
      'e.id',
      'e.code',
      'e.status',
      'e.description',
      'e.title',
      'e.address',
      'e.lng',
      'e.lat',
      'e.created_at',
      'e.updated_at',
      'e.step_deadline',
      'c.code as service_code',
      'c.name_zh as service_name_zh',
      'c.name_en as service_name_en',
      't.name as agency',
      sql<string | null>`(
        select s.note from event_steps s
        where s.event_id = e.id and s.action in ('close', 'reject', 'report', 'merge', 'suspend')
        order by s.at desc, s.id desc limit 1)`.as('status_notes'),
    ])
    .where(inSubtrees([filter.areaPath], 'e.area_path'));
  if (filter.codes) query = query.where('e.code', 'in', filter.codes);
  if (filter.serviceCode) query = query.where('c.code', '=', filter.serviceCode);
  if (filter.startDate) query = query.where('e.created_at', '>=', filter.startDate);
  if (filter.endDate) query = query.where('e.created_at', '<=', filter.endDate);
  if (filter.status) {
    const closed = sql<SqlBool>`e.status in (${sql.join(CLOSED_STATUSES)})`;
    query = query.where(filter.status === 'closed' ? closed : sql<SqlBool>`not ${closed}`);
  }
  return query.orderBy('e.created_at', 'desc').orderBy('e.id', 'desc').limit(filter.limit).execute();
}

export type ServiceRequestRow = Awaited<ReturnType<typeof findServiceRequests>>[number];

/** The path of the area with this code (an Open311 jurisdiction id), retired or not. */
export async function findAreaPathByCode(db: Db, code: string): Promise<{ path: string } | undefined> {
  return db.selectFrom('areas').select('path').where('code', '=', code).executeTakeFirst();
}

/** Whether some active area of this subtree has a boundary drawn. */
export async function hasMappedAreaIn(db: Db, areaPath: string): Promise<boolean> {
  const mapped = await db
    .selectFrom('areas')
    .select('id')
    .where(inSubtrees([areaPath], 'areas.path'))
    .where('boundary', 'is not', null)
    .where('retired_at', 'is', null)
    .limit(1)
    .executeTakeFirst();
  return mapped !== undefined;
}

/** When the newest event category was created; undefined before the first. */
export async function latestCategoryCreation(db: Db): Promise<Date | undefined> {
  const row = await db
    .selectFrom('event_categories')
    .select((eb) => eb.fn.max('created_at').as('latest'))
    .executeTakeFirst();
  return row?.latest ? new Date(row.latest) : undefined;
}
