import { type Insertable, type Kysely, sql, type Transaction } from 'kysely';
import { inSubtrees, prefixUpperBound } from '../auth/scope.js';
import type { Db } from '../auth/context.js';
import type { DB, RosterEmployeesTable } from '../db/schema.js';

// The demo seeder writes straight to the tables (one transaction, deterministic, set-based where
// it can), so its statements live here rather than in the modules' repositories.

type Trx = Transaction<DB>;

/** True when the installation has no area and no user yet. */
export async function isEmptyInstallation(db: Kysely<DB>): Promise<boolean> {
  const [areas, users] = await Promise.all([
    db.selectFrom('areas').select('id').limit(1).execute(),
    db.selectFrom('users').select('id').limit(1).execute(),
  ]);
  return areas.length === 0 && users.length === 0;
}

export async function insertUsers(
  trx: Trx,
  users: ReadonlyArray<Insertable<DB['users']>>,
): Promise<Array<{ id: number; username: string }>> {
  return trx.insertInto('users').values(users).returning(['id', 'username']).execute();
}

export async function insertRoleAssignments(
  trx: Trx,
  assignments: ReadonlyArray<Insertable<DB['role_assignments']>>,
): Promise<void> {
  await trx.insertInto('role_assignments').values(assignments).execute();
}

/** Marks the installation as seeded, with how (the `demo` key of app_meta). */
export async function recordDemoSeed(
  trx: Trx,
  seed: { seed: number; village: string; createdAt: string },
): Promise<void> {
  await trx
    .insertInto('app_meta')
    .values({ key: 'demo', value: JSON.stringify(seed) })
    .execute();
}

export async function insertHouses(
  trx: Trx,
  houses: ReadonlyArray<Insertable<DB['houses']>>,
): Promise<
  Array<{ id: number; area_id: number; area_path: string; address: string; tenure: string | null }>
> {
  return trx
    .insertInto('houses')
    .values(houses)
    .returning(['id', 'area_id', 'area_path', 'address', 'tenure'])
    .execute();
}

export async function insertPersons(
  trx: Trx,
  persons: ReadonlyArray<Insertable<DB['persons']>>,
): Promise<void> {
  await trx.insertInto('persons').values(persons).execute();
}

/** Writes a `registered` history entry, by the demo, for every person in the register. */
export async function recordDemoRegistrations(trx: Trx, now: Date): Promise<void> {
  await trx
    .insertInto('person_history')
    .columns(['person_id', 'at', 'kind', 'to_area_id', 'to_house_id', 'actor_name', 'source'])
    .expression((eb) =>
      eb
        .selectFrom('persons')
        .select([
          'id',
          eb.val(now).as('at'),
          eb.val('registered').as('kind'),
          'area_id',
          'house_id',
          eb.val('system:demo').as('actor_name'),
          eb.val('demo').as('source'),
        ]),
    )
    .execute();
}

export async function insertUnits(trx: Trx, units: ReadonlyArray<Insertable<DB['units']>>): Promise<void> {
  await trx.insertInto('units').values(units).execute();
}

export async function insertCameras(
  trx: Trx,
  cameras: ReadonlyArray<Insertable<DB['cameras']>>,
): Promise<void> {
  await trx.insertInto('cameras').values(cameras).execute();
}

export async function insertScreeningRound(
  trx: Trx,
  round: Insertable<DB['screening_rounds']>,
): Promise<number> {
  const row = await trx
    .insertInto('screening_rounds')
    .values(round)
    .returning('id')
    .executeTakeFirstOrThrow();
  return row.id;
}

/**
 * Every active person under `path` whose id leaves a remainder below 6 out of 10 gets a negative
 * test at some hour after `startsAt`, and the health state that follows. Returns how many.
 */
export async function insertDemoTests(trx: Trx, path: string, startsAt: Date, now: Date): Promise<number> {
  const tested = await sql<{ n: number }>`
    with sampled as (
      insert into health_records (kind, source, record_key, id_hash, person_id, area_path, occurred_at, result, created_at)
      select 'test', 'demo', 'demo-' || p.id, p.document_hash, p.id, p.area_path,
             ${startsAt}::timestamptz + ((p.id * 7919) % 47) * interval '1 hour', 'negative', ${now}
      from persons p where p.status = 'active' and p.area_path >= ${path} and p.area_path < ${`${path.slice(0, -1)}0`}
        and p.id % 10 < 6
      returning person_id, occurred_at
    ), state as (
      insert into person_health (person_id, last_test_at, last_test_result, updated_at)
      select person_id, occurred_at, 'negative', ${now} from sampled
      returning 1
    )
    select (select count(*) from state)::int as n`.execute(trx);
  return tested.rows[0]?.n ?? 0;
}

