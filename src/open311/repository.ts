import { type SqlBool, sql } from 'kysely';
import { inSubtrees } from '../auth/scope.js';
import type { Db } from '../auth/context.js';
import type { CategoryAttribute, EventStatus } from '../db/schema.js';

/** Event statuses an Open311 client sees as "closed"; everything else is "open". */
export const CLOSED_STATUSES: readonly EventStatus[] = ['closed', 'evaluated', 'rejected', 'merged'];

export interface ServiceRow {
  id: number;
  code: string;
  name_zh: string;
  name_en: string;
  group_zh: string | null;
  group_en: string | null;
  attributes: CategoryAttribute[];
}

/** The categories offered to the public, as services: leaves of the tree, grouped by their parent. */
export async function listPublicServices(db: Db, code?: string): Promise<ServiceRow[]> {
  let query = db
    .selectFrom('event_categories as c')
    .leftJoin('event_categories as p', 'p.id', 'c.parent_id')
    .select([
      'c.id',
      'c.code',
      'c.name_zh',
      'c.name_en',
      'p.name_zh as group_zh',
      'p.name_en as group_en',
      'c.attributes',
    ])
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
    );
  if (code !== undefined) query = query.where('c.code', '=', code);
  return query.orderBy('p.sort').orderBy('c.sort').orderBy('c.id').execute();
}

export interface RequestFilter {
  /** Subtree of the client's key or of the jurisdiction asked for; every area when absent. */
  areaPath?: string;
  /** Only public categories (the services): what a client without a key may read. */
  publicOnly: boolean;
  codes?: string[];
  serviceCodes?: string[];
  startDate?: Date;
  endDate?: Date;
  /** One of them; both or none is every status. */
  status?: 'open' | 'closed';
  limit: number;
}

/**
 * Service requests as Open311 shows them: citizen-facing fields only, never reporter details. The
 * photo is the first report photo of a request filed through Open311 (a resident's 随手拍 photos
 * stay with the follow link).
 */
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
      'e.media_url',
      sql<number | null>`(
        select p.id from event_photos p
        where p.event_id = e.id and p.purpose = 'report' and e.source = 'open311'
        order by p.id limit 1)`.as('photo_id'),
      sql<string | null>`(
        select s.note from event_steps s
        where s.event_id = e.id and s.action in ('close', 'reject', 'report', 'merge', 'suspend')
        order by s.at desc, s.id desc limit 1)`.as('status_notes'),
    ])
    .$if(filter.areaPath !== undefined, (q) => q.where(inSubtrees([filter.areaPath!], 'e.area_path')))
    .$if(filter.publicOnly, (q) => q.where('c.public', '=', true));
  if (filter.codes) query = query.where('e.code', 'in', filter.codes);
  if (filter.serviceCodes) query = query.where('c.code', 'in', filter.serviceCodes);
  if (filter.startDate) query = query.where('e.created_at', '>=', filter.startDate);
  if (filter.endDate) query = query.where('e.created_at', '<=', filter.endDate);
  if (filter.status) {
    const closed = sql<SqlBool>`e.status in (${sql.join(CLOSED_STATUSES)})`;
    query = query.where(filter.status === 'closed' ? closed : sql<SqlBool>`not ${closed}`);
  }
  return query.orderBy('e.created_at', 'desc').orderBy('e.id', 'desc').limit(filter.limit).execute();
}

export type ServiceRequestRow = Awaited<ReturnType<typeof findServiceRequests>>[number];

/** The active area with this code (an Open311 jurisdiction id or address id). */
export async function findAreaByCode(
  db: Db,
  code: string,
): Promise<{ id: number; path: string } | undefined> {
  return db
    .selectFrom('areas')
    .select(['id', 'path'])
    .where('code', '=', code)
    .where('retired_at', 'is', null)
    .executeTakeFirst();
}

/** A report photo of a request filed through Open311 (what its media_url points to), with its bytes. */
export async function findOpen311Photo(db: Db, requestCode: string, photoId: number) {
  return db
    .selectFrom('event_photos as p')
    .innerJoin('events as e', 'e.id', 'p.event_id')
    .innerJoin('event_categories as c', 'c.id', 'e.category_id')
    .select(['p.mime', 'p.content', 'p.sha256'])
    .where('p.id', '=', photoId)
    .where('e.code', '=', requestCode)
    .where('p.purpose', '=', 'report')
    .where('e.source', '=', 'open311')
    .where('c.public', '=', true)
    .executeTakeFirst();
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
