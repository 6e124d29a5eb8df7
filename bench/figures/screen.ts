// screen.*: a city of 1,000,000 persons (× scale) in 10,000 grids with a screening round where
// ~70% are tested. (a) one grid worker's untested list, p95 over 200 grids; (b) coverage of every
// grid for the dashboard. Each beside one plain SQL query on raw tables of the same data on a
// PostgreSQL server.
import { sql } from 'kysely';
import type { Viewer } from '../../src/auth/scope.js';
import type { Actor } from '../../src/auth/context.js';
import type { Database } from '../../src/db/database.js';
import { SeededRandom } from '../../src/core/random.js';
import { generateCity } from '../../src/generate/city.js';
import type { AreaRow } from '../../src/hierarchy/repository.js';
import { createFieldCipher } from '../../src/privacy/field-crypto.js';
import { initialiseRound } from '../../src/health/rounds/counters-repository.js';
import { gridCoverage, untestedList } from '../../src/health/rounds/service.js';
import { type BenchModule, type Figure, p95, ratio, round2, secondsSince, timed } from '../harness.js';

const cipher = createFieldCipher({
  currentKeyId: 'b1',
  encryption: { b1: Buffer.alloc(32, 3) },
  hmac: Buffer.alloc(32, 5),
});
const STARTS = new Date('2026-11-02T00:00:00+08:00');
const ENDS = new Date('2026-11-04T00:00:00+08:00');
const WINDOW_SECONDS = (ENDS.getTime() - STARTS.getTime()) / 1000;
const SAMPLE_GRIDS = 200;
const COPY_CHUNK = 50_000;

function median(samples: number[]): number {
  const sorted = [...samples].sort((a, b) => a - b);
  return round2(sorted[Math.floor(sorted.length / 2)]!);
}

const userActor = (role: 'grid_worker' | 'commander', area: AreaRow): Actor => {
  const viewer: Viewer = {
    kind: 'user',
    userId: 0,
    username: `bench_${role}`,
    displayName: 'bench',
    assignments: [{ role, areaId: area.id, areaPath: area.path, categories: [] }],
  };
  return { viewer, ip: null, now: () => new Date() };
};

/**
 * Test records for ~70% of the register inside the window (sampling times spread over it), and
 * an older test for another ~20%, with each person's latest test in person_health: set-based.
 */
async function addTests(database: Database): Promise<number> {
  const db = database.db;
  await sql`
    insert into health_records (kind, source, record_key, person_id, area_path, occurred_at, result)
    select 'test', 'bench', 'w' || p.id, p.id, p.area_path,
      ${STARTS}::timestamptz + ((p.id::bigint * 7919) % ${WINDOW_SECONDS}) * interval '1 second', 'negative'
    from persons p where (p.id::bigint * 2654435761) % 100 < 70`.execute(db);
  await sql`
    insert into health_records (kind, source, record_key, person_id, area_path, occurred_at, result)
    select 'test', 'bench', 'o' || p.id, p.id, p.area_path,
      ${STARTS}::timestamptz - interval '3 days' + ((p.id::bigint * 104729) % 86400) * interval '1 second', 'negative'
    from persons p where (p.id::bigint * 2654435761) % 100 >= 70 and (p.id::bigint * 2654435761) % 100 < 90`.execute(
    db,
  );
  await sql`
    insert into person_health (person_id, last_test_at, last_test_result, updated_at)
    select person_id, max(occurred_at), 'negative', now() from health_records group by person_id`.execute(db);
  await sql`analyze health_records`.execute(db);
  await sql`analyze person_health`.execute(db);
  const n = await sql<{ n: number }>`select count(*)::int as n from health_records`.execute(db);
  return n.rows[0]!.n;
}

/** The same persons and tests as plain tables (beside the migrated schema) on a PostgreSQL server, copied in chunks. */
async function loadBaseline(source: Database, target: Database, context: { log(line: string): void }) {
  const started = performance.now();
  await sql`create table plain_persons (id integer primary key, grid_id integer not null, name text not null,
    document_masked text not null, phone_masked text, status text not null)`.execute(target.db);
  await sql`create table plain_tests (person_id integer not null, occurred_at timestamptz not null)`.execute(
    target.db,
  );
  for (let after = 0; ;) {
    const rows = await sql<{
      id: number;
      area_id: number;
      name: string;
      document_masked: string;
      phone_masked: string | null;
      status: string;
    }>`select id, area_id, name, document_masked, phone_masked, status from persons where id > ${after} order by id limit ${COPY_CHUNK}`.execute(
      source.db,
    );
    if (rows.rows.length === 0) break;
    const r = rows.rows;
    await sql`insert into plain_persons select * from unnest(${r.map((x) => x.id)}::int[], ${r.map((x) => x.area_id)}::int[],
      ${r.map((x) => x.name)}::text[], ${r.map((x) => x.document_masked)}::text[], ${r.map((x) => x.phone_masked)}::text[],
      ${r.map((x) => x.status)}::text[])`.execute(target.db);
    after = r[r.length - 1]!.id;
  }
  for (let after = 0; ;) {
    const rows = await sql<{ id: number; person_id: number; occurred_at: Date }>`
      select id, person_id, occurred_at from health_records where id > ${after} order by id limit ${COPY_CHUNK}`.execute(
      source.db,
    );
    if (rows.rows.length === 0) break;
    const r = rows.rows;
    await sql`insert into plain_tests select * from unnest(${r.map((x) => x.person_id)}::int[],
      ${r.map((x) => x.occurred_at.toISOString())}::timestamptz[])`.execute(target.db);
    after = r[r.length - 1]!.id;
  }
  // The indexes a plain schema would have for these questions.
  await sql`create index plain_persons_grid_idx on plain_persons (grid_id)`.execute(target.db);
  await sql`create index plain_tests_person_idx on plain_tests (person_id, occurred_at)`.execute(target.db);
  await sql`vacuum analyze plain_persons`.execute(target.db);
  await sql`vacuum analyze plain_tests`.execute(target.db);
  context.log(`  baseline tables loaded on PostgreSQL in ${secondsSince(started)} s`);
}

