import { sql } from 'kysely';
import type { Database } from '../../src/db/database.js';
import { type AreaRow, insertAreas, type NewArea } from '../../src/hierarchy/repository.js';
import { inSubtrees } from '../../src/auth/scope.js';
import { type BenchModule, type Figure, ratio } from '../harness.js';

/** City › 10 counties › 10 townships each › 10 villages each › 10 grids each › 9 micro-grids each ≈ 101,111 areas at full size. */
async function buildTree(database: Database, scale: number): Promise<AreaRow[]> {
  const now = new Date();
  const fan = scale >= 1 ? 10 : 5;
  const draft = (parent: AreaRow | null, code: string, level: NewArea['level']): NewArea => ({
    parentId: parent?.id ?? null,
    parentPath: parent?.path ?? null,
    code,
    name: `${level}-${code}`,
    level,
    kind: 'ordinary',
    boundary: null,
    centreLng: null,
    centreLat: null,
  });
  const insertAll = async (drafts: NewArea[]) => {
    const rows: AreaRow[] = [];
    for (let i = 0; i < drafts.length; i += 5000)
      rows.push(...(await insertAreas(database.db, drafts.slice(i, i + 5000), now)));
    return rows;
  };
  const [city] = await insertAll([draft(null, '420500', 'city')]);
  const counties = await insertAll(
    Array.from({ length: fan }, (_, i) => draft(city!, `4205${String(i + 1).padStart(2, '0')}`, 'county')),
  );
  const townships = await insertAll(
    counties.flatMap((c) =>
      Array.from({ length: fan }, (_, i) => draft(c, `${c.code}1${String(i).padStart(2, '0')}`, 'township')),
    ),
  );
  const villages = await insertAll(
    townships.flatMap((t) =>
      Array.from({ length: fan }, (_, i) => draft(t, `${t.code}2${String(i).padStart(2, '0')}`, 'village')),
    ),
  );
  const grids = await insertAll(
    villages.flatMap((v) =>
      Array.from({ length: fan }, (_, i) => draft(v, `${v.code}${String(i + 1).padStart(3, '0')}`, 'grid')),
    ),
  );
  await insertAll(
    grids.flatMap((g) =>
      Array.from({ length: 9 }, (_, i) =>
        draft(g, `${g.code}${String(i + 1).padStart(2, '0')}`, 'microgrid'),
      ),
    ),
  );
  await sql`analyze areas`.execute(database.db);
  return villages;
}

function p95(samples: number[]): number {
  const sorted = [...samples].sort((a, b) => a - b);
  return Math.round(sorted[Math.floor(sorted.length * 0.95)]! * 100) / 100;
}

async function timeEach(
  villages: AreaRow[],
  query: (village: AreaRow) => Promise<unknown>,
): Promise<number[]> {
  const samples: number[] = [];
  for (const village of villages) {
    const started = performance.now();
    await query(village);
    samples.push(performance.now() - started);
  }
  return samples;
}

export const hierarchyBench: BenchModule = {
  title: 'hierarchy: subtree of a village in a city-sized tree',
  async run(context) {
    const database = await context.openDatabase();
    const villages = await buildTree(database, context.scale);
    const total = Number(
      (
        await database.db
          .selectFrom('areas')
          .select((eb) => eb.fn.countAll<number>().as('n'))
          .executeTakeFirstOrThrow()
      ).n,
    );
    context.log(`  built ${total} areas`);
    const sample = villages.filter((_, i) => i % Math.max(1, Math.floor(villages.length / 200)) === 0);
    // Materialised path: one index range scan.
    const ours = await timeEach(sample, (v) =>
      database.db
        .selectFrom('areas')
        .select(['id', 'code', 'name', 'level'])
        .where(inSubtrees([v.path], 'path'))
        .execute(),
    );

    // Baseline: the same tree on a PostgreSQL server, walked with a recursive CTE over parent_id (what a plain adjacency list needs).
    const baselineDb = await context.baselineDatabase();
    const baselineVillages = await buildTree(baselineDb, context.scale);
    const baselineSample = baselineVillages.filter(
      (_, i) => i % Math.max(1, Math.floor(baselineVillages.length / 200)) === 0,
    );
    const baseline = await timeEach(baselineSample, (v) =>
      sql`with recursive sub as (select id, code, name, level from areas where id = ${v.id}
          union all select a.id, a.code, a.name, a.level from areas a join sub on a.parent_id = sub.id) select * from sub`.execute(
        baselineDb.db,
      ),
    );
    const value = p95(ours);
    const base = p95(baseline);
    const figure: Figure = {
      name: 'hierarchy.subtree_p95',
      backend: context.backend,
      value,
      unit: 'ms',
      baseline: base,
      ratio: ratio(value, base),
      extra: { areas: total, queries: sample.length },
    };
    return [figure];
  },
};
