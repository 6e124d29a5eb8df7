import type { Transaction } from 'kysely';
import type { SeededRandom } from '../../core/random.js';
import type { DB, InspectionAnswer } from '../../db/schema.js';
import type { AreaRow } from '../../hierarchy/repository.js';
import { DEFAULT_CHECKLIST, DEFAULT_RECTIFICATION_DAYS } from './checklist.js';
import * as repo from './repository.js';

const DAY = 86_400_000;
const INSPECTORS = ['计元飞', '陈斌杰', '网格员'];

/**
 * A running inspection round over the village (started 3 days ago, 7 days long) and inspections of
 * about two thirds of its enterprises with the built-in checklist; one in four finds a problem, whose
 * items become rectification tasks (some already past their deadline). Three statements in all.
 */
export async function seedDemoInspections(
  trx: Transaction<DB>,
  input: { village: AreaRow; now: Date; random: SeededRandom },
): Promise<{ inspections: number; rectifications: number }> {
  const { village, now, random } = input;
  const today = new Date(now.getTime() + 8 * 3600_000).toISOString().slice(0, 10);
  const day = (offset: number) => new Date(Date.parse(`${today}T00:00:00+08:00`) + offset * DAY);
  const round = await repo.insertRound(trx, {
    area_id: village.id,
    area_path: village.path,
    name: '复工企业第一轮防疫检查',
    starts_on: day(-3).toISOString().slice(0, 10),
    ends_on: day(3).toISOString().slice(0, 10),
    starts_at: day(-3),
    ends_at: day(4),
    created_by: 'system:demo',
    created_at: day(-3),
  });
  const firms = (await repo.enterprisesWithGrid(trx, village.path)).filter(() => random.chance(0.65));
  const items = DEFAULT_CHECKLIST.map((key) => ({ key, label: null }));
  const planned = firms.map((firm) => {
    const at = new Date(now.getTime() - random.int(1, 70) * 3600_000);
    const failing = random.chance(0.25)
      ? DEFAULT_CHECKLIST.filter(() => random.chance(0.2)).slice(0, 2)
      : ([] as string[]);
    const answers: InspectionAnswer[] = DEFAULT_CHECKLIST.map((key) => ({
      key,
      result: failing.includes(key) ? 'fail' : key === 'meals' && random.chance(0.3) ? 'na' : 'pass',
      note: failing.includes(key) ? '现场发现不到位，已要求整改' : null,
    }));
    return { firm, at, answers, failing };
  });
  const ids = await repo.insertInspections(
    trx,
    planned.map((p) => ({
      unit_id: p.firm.id,
      area_id: p.firm.area_id,
      area_path: p.firm.area_path,
      round_id: round.id,
      items: JSON.stringify(items),
      answers: JSON.stringify(p.answers),
      findings: p.failing.length > 0 ? '部分防疫措施落实不到位' : null,
      passed: p.failing.length === 0,
      inspector_name: INSPECTORS[random.int(0, INSPECTORS.length - 1)]!,
      inspected_at: p.at,
      created_at: p.at,
    })),
  );
  const tasks = planned.flatMap((p, i) =>
    p.failing.map((key) => {
      const deadline = new Date(p.at.getTime() + DEFAULT_RECTIFICATION_DAYS * DAY - 2 * DAY);
      return {
        unit_id: p.firm.id,
        area_id: p.firm.area_id,
        area_path: p.firm.area_path,
        inspection_id: ids[i]!,
        item_key: key,
        item_label: null,
        note: '现场发现不到位，已要求整改',
        // The demo shortens the time to rectify so that a few tasks are overdue on the board.
        deadline,
        tier: 'grid' as const,
        tier_area_id: p.firm.grid_id,
        escalate_at: deadline,
        created_at: p.at,
      };
    }),
  );
  await repo.insertRectifications(trx, tasks);
  return { inspections: ids.length, rectifications: tasks.length };
}
