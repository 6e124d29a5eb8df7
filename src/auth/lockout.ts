import { setTimeout as sleep } from 'node:timers/promises';
import type { Db } from './context.js';
import { AppError } from '../core/errors.js';
import { countLoginFailure, pruneLoginThrottle, returnLoginBudget, takeLoginBudget } from './repository.js';

/** Failures of one name (known or not) before it is locked, and how long the lock lasts. */
export const MAX_FAILED_LOGINS = 5;
export const LOCKOUT_MS = 15 * 60 * 1000;
/** Sign-in budgets count attempts in fixed windows of this length. */
export const BUDGET_WINDOW_MS = 10 * 60 * 1000;
const STALE_COUNTER_MS = 24 * 60 * 60 * 1000;

export interface LoginBudgets {
  /** Attempts one client address may make per window. */
  client: number;
  /** Attempts all clients together may make per window. */
  global: number;
}

/** Details every refused sign-in carries, whatever the reason: an outsider learns the same from each. */
export type LoginFailureDetails = {
  triesLeft: number;
  /** How long a lock lasts; when locked, the minutes still to wait. */
  lockMinutes: number;
  locked: boolean;
};

const minutesUntil = (until: Date, now: Date) =>
  Math.max(1, Math.ceil((until.getTime() - now.getTime()) / 60_000));

/** The one answer for a wrong name, a wrong password, a wrong code, a disabled or a locked account. */
export function loginFailed(state: { failures: number; lockedUntil: Date | null }, now: Date): AppError {
  if (state.lockedUntil && state.lockedUntil > now) {
    const minutes = minutesUntil(state.lockedUntil, now);
    const details: LoginFailureDetails = { triesLeft: 0, lockMinutes: minutes, locked: true };
    return new AppError(
      'LOGIN_FAILED',
      401,
      `Wrong username or password; too many failed tries, sign-in is locked for ${minutes} minutes`,
      details,
    );
  }
  const triesLeft = Math.max(0, MAX_FAILED_LOGINS - state.failures);
  const minutes = LOCKOUT_MS / 60_000;
  const details: LoginFailureDetails = { triesLeft, lockMinutes: minutes, locked: false };
  return new AppError(
    'LOGIN_FAILED',
    401,
    `Wrong username or password; ${triesLeft} tries left before sign-in is locked for ${minutes} minutes`,
    details,
  );
}

/** Counts a failure toward the name's lock-out and returns the answer to give. */
export async function failLogin(db: Db, nameKey: string, now: Date): Promise<AppError> {
  return loginFailed(await countLoginFailure(db, nameKey, now, MAX_FAILED_LOGINS, LOCKOUT_MS), now);
}

export interface BudgetTicket {
  /** Gives the attempt back: a successful sign-in does not use up anybody's budget. */
  refund(): Promise<void>;
}

/**
 * Takes one attempt from the client's and the global budget before any password is hashed; over
 * either, the attempt is refused at once (429 with Retry-After) and costs the server almost nothing.
 */
export async function takeSignInBudget(
  db: Db,
  ip: string | null,
  now: Date,
  budgets: LoginBudgets,
): Promise<BudgetTicket> {
  const windowStart = new Date(Math.floor(now.getTime() / BUDGET_WINDOW_MS) * BUDGET_WINDOW_MS);
  const client = `client:${ip ?? 'unknown'}`;
  const buckets = [client, 'global'];
  const counts = await takeLoginBudget(db, buckets, windowStart);
  // The first attempt of a window tidies up after the last ones.
  if (counts.get('global') === 1)
    await pruneLoginThrottle(db, windowStart, new Date(now.getTime() - STALE_COUNTER_MS), now);
  if ((counts.get(client) ?? 0) > budgets.client || (counts.get('global') ?? 0) > budgets.global) {
    const retryAfterSeconds = Math.max(
      1,
      Math.ceil((windowStart.getTime() + BUDGET_WINDOW_MS - now.getTime()) / 1000),
    );
    throw new AppError(
      'RATE_LIMITED',
      429,
      `Too many sign-in attempts; try again in ${retryAfterSeconds} s`,
      {
        retryAfterSeconds,
      },
    );
  }
  return { refund: () => returnLoginBudget(db, buckets, windowStart) };
}

/*
 * A wrong name must take as long as a wrong password, or the answer time tells which names exist.
 * Hashing a decoy would do that, but a flood of unknown names then fills the libuv thread pool and
 * real sign-ins queue behind it. A timer waits as long as real checks take, and costs nothing.
 */
let typicalVerifyMs = 150;

/** Records how long a real password check took, for the pace of decoy answers. */
export function observeVerify(ms: number): void {
  typicalVerifyMs = typicalVerifyMs * 0.8 + ms * 0.2;
}

/** Waits about as long as a real password check, without using the thread pool. */
export async function paceDecoy(): Promise<void> {
  const jitter = 0.85 + Math.random() * 0.3;
  await sleep(Math.round(typicalVerifyMs * jitter));
}
