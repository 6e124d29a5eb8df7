import type { Viewer } from '../auth/scope.js';
import type { Db } from '../auth/context.js';
import { AppError } from '../core/errors.js';
import { deleteBudgetWindowsBefore, spendBudgetWindows } from './repository.js';

/**
 * How many full document or phone numbers one caller may test against the register. A grid
 * worker registering door to door types a few dozen a day; trying the ~16,000 numbers a masked
 * ID leaves open would take more than a month of daily budgets, each try in the audit log.
 */
export const LOOKUP_LIMITS: ReadonlyArray<{ windowSeconds: number; limit: number }> = [
  { windowSeconds: 60, limit: 20 },
  { windowSeconds: 86_400, limit: 300 },
];

/**
 * The budget of someone signed in on duty at a checkpoint, for the ID numbers typed there: a gate
 * checks a person every few seconds at its busiest and hundreds in a shift. Kept apart from the
 * register budget (a shift at the gate does not use up the day's registering), and only while on
 * duty at that gate; every lookup is audited as an identification there.
 */
export const GATE_LOOKUP_LIMITS: ReadonlyArray<{ windowSeconds: number; limit: number }> = [
  { windowSeconds: 60, limit: 30 },
  { windowSeconds: 86_400, limit: 2_000 },
];

export type LookupBudget = 'register' | 'gate';
const LIMITS: Readonly<Record<LookupBudget, ReadonlyArray<{ windowSeconds: number; limit: number }>>> = {
  register: LOOKUP_LIMITS,
  gate: GATE_LOOKUP_LIMITS,
};

/** Too many lookups: 429 with the seconds until the window that ran out starts over. */
export class LookupRateLimited extends AppError {
  constructor(readonly retryAfterSeconds: number) {
    super(
      'RATE_LIMITED',
      429,
      `Too many ID or phone number lookups; try again in ${retryAfterSeconds} seconds`,
      { retryAfterSeconds },
    );
  }
}

/** The budget key of a caller; the command line is never limited (null). */
function callerKey(viewer: Viewer, budget: LookupBudget): string | null {
  const prefix = budget === 'gate' ? 'gate:' : '';
  if (viewer.kind === 'user') return `${prefix}user:${viewer.userId}`;
  if (viewer.kind === 'token') return `${prefix}token:${viewer.tokenId}`;
  return null;
}

export interface LookupSpend {
  /** True for the first refusal of a window, so the audit log notes an attempt without a flood. */
  firstRefusal: boolean;
  retryAfterSeconds: number;
}

/**
 * Counts one lookup in every window, atomically in the database (so several app nodes share the
 * budget and parallel requests cannot slip past it). Returns null when the lookup may proceed,
 * else when to retry. Call it outside the caller's transaction: a refused attempt still counts.
 */
export async function spendLookup(
  db: Db,
  viewer: Viewer,
  now: Date,
  budget: LookupBudget = 'register',
): Promise<LookupSpend | null> {
  const caller = callerKey(viewer, budget);
  if (!caller) return null;
  const limits = LIMITS[budget];
  const seconds = limits.map((l) => l.windowSeconds);
  const starts = limits.map((l) =>
    new Date(Math.floor(now.getTime() / (l.windowSeconds * 1000)) * l.windowSeconds * 1000).toISOString(),
  );
  const rows = await spendBudgetWindows(db, caller, { seconds, starts });
  const refusals = rows.flatMap((row) => {
    const limit = limits.find((l) => l.windowSeconds === row.window_seconds)!.limit;
    if (row.used <= limit) return [];
    const ends = new Date(row.window_start).getTime() + row.window_seconds * 1000;
    return [
      {
        retryAfterSeconds: Math.max(1, Math.ceil((ends - now.getTime()) / 1000)),
        firstRefusal: row.used === limit + 1,
      },
    ];
  });
  const refusal: LookupSpend | null =
    refusals.length === 0
      ? null
      : {
          retryAfterSeconds: Math.max(...refusals.map((r) => r.retryAfterSeconds)),
          firstRefusal: refusals.some((r) => r.firstRefusal),
        };
  // Old windows are of no use; the caller's own are few, so this stays cheap.
  if (rows.some((r) => r.used === 1 && r.window_seconds === 86_400))
    await deleteBudgetWindowsBefore(db, caller, new Date(now.getTime() - 2 * 86_400_000));
  return refusal;
}
