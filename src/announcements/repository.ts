import {
  type Expression,
  type Insertable,
  type RawBuilder,
  type SqlBool,
  sql,
  type Updateable,
} from 'kysely';
import {
  ancestorOrSelfPaths,
  inOrAbove,
  inSubtrees,
  minimalPrefixes,
  rolesWith,
  scopePaths,
  type Viewer,
} from '../auth/scope.js';
import type { Db } from '../auth/context.js';
import { pageWindow } from '../core/pagination.js';
import type { AnnouncementsTable } from '../db/schema.js';
import type { ReadRule } from '../notifications/readers.js';

type Status = 'draft' | 'published' | 'withdrawn';

function withArea(db: Db) {
  return db
    .selectFrom('announcements as an')
    .innerJoin('areas as a', 'a.id', 'an.area_id')
    .leftJoin('users as u', 'u.id', 'an.created_by')
    .selectAll('an')
    .select([
      'a.code as area_code',
      'a.name as area_name',
      'a.level as area_level',
      'u.display_name as created_by_name',
    ]);
}
export type AnnouncementRow = NonNullable<
  Awaited<ReturnType<ReturnType<typeof withArea>['executeTakeFirst']>>
>;

/** Where the viewer follows announcements: their service, event and announcement areas. */
export function readerPaths(viewer: Viewer): string[] {
  return minimalPrefixes([
    ...scopePaths(viewer, 'announcement.write'),
    ...scopePaths(viewer, 'service.handle'),
    ...scopePaths(viewer, 'event.read'),
  ]);
}

/**
 * Writers see every announcement of their subtree, drafts too; workers see the published and
 * withdrawn ones addressed to their area, above it or below it.
 */
export function visibleTo(viewer: Viewer): Expression<SqlBool> {
  const writers = inSubtrees(scopePaths(viewer, 'announcement.write'), 'an.area_path');
  const readers = inOrAbove(readerPaths(viewer), 'an.area_path');
  return sql<SqlBool>`(${writers} or (an.status <> 'draft' and ${readers}))`;
}

/** Who is notified about an announcement: whoever GET /api/announcements/:id would answer. */
export const ANNOUNCEMENT_READ_RULE: ReadRule = {
  entityType: 'announcement',
  gate: 'area.read',
  table: 'announcements',
  alias: 'an',
  visible: visibleTo,
};

export async function findVisible(db: Db, viewer: Viewer, id: number) {
  return withArea(db).where('an.id', '=', id).where(visibleTo(viewer)).executeTakeFirst();
}

export async function findWritable(db: Db, viewer: Viewer, id: number) {
  return withArea(db)
    .where('an.id', '=', id)
    .where(inSubtrees(scopePaths(viewer, 'announcement.write'), 'an.area_path'))
    .executeTakeFirst();
}

export async function findAnnouncement(db: Db, id: number) {
  return withArea(db).where('an.id', '=', id).executeTakeFirstOrThrow();
}

