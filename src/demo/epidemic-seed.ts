import type { Transaction } from 'kysely';
import type { DB } from '../db/schema.js';
import type { AreaRow } from '../hierarchy/repository.js';
import { initialiseRound } from '../health/rounds/counters-repository.js';
import { insertDemoTests, insertScreeningRound } from './repository.js';

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
  const roundId = await insertScreeningRound(trx, {
    area_id: village.id,
    area_path: village.path,
    name: '全员核酸筛查（演示）',
    starts_at: startsAt,
    ends_at: new Date(now.getTime() + 2 * DAY),
    created_by: 'system:demo',
    created_at: now,
  });
  // Every person whose id leaves a remainder below 6 out of 10 was sampled at some hour of the last two days.
  const tested = await insertDemoTests(trx, village.path, startsAt, now);
  await initialiseRound(trx, roundId);
  return { tested };
}
