// Synthetic checkpoint history for the gate-check benchmark: checkpoints over a city's grids and N
// crossings over the past 30 days — 70 % persons (of the register), 30 % vehicles from a pool of
// plates (a plate crosses ~15 times a month) — with everyone's health row, written set-based.
import { sql } from 'kysely';
import type { Database } from '../../src/db/database.js';
import type { AreaRow } from '../../src/hierarchy/repository.js';

const CHUNK = 250_000;
const PROVINCES = '京津沪渝冀豫云辽黑湘皖鲁新苏浙赣鄂桂甘晋蒙陕吉闽贵粤青藏川宁琼';

export interface CheckpointHistoryOptions {
  records: number;
  plates: number;
  grids: readonly AreaRow[];
  /** One checkpoint per this many grids. */
  gridsPerCheckpoint: number;
  now: Date;
  onProgress?: (done: number, total: number) => void;
}

/** The plate of pool entry `index` (ordinary 7-character plates: province, letter, five digits). */
export function syntheticPlate(index: number): string {
  const province = PROVINCES[index % PROVINCES.length]!;
  const letter = 'ABCDEFGHJK'[Math.floor(index / PROVINCES.length) % 10]!;
  return `${province}${letter}${String(Math.floor(index / (PROVINCES.length * 10)) % 100_000).padStart(5, '0')}`;
}

export async function insertCheckpointHistory(
  database: Database,
  options: CheckpointHistoryOptions,
): Promise<{ checkpointIds: number[] }> {
  const db = database.db;
  const sites = options.grids.filter((_, i) => i % options.gridsPerCheckpoint === 0);
  const inserted = await db
    .insertInto('checkpoints')
    .values(
      sites.map((grid, i) => ({
        area_id: grid.id,
        area_path: grid.path,
        code: `BENCH-${i + 1}`,
        name: `卡口 ${i + 1}`,
        kind: i % 3 === 0 ? ('traffic' as const) : ('village_entrance' as const),
        test_within_hours: 48,
      })),
    )
    .returning(['id', 'area_path'])
    .execute();
  const checkpointIds = inserted.map((c) => c.id);
  const checkpointPaths = inserted.map((c) => c.area_path);
  const plates = options.plates;
  // syntheticPlate(p) in SQL: a subscript into a 200k-element text[] walks the array on every row.
  const platesSql = sql`substr(${PROVINCES}, (p % ${PROVINCES.length})::int + 1, 1)
    || substr('ABCDEFGHJK', ((p / ${PROVINCES.length}) % 10)::int + 1, 1)
    || lpad(((p / ${PROVINCES.length * 10}) % 100000)::text, 5, '0')`;
  const persons = await sql<{ n: number }>`select max(id)::int as n from persons`.execute(db);
  const maxPerson = persons.rows[0]!.n;
  const monthSeconds = 30 * 86400;
  // A bulk load builds the secondary indexes once at the end, as a restore does, not row by row.
  const indexes = await sql<{ name: string; definition: string }>`
    select indexname as name, indexdef as definition from pg_indexes
    where tablename = 'checkpoint_records' and indexname <> 'checkpoint_records_pkey'`.execute(db);
  for (const index of indexes.rows) await sql`drop index ${sql.id(index.name)}`.execute(db);
  for (let start = 0; start < options.records; start += CHUNK) {
    const count = Math.min(CHUNK, options.records - start);
    await sql`
      with sites as (
        select * from unnest(${checkpointIds}::int[], ${checkpointPaths}::text[]) with ordinality as t(id, path, k)
      ), s as (
        select g as n, (g * 2654435761) % 100 as r,
          1 + (g * 7919) % ${checkpointIds.length} as c,
          (g * 16807) % ${plates} as p
        from generate_series(${start + 1}::bigint, ${start + count}::bigint) g
      )
      insert into checkpoint_records (checkpoint_id, area_path, subject, source, at, direction, person_id,
        document_masked, name_masked, plate, plate_kind, temperature, verdict, decision, flagged, origin)
      select sites.id, sites.path,
        case when r < 70 then 'person' else 'vehicle' end,
        case when r < 40 or r >= 85 then 'device' else 'staff' end,
        ${options.now}::timestamptz - ((n * 104729) % ${monthSeconds}) * interval '1 second',
        case when n % 2 = 0 then 'in' else 'out' end,
        case when r < 70 then 1 + (n * 48271) % ${maxPerson} end,
        case when r < 70 then '4205**********' || lpad((n % 10000)::text, 4, '0') end,
        case when r < 70 then '张*' end,
        case when r >= 70 then ${platesSql} end,
        case when r >= 70 then 'ordinary' end,
        case when r < 70 then 36.2 + (n % 9) / 10.0 end,
        case when r >= 40 and r < 70 then 'green' end,
        case when r >= 40 and r < 85 then 'allowed' end,
        r >= 70 and n % 97 = 0,
        case when r >= 70 and r < 85 then '420502' end
      from s join sites on sites.k = s.c`.execute(db);
    options.onProgress?.(start + count, options.records);
  }
  for (const index of indexes.rows) await sql.raw(index.definition).execute(db);
  // Everyone's health: a green code today, a negative test within two days for most.
  await sql`
    insert into person_health (person_id, last_test_at, last_test_result, health_code, health_code_at,
      vaccination_doses, updated_at)
    select id, ${options.now}::timestamptz - ((id::bigint * 7919) % (72 * 3600)) * interval '1 second', 'negative',
      case when id % 500 = 0 then 'RED' when id % 50 = 0 then 'YELLOW' else 'GREEN' end,
      ${options.now}::timestamptz - ((id::bigint * 31) % 36000) * interval '1 second', id % 4, now()
    from persons
    on conflict (person_id) do nothing`.execute(db);
  await sql`vacuum analyze checkpoint_records`.execute(db);
  await sql`vacuum analyze person_health`.execute(db);
  return { checkpointIds };
}
