import { type Insertable, sql, type Transaction } from 'kysely';
import type { DB } from '../db/schema.js';

// The demo seeder's statements: it writes teams, coverage, requests and announcements straight to
// their tables (one transaction, no audit per row), so its SQL lives here rather than in the
// modules' repositories, which serve their routes.

type Trx = Transaction<DB>;

const subtreeUpperBound = (path: string) => `${path.slice(0, -1)}0`;

const inSubtree = (column: string, path: string) =>
  sql<boolean>`${sql.ref(column)} >= ${path} and ${sql.ref(column)} < ${subtreeUpperBound(path)}`;

export interface DemoArea {
  id: number;
  path: string;
  name: string;
  level: string;
  parent_id: number | null;
}

/** The grids and micro-grids under this path, in path order. */
export async function findGridsAndMicrogridsUnder(trx: Trx, path: string): Promise<DemoArea[]> {
  return trx
    .selectFrom('areas as a')
    .select(['a.id', 'a.path', 'a.name', 'a.level', 'a.parent_id'])
    .where(inSubtree('a.path', path))
    .where('a.level', 'in', ['grid', 'microgrid'])
    .orderBy('a.path')
    .execute();
}

export interface RoleHolder {
  user_id: number;
  role: string;
  area_id: number;
  path: string;
}

/** Every role assignment on an area under this path, by user. */
export async function findRoleHoldersUnder(trx: Trx, path: string): Promise<RoleHolder[]> {
  return trx
    .selectFrom('role_assignments as ra')
    .innerJoin('areas as a', 'a.id', 'ra.area_id')
    .select(['ra.user_id', 'ra.role', 'a.id as area_id', 'a.path'])
    .where(inSubtree('a.path', path))
    .orderBy('ra.user_id')
    .execute();
}

export async function insertTeam(trx: Trx, team: Insertable<DB['teams']>): Promise<number> {
  const row = await trx.insertInto('teams').values(team).returning('id').executeTakeFirstOrThrow();
  return row.id;
}

export async function insertTeamMembers(trx: Trx, members: ReadonlyArray<Insertable<DB['team_members']>>) {
  if (members.length) await trx.insertInto('team_members').values(members).execute();
}

/** The active houses under this path, in path then id order. */
export async function findActiveHousesUnder(
  trx: Trx,
  path: string,
): Promise<Array<{ id: number; area_path: string }>> {
  return trx
    .selectFrom('houses')
    .select(['id', 'area_path'])
    .where('area_path', '>=', path)
    .where('area_path', '<', subtreeUpperBound(path))
    .where('retired_at', 'is', null)
    .orderBy('area_path')
    .orderBy('id')
    .execute();
}

export async function insertVolunteerHouseholds(
  trx: Trx,
  coverage: ReadonlyArray<Insertable<DB['volunteer_households']>>,
): Promise<void> {
  await trx.insertInto('volunteer_households').values(coverage).execute();
}

/** The houses under this path where an active person tagged as elderly living alone lives, by id. */
export async function findElderlyAloneHousesUnder(
  trx: Trx,
  path: string,
): Promise<Array<{ id: number; area_id: number; area_path: string }>> {
  return trx
    .selectFrom('persons as p')
    .innerJoin('houses as h', 'h.id', 'p.house_id')
    .select(['h.id', 'h.area_id', 'h.area_path'])
    .distinct()
    .where(sql<boolean>`p.tags @> array['elderly_alone']::text[]`)
    .where('p.status', '=', 'active')
    .where('h.area_path', '>=', path)
    .where('h.area_path', '<', subtreeUpperBound(path))
    .orderBy('h.id')
    .execute();
}

export async function insertResponsibilities(
  trx: Trx,
  responsibilities: ReadonlyArray<Insertable<DB['responsibilities']>>,
): Promise<void> {
  if (responsibilities.length) await trx.insertInto('responsibilities').values(responsibilities).execute();
}

export async function insertServiceResources(
  trx: Trx,
  resources: ReadonlyArray<Insertable<DB['service_resources']>>,
): Promise<void> {
  await trx.insertInto('service_resources').values(resources).execute();
}

export async function findHousesByIds(
  trx: Trx,
  ids: readonly number[],
): Promise<Array<{ id: number; area_id: number; area_path: string; address: string }>> {
  return trx
    .selectFrom('houses')
    .select(['id', 'area_id', 'area_path', 'address'])
    .where('id', 'in', [...ids, -1])
    .execute();
}

export async function insertResidentRequest(
  trx: Trx,
  request: Insertable<DB['resident_requests']>,
): Promise<number> {
  const row = await trx
    .insertInto('resident_requests')
    .values(request)
    .returning('id')
    .executeTakeFirstOrThrow();
  return row.id;
}

export async function insertAnnouncement(
  trx: Trx,
  announcement: Insertable<DB['announcements']>,
): Promise<number> {
  const row = await trx
    .insertInto('announcements')
    .values(announcement)
    .returning('id')
    .executeTakeFirstOrThrow();
  return row.id;
}

/**
 * Marks the announcement read by the active houses under `path` whose id modulo 10 is below
 * `readShare` (and, for a tagged announcement, where an active resident carries one of its tags),
 * each within `withinHours` of publication, in a fixed pattern. Returns how many reads it stored.
 */
export async function insertPatternedReads(
  trx: Trx,
  read: {
    announcementId: number;
    publishedAt: Date;
    path: string;
    tags: readonly string[];
    readShare: number;
    withinHours: number;
  },
): Promise<number> {
  const tags = `{${read.tags.join(',')}}`;
  const result = await sql<{ n: number }>`
    with inserted as (
      insert into announcement_reads (announcement_id, house_id, read_at)
      select ${read.announcementId}, h.id, ${read.publishedAt}::timestamptz + ((h.id * 37) % ${read.withinHours}) * interval '1 hour'
      from houses h
      where h.area_path >= ${read.path} and h.area_path < ${subtreeUpperBound(read.path)}
        and h.retired_at is null and h.id % 10 < ${read.readShare}
        and (cardinality(${tags}::text[]) = 0 or exists (
          select 1 from persons p where p.house_id = h.id and p.status = 'active'
            and p.tags && ${tags}::text[]))
      returning 1
    )
    select count(*)::int as n from inserted`.execute(trx);
  return Number(result.rows[0]?.n ?? 0);
}
