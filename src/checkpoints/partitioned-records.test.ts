import { type CompiledQuery, Kysely, PGliteDialect, PostgresDialect, sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ROLES, rightsOf } from '../auth/rights.js';
import { prefixUpperBound, SYSTEM_VIEWER, type Viewer } from '../auth/scope.js';
import { type Database } from '../db/database.js';
import type { DB } from '../db/schema.js';
import { createCheckpoint } from '../test-support/checkpoints-fixtures.js';
import { openTestDatabase, testBackends } from '../test-support/database.js';
import { createAreaTree } from '../test-support/factories.js';
import { recentRecords } from './check-repository.js';
import { deleteRecordsBefore, recordCounts } from './figures-repository.js';
import { checkpointVehicles, insertRecord, plateHistory, recentVehicles } from './vehicle-repository.js';

/**
 * docs/scale.md proposes `checkpoint_records` partitioned by county: a range of `area_path` per county
 * subtree, so the scope filter every query already carries ("area_path >= P and area_path < P'") prunes
 * partitions with no change to the queries. This builds that variant beside the plain table and runs the
 * app's own repository functions on both.
 */
const COUNTIES = 3;
const ROWS = 12_000;
const BASE = new Date('2026-12-01T12:00:00Z');

interface Installation {
  database: Database;
  counties: Array<{ id: number; path: string }>;
  checkpoints: number[];
}

/** Three counties (each its own city in the factories' tree), two checkpoints in each county's village. */
async function build(database: Database): Promise<Installation> {
  const counties: Installation['counties'] = [];
  const checkpoints: number[] = [];
  for (let i = 0; i < COUNTIES; i++) {
    const tree = await createAreaTree(database.db, BASE);
    counties.push({ id: tree.county.id, path: tree.county.path });
    for (const grid of [tree.gridA, tree.gridB])
      checkpoints.push(
        (await createCheckpoint(database.db, grid, { name: `卡口${checkpoints.length + 1}` })).id,
      );
  }
  return { database, counties, checkpoints };
}

/** The migration docs/scale.md describes, applied to a test database: the table becomes partitioned by county. */
async function partitionByCounty(db: Kysely<DB>, counties: Installation['counties']): Promise<void> {
  // A foreign key to a partitioned table must name the partition key; the purge deletes device reads itself.
  await sql`alter table checkpoint_device_reads drop constraint checkpoint_device_reads_record_id_fkey`.execute(
    db,
  );
  await sql`alter table checkpoint_records rename to checkpoint_records_plain`.execute(db);
  await sql`create table checkpoint_records (like checkpoint_records_plain including defaults including constraints)
    partition by range (area_path)`.execute(db);
  // Unique keys of a partitioned table include the partition key: a camera and a gate phone sit in one county.
  await sql`alter table checkpoint_records add primary key (area_path, id)`.execute(db);
  await sql`create index on checkpoint_records (checkpoint_id, at desc)`.execute(db);
  await sql`create index on checkpoint_records (plate, at desc) where plate is not null`.execute(db);
  await sql`create index on checkpoint_records (person_id, at desc) where person_id is not null`.execute(db);
  await sql`create index on checkpoint_records (area_path, at)`.execute(db);
  await sql`create index on checkpoint_records (at)`.execute(db);
  await sql`create unique index on checkpoint_records (area_path, camera_id, external_id) where external_id is not null`.execute(
    db,
  );
  for (const [i, county] of counties.entries())
    await sql`create table ${sql.table(`checkpoint_records_county${i}`)} partition of checkpoint_records
      for values from (${sql.lit(county.path)}) to (${sql.lit(prefixUpperBound(county.path))})`.execute(db);
  // Checkpoints above county level (a city's own gates) land here.
  await sql`create table checkpoint_records_rest partition of checkpoint_records default`.execute(db);
  // The id sequence moves to the new table, so ids go on where they were.
  await sql`alter sequence checkpoint_records_id_seq owned by none`.execute(db);
  await sql`drop table checkpoint_records_plain`.execute(db);
  await sql`alter sequence checkpoint_records_id_seq owned by checkpoint_records.id`.execute(db);
}

/** The same crossings in both databases: people and vehicles, distinct times, plates seen at several gates. */
async function load(installation: Installation): Promise<void> {
  const ids = installation.checkpoints;
  await sql`
    insert into checkpoint_records (checkpoint_id, area_path, subject, source, at, plate, fever, flagged, decision, created_at)
    select cp.id, cp.area_path,
           case when g % 2 = 0 then 'vehicle' else 'person' end,
           case when g % 3 = 0 then 'staff' else 'device' end,
           ${BASE}::timestamptz - g * interval '37 seconds',
           case when g % 2 = 0 then '沪A' || lpad((g % 400)::text, 5, '0') end,
           g % 17 = 0, g % 2 = 0 and g % 11 = 0,
           case when g % 13 = 0 then 'refused' else 'allowed' end,
           ${BASE}::timestamptz
      from generate_series(1, ${ROWS}) g
      join checkpoints cp on cp.id = (${sql.val(ids)}::int[])[1 + g % ${ids.length}]
     order by g`.execute(installation.database.db);
}

function countyViewer(county: { id: number; path: string }): Viewer {
  const role = ROLES.find((r) => rightsOf(r).includes('checkpoint.read'));
  if (!role) throw new Error('no role reads checkpoints');
  return {
    kind: 'user',
    userId: 1,
    username: 'county',
    displayName: 'county',
    assignments: [{ role, areaId: county.id, areaPath: county.path, categories: [] }],
  };
}

