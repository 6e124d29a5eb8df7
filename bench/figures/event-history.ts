// Synthetic event history for the events benchmarks: N events spread over the grids of a generated
// city across the past year, in every status and category, written set-based in chunks.
import { sql } from 'kysely';
import type { Database } from '../../src/db/database.js';
import type { AreaRow } from '../../src/hierarchy/repository.js';

const CHUNK = 100_000;
const STATUSES = ['closed', 'evaluated', 'closed', 'evaluated', 'closed', 'rejected', 'merged'] as const;
const OPEN = ['collected', 'registered', 'dispatched', 'handling', 'reported', 'suspended'] as const;

export interface HistoryOptions {
  events: number;
  grids: readonly AreaRow[];
  /** The newest event's time; events go back one year from it. */
  now: Date;
  onProgress?: (done: number, total: number) => void;
}

/**
 * ~3 % of the events are open (the rest closed, evaluated, rejected or merged), the open ones
 * from the last two weeks with about a third overdue, as a year of a district's history looks.
 */
export async function insertEventHistory(database: Database, options: HistoryOptions): Promise<void> {
  const db = database.db;
  const categories = await db
    .selectFrom('event_categories as c')
    .select('c.id')
    .where(({ not, exists, selectFrom }) =>
      not(
        exists(
          selectFrom('event_categories as child').select('child.id').whereRef('child.parent_id', '=', 'c.id'),
        ),
      ),
    )
    .orderBy('c.id')
    .execute();
  if (categories.length === 0) throw new Error('No event categories: the category migration did not run');
  const categoryIds = categories.map((c) => c.id);
  const gridIds = options.grids.map((g) => g.id);
  const gridPaths = options.grids.map((g) => g.path);
  const yearSeconds = 365 * 86400;
  for (let start = 0; start < options.events; start += CHUNK) {
    const count = Math.min(CHUNK, options.events - start);
    await sql`
      with s as (
        select g as n,
          (g::bigint * 2654435761) % 1000 as r,
          ${gridIds}::int[] as grid_ids, ${gridPaths}::text[] as grid_paths, ${categoryIds}::int[] as category_ids
        from generate_series(${start + 1}::bigint, ${start + count}::bigint) g
      ), e as (
        select n, r,
          grid_ids[1 + (n * 7919) % cardinality(grid_ids)] as area_id,
          grid_paths[1 + (n * 7919) % cardinality(grid_ids)] as area_path,
          category_ids[1 + (n * 104729) % cardinality(category_ids)] as category_id,
          case when r < 30 then ${sql.val(OPEN)}::text[] else ${sql.val(STATUSES)}::text[] end as statuses,
          case when r < 30
            then ${options.now}::timestamptz - ((n * 31) % (14 * 86400)) * interval '1 second'
            else ${options.now}::timestamptz - ((n * 7) % ${yearSeconds}) * interval '1 second' end as created_at
        from s
      )
      insert into events (code, category_id, area_id, area_path, tier, tier_area_id, source, status, title,
        description, created_at, updated_at, registered_at, dispatched_at, responded_at, reported_at, closed_at,
        step, step_started_at, step_deadline, escalation_count, rating)
      select 'B' || lpad(n::text, 10, '0'), category_id, area_id, area_path, 'grid', area_id,
        (array['citizen','patrol','hotline','device','open311'])[1 + n % 5],
        statuses[1 + n % cardinality(statuses)],
        '事件 ' || n, null, created_at, created_at + interval '2 hours',
        created_at + interval '10 minutes', created_at + interval '20 minutes', created_at + interval '40 minutes',
        created_at + interval '3 hours', case when r >= 30 then created_at + interval '5 hours' end,
        case when r < 30 then 'handle' end,
        case when r < 30 then created_at + interval '20 minutes' end,
        -- a third of the open events are past their deadline
        case when r < 30 then case when r < 10 then ${options.now}::timestamptz - interval '1 hour'
          else ${options.now}::timestamptz + interval '1 day' end end,
        case when r < 10 then 1 else 0 end,
        case when r >= 30 and n % 3 = 0 then 1 + (n % 5)::int end
      from e`.execute(db);
    options.onProgress?.(start + count, options.events);
  }
  await sql`select setval(pg_get_serial_sequence('events', 'id'), (select max(id) from events))`.execute(db);
  await sql`vacuum analyze events`.execute(db);
}
