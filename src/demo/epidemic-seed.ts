import { sql, type Transaction } from 'kysely';
import type { DB } from '../db/schema.js';
import type { AreaRow } from '../hierarchy/repository.js';
import { initialiseRound } from '../health/rounds/counters-repository.js';

const DAY = 86_400_000;

/**
 * An epidemic picture for the demo so the dashboard has something to show: an open screening
 * round over the village (sampling started two days ago) with about 60 % of residents tested,
 * their per-person health state, and the coverage counters counted from source.
 */
export async function seedDemoEpidemic(
  trx: Transaction<DB>,
  village: AreaRow,
  now: Date,
): Promise<{ tested: number }> {
  const startsAt = new Date(now.getTime() - 2 * DAY);
  const round = await trx
    .insertInto('screening_rounds')
    .values({
      area_id: village.id,
      area_path: village.path,
      name: '全员核酸筛查（演示）',
      starts_at: startsAt,
      ends_at: new Date(now.getTime() + 2 * DAY),
      created_by: 'system:demo',
      created_at: now,
    })
    .returning('id')
    .executeTakeFirstOrThrow();
  // Every person whose id leaves a remainder below 6 out of 10 was sampled at some hour of the last two days.
  const tested = await sql<{ n: number }>`
    with sampled as (
      insert into health_records (kind, source, record_key, id_hash, person_id, area_path, occurred_at, result, created_at)
      select 'test', 'demo', 'demo-' || p.id, p.document_hash, p.id, p.area_path,
             ${startsAt}::timestamptz + ((p.id * 7919) % 47) * interval '1 hour', 'negative', ${now}
      from persons p where p.status = 'active' and p.area_path >= ${village.path} and p.area_path < ${`${village.path.slice(0, -1)}0`}
        and p.id % 10 < 6
      returning person_id, occurred_at
    ), state as (
      insert into person_health (person_id, last_test_at, last_test_result, updated_at)
      select person_id, occurred_at, 'negative', ${now} from sampled
      returning 1
    )
    select (select count(*) from state)::int as n`.execute(trx);
  await initialiseRound(trx, round.id);
  return { tested: tested.rows[0]?.n ?? 0 };
}