/** What the app's repository functions answer on one installation. */
async function answers(installation: Installation) {
  const { db } = installation.database;
  const since = new Date(BASE.getTime() - 24 * 3600_000);
  const [first, second] = installation.counties;
  const inserted = await insertRecord(db, {
    checkpoint_id: installation.checkpoints[0]!,
    area_path: first!.path,
    subject: 'vehicle',
    source: 'staff',
    at: BASE,
    plate: '沪A00008',
    created_at: BASE,
  });
  return {
    inserted,
    countyVehicles: await recentVehicles(db, countyViewer(first!), { since, flagged: undefined, limit: 200 }),
    countyFlagged: await recentVehicles(db, countyViewer(second!), { since, flagged: true, limit: 50 }),
    everyVehicle: await recentVehicles(db, SYSTEM_VIEWER, { since, flagged: undefined, limit: 500 }),
    plate: await plateHistory(db, '沪A00008', since, 100),
    atCheckpoint: await checkpointVehicles(db, installation.checkpoints[3]!, since, 100),
    recent: await recentRecords(db, installation.checkpoints[4]!, since, 100),
    counts: await recordCounts(db, installation.checkpoints, since, BASE),
    purged: await deleteRecordsBefore(db, new Date(BASE.getTime() - 48 * 3600_000), 1000),
    left: Number(
      (
        await db
          .selectFrom('checkpoint_records')
          .select((eb) => eb.fn.countAll().as('n'))
          .executeTakeFirstOrThrow()
      ).n,
    ),
  };
}

/** A Kysely on the same connection that keeps the statements it runs, to EXPLAIN the real one. */
function recording(database: Database): { db: Kysely<DB>; seen: CompiledQuery[] } {
  const seen: CompiledQuery[] = [];
  const dialect =
    database.raw.kind === 'pglite'
      ? new PGliteDialect({ pglite: database.raw.pglite })
      : new PostgresDialect({ pool: database.raw.pool });
  const db = new Kysely<DB>({ dialect, log: (event) => void seen.push(event.query) });
  return { db, seen };
}

async function explain(database: Database, query: CompiledQuery): Promise<string> {
  const text = `explain (costs off) ${query.sql}`;
  const parameters = [...query.parameters];
  const rows =
    database.raw.kind === 'pglite'
      ? (await database.raw.pglite.query<{ 'QUERY PLAN': string }>(text, parameters)).rows
      : (await database.raw.pool.query<{ 'QUERY PLAN': string }>(text, parameters)).rows;
  return rows.map((row) => row['QUERY PLAN']).join('\n');
}

for (const backend of testBackends()) {
  describe(`checkpoint crossings partitioned by county [${backend}]`, () => {
    let plain: Installation;
    let parted: Installation;
    beforeAll(async () => {
      plain = await build(await openTestDatabase(backend));
      const database = await openTestDatabase(backend);
      parted = await build(database);
      await partitionByCounty(database.db, parted.counties);
      await load(plain);
      await load(parted);
    }, 120_000);
    afterAll(async () => {
      await plain?.database.close();
      await parted?.database.close();
    });

    it("answers the app's own queries exactly as the plain table does", async () => {
      // Both installations were built by the same statements, so their ids and paths agree.
      expect(parted.counties).toEqual(plain.counties);
      expect(parted.checkpoints).toEqual(plain.checkpoints);
      const partitions = await sql<{ name: string; n: number }>`
        select tableoid::regclass::text as name, count(*)::int as n from checkpoint_records group by 1 order by 1`.execute(
        parted.database.db,
      );
      expect(partitions.rows.map((row) => row.name)).toEqual(
        [0, 1, 2].map((i) => `checkpoint_records_county${i}`),
      );
      const expected = await answers(plain);
      const actual = await answers(parted);
      expect(actual).toEqual(expected);
      expect(expected.countyVehicles.length).toBe(200);
      expect(expected.countyVehicles.every((row) => row.area_path.startsWith(plain.counties[0]!.path))).toBe(
        true,
      );
      expect(expected.countyFlagged.length).toBeGreaterThan(0);
      expect(expected.plate.length).toBeGreaterThan(1);
      expect(expected.counts.length).toBe(plain.checkpoints.length);
      expect(expected.purged).toBeGreaterThan(0);
      console.log(
        `partitioned checkpoint_records [${backend}]: ${ROWS} rows in ${partitions.rows.map((r) => r.n).join('/')}, ` +
          `county page ${expected.countyVehicles.length}, purged ${expected.purged}, left ${expected.left}; results equal`,
      );
    });

    it('reads only the county partition for a county-scoped query', async () => {
      const { db, seen } = recording(parted.database);
      const since = new Date(BASE.getTime() - 24 * 3600_000);
      const county = parted.counties[1]!;
      await recentVehicles(db, countyViewer(county), { since, flagged: undefined, limit: 50 });
      const plan = await explain(parted.database, seen.at(-1)!);
      expect(plan).toContain('checkpoint_records_county1');
      expect(plan).not.toContain('checkpoint_records_county0');
      expect(plan).not.toContain('checkpoint_records_county2');
      expect(plan).not.toContain('checkpoint_records_rest');
      // The whole-installation view reads every county.
      await recentVehicles(db, SYSTEM_VIEWER, { since, flagged: undefined, limit: 50 });
      const wide = await explain(parted.database, seen.at(-1)!);
      for (const i of [0, 1, 2]) expect(wide).toContain(`checkpoint_records_county${i}`);
      console.log(`county-scoped plan [${backend}]:\n${plan}`);
    });
  });
}