/**
 * Visits of the last 30 days by each micro-grid's worker to about two in five of the active
 * houses under `path`, seeing their active residents; spread by house id. Returns how many.
 */
export async function insertDemoVisits(db: Db, path: string, now: Date): Promise<number> {
  const result = await sql`
    insert into household_visits
      (house_id, area_id, area_path, worker_user_id, worker_name, visited_at, seen_person_ids, notes, created_at)
    select h.id, h.area_id, h.area_path, u.id, u.display_name,
      ${now}::timestamptz - ((h.id::bigint * 7919) % (30 * 86400)) * interval '1 second',
      coalesce((select array_agg(p.id order by p.id) from persons p
        where p.house_id = h.id and p.status = 'active'), '{}'),
      case when h.id % 7 = 0 then '提醒独居老人注意用气安全' end,
      ${now}
    from houses h
    join areas cell on cell.id = h.area_id
    join role_assignments r on r.area_id = cell.parent_id and r.role = 'grid_worker'
    join users u on u.id = r.user_id
    where h.area_path >= ${path} and h.area_path < ${prefixUpperBound(path)}
      and h.retired_at is null
      and (h.id::bigint * 2654435761) % 100 < 40`.execute(db);
  return Number(result.numAffectedRows ?? 0);
}

// ---- the demo village's own geography (maps without a base layer) ----

/** The village's houses with their row cell and door number, in the order they were built. */
export async function housesWithin(trx: Trx, path: string) {
  return trx
    .selectFrom('houses')
    .select(['id', 'area_id', 'door_number'])
    .where('area_path', '>=', path)
    .where('area_path', '<', prefixUpperBound(path))
    .orderBy('id')
    .execute();
}

/** One UPDATE … FROM (VALUES …) per thousand points. */
export async function placeRows(
  trx: Trx,
  table: 'houses' | 'events',
  points: ReadonlyArray<{ id: number; lng: number; lat: number }>,
): Promise<void> {
  for (let i = 0; i < points.length; i += 1000) {
    const rows = points
      .slice(i, i + 1000)
      .map((p) => sql`(${p.id}::int, ${p.lng}::float8, ${p.lat}::float8)`);
    await sql`update ${sql.table(table)} t set lng = v.lng, lat = v.lat
      from (values ${sql.join(rows)}) as v(id, lng, lat) where t.id = v.id`.execute(trx);
  }
}

export async function insertMapFeatures(
  trx: Trx,
  features: ReadonlyArray<Insertable<DB['map_features']>>,
): Promise<void> {
  for (let i = 0; i < features.length; i += 500)
    await trx
      .insertInto('map_features')
      .values(features.slice(i, i + 500))
      .execute();
}

/** The demo's events without a point: alerts take their camera's, the rest are placed near a house. */
export async function unplacedEvents(trx: Trx, path: string) {
  return trx
    .selectFrom('events as e')
    .leftJoin('cameras as c', 'c.id', 'e.camera_id')
    .select(['e.id', 'e.area_path', 'c.lng as camera_lng', 'c.lat as camera_lat'])
    .where('e.area_path', '>=', path)
    .where('e.area_path', '<', prefixUpperBound(path))
    .where('e.lng', 'is', null)
    .orderBy('e.id')
    .execute();
}

// ---- return-to-work rosters (clearance-seed.ts) ----

/** The first live enterprises of the village, by id. */
export async function enterprisesOf(db: Db, villagePath: string, limit: number) {
  return db
    .selectFrom('units')
    .select(['id', 'area_path'])
    .where('category', '=', 'enterprise')
    .where('retired_at', 'is', null)
    .where(inSubtrees([villagePath], 'area_path'))
    .orderBy('id')
    .limit(limit)
    .execute();
}

/** The village's residents with a resident ID, by id: their name, hash, masked number and sealed record. */
export async function residentsWithIds(db: Db, villagePath: string, limit: number) {
  return db
    .selectFrom('persons')
    .select(['name', 'document_hash', 'document_masked', 'secret'])
    .where(inSubtrees([villagePath], 'area_path'))
    .where('document_type', '=', 'resident_id')
    .orderBy('id')
    .limit(limit)
    .execute();
}

export async function insertRosterEmployees(db: Db, rows: Insertable<RosterEmployeesTable>[]): Promise<void> {
  if (rows.length > 0) await db.insertInto('roster_employees').values(rows).execute();
}