export async function listAnnouncements(
  db: Db,
  viewer: Viewer,
  filter: {
    addressedPath?: string | undefined;
    status?: Status | undefined;
    kind?: AnnouncementsTable['kind'] | undefined;
    page?: number | undefined;
    pageSize?: number | undefined;
  },
) {
  const { page, pageSize, offset } = pageWindow(filter);
  let base = withArea(db).where(visibleTo(viewer));
  if (filter.addressedPath) base = base.where(inOrAbove([filter.addressedPath], 'an.area_path'));
  if (filter.status) base = base.where('an.status', '=', filter.status);
  if (filter.kind) base = base.where('an.kind', '=', filter.kind);
  const [items, count] = await Promise.all([
    base
      .orderBy(sql`case when an.status = 'draft' then 0 else 1 end`)
      .orderBy(sql`coalesce(an.published_at, an.created_at)`, 'desc')
      .orderBy('an.id', 'desc')
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

export async function insertAnnouncement(db: Db, row: Insertable<AnnouncementsTable>): Promise<number> {
  const inserted = await db.insertInto('announcements').values(row).returning('id').executeTakeFirstOrThrow();
  return inserted.id;
}

/** Changes the announcement only while it is in one of `from` (the guard against concurrent changes). */
export async function guardedUpdate(
  db: Db,
  id: number,
  from: readonly Status[],
  changes: Updateable<AnnouncementsTable>,
): Promise<boolean> {
  const rows = await db
    .updateTable('announcements')
    .set(changes)
    .where('id', '=', id)
    .where('status', 'in', [...from])
    .returning('id')
    .execute();
  return rows.length > 0;
}

/** Workers of the subtree who should know of a publication: holders of service.handle or event.handle, volunteers aside. */
export async function workersOf(db: Db, path: string): Promise<number[]> {
  const roles = [...new Set([...rolesWith('service.handle'), ...rolesWith('event.handle')])].filter(
    (r) => r !== 'volunteer',
  );
  const rows = await db
    .selectFrom('role_assignments as ra')
    .innerJoin('areas as a', 'a.id', 'ra.area_id')
    .innerJoin('users as u', 'u.id', 'ra.user_id')
    .select('ra.user_id')
    .distinct()
    .where(inSubtrees([path], 'a.path'))
    .where('ra.role', 'in', roles)
    .where('u.disabled_at', 'is', null)
    .orderBy('ra.user_id')
    .execute();
  return rows.map((r) => r.user_id);
}

/** A current resident of the house holds one of the announcement's tags (or it has none). */
const addressedTo = (house: RawBuilder<unknown>) => sql<SqlBool>`(
  cardinality(an.tags) = 0 or exists (
    select 1 from persons p
    where p.house_id = ${house} and p.status = 'active' and p.tags && an.tags))`;

/**
 * Per grid reached by the announcement (and inside the viewer's areas): households addressed and
 * households that opened it. One statement: each grid's houses are an index range of paths.
 */
export async function readsPerGrid(db: Db, announcementId: number, viewerPaths: readonly string[]) {
  const result = await sql<{ id: number; code: string; name: string; targeted: number; read: number }>`
    select g.id, g.code, g.name,
           count(h.id)::int as targeted,
           count(rd.house_id)::int as read
    from announcements an
    join areas g on g.level = 'grid' and g.retired_at is null
      and ${inOrAbove(viewerPaths, 'g.path')}
      and (starts_with(g.path, an.area_path) or starts_with(an.area_path, g.path))
    left join houses h on h.area_path >= g.path and h.area_path < (left(g.path, -1) || '0')
      and h.area_path >= an.area_path and h.area_path < (left(an.area_path, -1) || '0')
      and ${inSubtrees(viewerPaths, 'h.area_path')}
      and h.retired_at is null
      and ${addressedTo(sql.ref('h.id'))}
    left join announcement_reads rd on rd.announcement_id = an.id and rd.house_id = h.id
    where an.id = ${announcementId}
    group by g.id, g.code, g.name, g.path
    order by g.path`.execute(db);
  return result.rows.map((r) => ({ ...r, targeted: Number(r.targeted), read: Number(r.read) }));
}

// ---- the household page ----

function forHouse(db: Db, house: { id: number; area_path: string }, now: Date) {
  return (
    db
      .selectFrom('announcements as an')
      .innerJoin('areas as a', 'a.id', 'an.area_id')
      .leftJoin('announcement_reads as rd', (join) =>
        join.onRef('rd.announcement_id', '=', 'an.id').on('rd.house_id', '=', house.id),
      )
      .select([
        'an.id',
        'an.kind',
        'an.title',
        'an.body',
        'an.published_at',
        'an.expires_at',
        'a.name as area_name',
        'rd.read_at',
      ])
      .where('an.status', '=', 'published')
      .where((eb) => eb.or([eb('an.expires_at', 'is', null), eb('an.expires_at', '>', now)]))
      .where('an.area_path', 'in', ancestorOrSelfPaths(house.area_path))
      // The door code hangs on the door: an announcement to some residents' tags (独居老人…) would
      // tell any passer-by who lives there. The door page shows only those to everyone in the area;
      // tagged ones reach their households through the workers and volunteers who see them.
      .where(sql<SqlBool>`cardinality(an.tags) = 0`)
  );
}

/** Published, unexpired announcements to everyone in an area above the house (none addressed by tag). */
export async function announcementsForHouse(
  db: Db,
  house: { id: number; area_path: string },
  now: Date,
  limit: number,
) {
  return forHouse(db, house, now)
    .orderBy('an.published_at', 'desc')
    .orderBy('an.id', 'desc')
    .limit(limit)
    .execute();
}

export async function findForHouse(db: Db, house: { id: number; area_path: string }, now: Date, id: number) {
  return forHouse(db, house, now).where('an.id', '=', id).executeTakeFirst();
}

export async function markRead(db: Db, announcementId: number, houseId: number, now: Date): Promise<Date> {
  await db
    .insertInto('announcement_reads')
    .values({ announcement_id: announcementId, house_id: houseId, read_at: now })
    .onConflict((oc) => oc.columns(['announcement_id', 'house_id']).doNothing())
    .execute();
  const row = await db
    .selectFrom('announcement_reads')
    .select('read_at')
    .where('announcement_id', '=', announcementId)
    .where('house_id', '=', houseId)
    .executeTakeFirstOrThrow();
  return row.read_at;
}
