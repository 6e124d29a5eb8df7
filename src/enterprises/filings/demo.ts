import type { Db } from '../../auth/context.js';
import type { AreaRow } from '../../hierarchy/repository.js';
import type { FilingState } from '../../db/schema.js';
import { COMMITMENT_VERSION } from './commitment.js';
import * as repo from './repository.js';

const DAY = 24 * 3600 * 1000;

/** The states the demo's filings reach, in the order of the enterprises they are given to. */
const SPREAD: ReadonlyArray<{ state: FilingState; count: number }> = [
  { state: 'draft', count: 4 },
  { state: 'submitted', count: 4 },
  { state: 'inspected', count: 3 },
  { state: 'approved', count: 8 },
  { state: 'returned', count: 3 },
  { state: 'suspended', count: 2 },
];

/** The path each state is reached by: its steps (action, to). */
const PATHS: Record<FilingState, ReadonlyArray<[string, FilingState]>> = {
  draft: [['create', 'draft']],
  submitted: [
    ['create', 'draft'],
    ['submit', 'submitted'],
  ],
  inspected: [
    ['create', 'draft'],
    ['submit', 'submitted'],
    ['inspect', 'inspected'],
  ],
  approved: [
    ['create', 'draft'],
    ['submit', 'submitted'],
    ['inspect', 'inspected'],
    ['approve', 'approved'],
  ],
  returned: [
    ['create', 'draft'],
    ['submit', 'submitted'],
    ['return', 'returned'],
  ],
  suspended: [
    ['create', 'draft'],
    ['submit', 'submitted'],
    ['inspect', 'inspected'],
    ['approve', 'approved'],
    ['suspend', 'suspended'],
  ],
};

const REASONS: Partial<Record<string, string>> = {
  return: '防控方案未写明隔离观察区的位置，口罩储备不足七天',
  suspend: '发现一名员工发热未报告，暂停复工，整改后复查',
};

/**
 * Filings of 24 of the demo village's enterprises, spread over every state with their steps (two
 * statements each for filings and steps); one submitted filing is past its deadline.
 */
export async function seedDemoFilings(db: Db, village: AreaRow, now: Date): Promise<{ filings: number }> {
  const units = await repo.demoEnterprises(
    db,
    village.path,
    SPREAD.reduce((n, x) => n + x.count, 0),
  );
  const states = SPREAD.flatMap((s) => Array<FilingState>(s.count).fill(s.state));
  const plans = units.map((unit, i) => {
    const state = states[i]!;
    const started = new Date(now.getTime() - (10 - (i % 5)) * DAY);
    // The first submitted filing waits past its deadline; the others were submitted today.
    const submittedAt = new Date(
      now.getTime() - (state === 'submitted' && i === 4 ? 4 : i % 2) * DAY - 3600_000,
    );
    return { unit, state, started, submittedAt, index: i };
  });
  if (plans.length === 0) return { filings: 0 };
  const filings = await repo.insertDemoFilings(
    db,
    plans.map(({ unit, state, started, submittedAt, index }) => {
      const submitted = state !== 'draft';
      const signed = submitted && state !== 'returned';
      const headcount = Math.max(1, Math.round((unit.employees ?? 20) * 0.8));
      return {
        unit_id: unit.id,
        area_id: unit.area_id,
        area_path: unit.area_path,
        state,
        planned_on: new Date(now.getTime() + ((index % 7) - 2) * DAY).toISOString().slice(0, 10),
        headcount,
        supplies: JSON.stringify({
          masks: { stock: headcount * 14, days: 14 },
          thermometers: { stock: 2 + (index % 3), days: 30 },
          disinfectant: { stock: 20 + index, days: 10 },
        }),
        plan:
          index % 4 === 3 && state === 'draft'
            ? null
            : '错峰上下班，食堂分餐；每日早晚两次测温并登记；设临时隔离观察区，专人负责消毒和物资。',
        signer_name: signed ? (unit.legal_person ?? '法定代表人') : null,
        signed_at: signed ? started : null,
        commitment_version: signed ? COMMITMENT_VERSION : null,
        submitted_at: submitted ? submittedAt : null,
        decide_by: submitted ? new Date(submittedAt.getTime() + 3 * DAY) : null,
        inspection_id: null,
        inspection_passed: ['inspected', 'approved', 'suspended'].includes(state) ? true : null,
        return_reasons:
          REASONS[state === 'returned' ? 'return' : state === 'suspended' ? 'suspend' : ''] ?? null,
        decided_at: ['approved', 'returned', 'suspended'].includes(state) ? now : null,
        created_by: 'system:demo',
        created_at: started,
        updated_at: now,
      };
    }),
  );
  const idOf = new Map(filings.map((f) => [f.unit_id, f.id]));
  const steps = plans.flatMap(({ unit, state, started, submittedAt }) => {
    let from: FilingState | null = null;
    return PATHS[state].map(([action, to], k) => {
      const at = k === 0 ? started : new Date(submittedAt.getTime() + (k - 1) * 3600_000);
      const step = {
        filing_id: idOf.get(unit.id)!,
        action,
        from_state: from,
        to_state: to,
        actor_name: 'system:demo',
        at: at > now ? now : at,
        reason: REASONS[action] ?? null,
        inspection_id: null,
      };
      from = to;
      return step;
    });
  });
  await repo.insertDemoSteps(db, steps);
  return { filings: filings.length };
}