export const screenBench: BenchModule = {
  title: 'screen: untested list and coverage of every grid (screening round over a city)',
  async run(context) {
    const persons = Math.round(1_000_000 * context.scale);
    const gridCount = Math.round(10_000 * context.scale);
    const database = await context.openDatabase();
    let started = performance.now();
    let lastLogged = 0;
    const city = await generateCity(database.db, cipher, {
      persons,
      grids: gridCount,
      seed: 11,
      onProgress: (done, total) => {
        if (done - lastLogged >= total / 4 || done === total) {
          lastLogged = done;
          context.log(`  generated ${done} of ${total} persons`);
        }
      },
    });
    const generateSeconds = secondsSince(started);
    started = performance.now();
    const records = await addTests(database);
    const testsSeconds = secondsSince(started);
    context.log(`  city: ${generateSeconds} s; ${records} test records: ${testsSeconds} s`);

    // The round, counted from source as a new round is.
    started = performance.now();
    const round = await database.db
      .insertInto('screening_rounds')
      .values({
        area_id: city.city.id,
        area_path: city.city.path,
        name: '全员核酸第一轮',
        starts_at: STARTS,
        ends_at: ENDS,
        created_by: 'bench',
      })
      .returning('id')
      .executeTakeFirstOrThrow();
    await initialiseRound(database.db, round.id);
    const initSeconds = secondsSince(started);
    const vacuumStarted = performance.now();
    // What autovacuum (PostgreSQL) or a maintenance job (PGlite) does after a bulk load: the
    // visibility map lets the anti-join probe the test index without visiting the table.
    await sql`vacuum analyze`.execute(database.db);
    await sql`checkpoint`.execute(database.db);
    context.log(`  round counted in ${initSeconds} s (vacuumed: ${secondsSince(vacuumStarted)} s)`);

    const random = new SeededRandom(5);
    const sample = Array.from({ length: SAMPLE_GRIDS }, () => random.pick(city.grids));

    // (a) a grid worker's untested list, through the function the API calls.
    const listOf = (grid: AreaRow) =>
      untestedList(database.db, userActor('grid_worker', grid), round.id, {
        within: grid.id,
        page: 1,
        pageSize: 50,
      });
    for (const grid of sample.slice(0, 10)) await listOf(grid);
    const ours: number[] = [];
    let listed = 0;
    for (const grid of sample) {
      ours.push(
        await timed(async () => {
          listed += (await listOf(grid)).total;
        }),
      );
    }

    // (b) coverage of every grid, for a commander of the city.
    const commander = userActor('commander', city.city);
    const grids = await gridCoverage(database.db, commander, round.id);
    if (grids.grids.length !== gridCount)
      throw new Error(`coverage answered ${grids.grids.length} grids, expected ${gridCount}`);
    const untestedShare = grids.grids.reduce((s, g) => s + g.untested, 0) / persons;
    const allGrids: number[] = [];
    for (let i = 0; i < 5; i++)
      allGrids.push(await timed(() => gridCoverage(database.db, commander, round.id)));

    // Baselines on PostgreSQL: the same questions as one plain query each on raw tables.
    const baselineDb = await context.baselineDatabase();
    await loadBaseline(database, baselineDb, context);
    const plainList = (grid: AreaRow) =>
      sql`select p.id, p.name, p.document_masked, p.phone_masked from plain_persons p
        where p.grid_id = ${grid.id} and p.status = 'active'
          and not exists (select 1 from plain_tests t where t.person_id = p.id and t.occurred_at >= ${STARTS} and t.occurred_at < ${ENDS})
        order by p.name, p.id limit 50`.execute(baselineDb.db);
    for (const grid of sample.slice(0, 10)) await plainList(grid);
    const baselineList: number[] = [];
    for (const grid of sample) baselineList.push(await timed(() => plainList(grid)));
    const plainAll = () =>
      sql`select p.grid_id, count(*) as due, count(*) filter (where t.person_id is null) as untested
        from plain_persons p
        left join (select distinct person_id from plain_tests where occurred_at >= ${STARTS} and occurred_at < ${ENDS}) t
          on t.person_id = p.id
        where p.status = 'active'
        group by p.grid_id`.execute(baselineDb.db);
    const baselineAll: number[] = [];
    for (let i = 0; i < 5; i++) baselineAll.push(await timed(plainAll));

    const listValue = p95(ours);
    const listBaseline = p95(baselineList);
    const allValue = median(allGrids);
    const allBaseline = median(baselineAll);
    const common = { persons, grids: gridCount, roundInitSeconds: initSeconds };
    const figures: Figure[] = [
      {
        name: 'screen.untested_list_p95',
        backend: context.backend,
        value: listValue,
        unit: 'ms',
        baseline: listBaseline,
        ratio: ratio(listValue, listBaseline),
        extra: {
          ...common,
          queries: sample.length,
          medianMs: median(ours),
          avgListed: Math.round(listed / sample.length),
        },
      },
      {
        name: 'screen.coverage_all_grids',
        backend: context.backend,
        value: allValue,
        unit: 'ms',
        baseline: allBaseline,
        ratio: ratio(allValue, allBaseline),
        extra: { ...common, runs: 5, untestedShare: Math.round(untestedShare * 1000) / 1000 },
      },
    ];
    return figures;
  },
};
