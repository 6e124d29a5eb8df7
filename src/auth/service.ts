import type { Kysely } from 'kysely';
import { recordAnonymousAudit, recordAudit } from '../audit/repository.js';
import type { Actor } from './context.js';
import { AppError } from '../core/errors.js';
import type { DB } from '../db/schema.js';
import { DEFAULT_LOCALE, type Locale, localeOf } from '../i18n/locale.js';
import type { FieldCipher } from '../privacy/field-crypto.js';
import {
  failLogin,
  type LoginBudgets,
  loginFailed,
  observeVerify,
  paceDecoy,
  takeSignInBudget,
} from './lockout.js';
import { CHALLENGE_TTL_MS, checkSecondFactor, type MfaMode } from './mfa.js';
import { hashPassword, isDemoPassword, passwordProblem, verifyPassword } from './password.js';
import { mfaEnrolmentRequired, RIGHTS, type Role } from './rights.js';
import { canAnywhere, grantsOf } from './scope.js';
import {
  activeLock,
  assignmentsWithAreas,
  clearLoginFailures,
  createMfaChallenge,
  createSession,
  deleteMfaChallenge,
  deleteSessionsOfUser,
  findMfa,
  findMfaChallenge,
  findUserBrief,
  findUserForLogin,
  findUserProfile,
  findUserRow,
  markLastLogin,
  setOwnLocale,
  setOwnPassword,
} from './repository.js';
import { normaliseUsername } from './username.js';

export { LOCKOUT_MS, MAX_FAILED_LOGINS } from './lockout.js';

export interface LoginInput {
  username: string;
  password: string;
  ip: string | null;
  userAgent: string | null;
  now: Date;
  budgets: LoginBudgets;
  mfa: MfaMode;
}

export type LoginResult =
  | { kind: 'session'; token: string; csrfToken: string; expiresAt: Date; userId: number }
  | { kind: 'challenge'; challenge: string; expiresAt: Date };

type Who = { name: string; userId: number | null; ip: string | null; at: Date };

async function verifyTimed(password: string, hash: string): Promise<boolean> {
  const started = performance.now();
  const valid = await verifyPassword(password, hash);
  observeVerify(performance.now() - started);
  return valid;
}

/** Opens the session once every factor is right, unless a parallel guess locked the name meanwhile. */
async function openSession(
  db: Kysely<DB>,
  user: { id: number; username: string },
  nameKey: string,
  input: { ip: string | null; userAgent: string | null; now: Date },
  audit: { challengeHash?: string; recoveryLeft?: number },
): Promise<LoginResult> {
  const result = await db.transaction().execute(async (trx) => {
    const lockedUntil = await clearLoginFailures(trx, nameKey, input.now);
    if (lockedUntil) return { lockedUntil, session: null };
    if (audit.challengeHash) await deleteMfaChallenge(trx, audit.challengeHash);
    await markLastLogin(trx, user.id, input.now);
    const session = await createSession(trx, {
      userId: user.id,
      ip: input.ip,
      userAgent: input.userAgent,
      now: input.now,
    });
    const who: Who = { name: user.username, userId: user.id, ip: input.ip, at: input.now };
    if (audit.recoveryLeft !== undefined)
      await recordAnonymousAudit(trx, who, {
        action: 'auth.mfa_recovery_used',
        entityType: 'user',
        entityId: user.id,
        after: { recoveryCodesLeft: audit.recoveryLeft },
      });
    await recordAnonymousAudit(trx, who, { action: 'auth.login', entityType: 'user', entityId: user.id });
    return { lockedUntil: null, session };
  });
  if (!result.session) throw loginFailed({ failures: 0, lockedUntil: result.lockedUntil }, input.now);
  return { kind: 'session', ...result.session, userId: user.id };
}

/**
 * Sign-in, first step. Budgets are taken before anything is hashed; a locked, unknown or disabled
 * name waits on a timer as long as a real check takes and gets the same answer as a wrong password.
 * Accounts with a second factor get a short-lived challenge instead of a session.
 */
export async function login(db: Kysely<DB>, input: LoginInput): Promise<LoginResult> {
  const nameKey = normaliseUsername(input.username);
  const ticket = await takeSignInBudget(db, input.ip, input.now, input.budgets);
  const who: Who = { name: nameKey.slice(0, 64), userId: null, ip: input.ip, at: input.now };
  const lockedUntil = await activeLock(db, nameKey, input.now);
  const user = await findUserForLogin(db, nameKey);
  const account = user && !user.disabled_at ? user : undefined;
  if (lockedUntil) {
    await paceDecoy();
    await recordAnonymousAudit(
      db,
      { ...who, userId: account?.id ?? null },
      {
        action: 'auth.login_failed',
        entityType: 'user',
        entityId: account?.id ?? null,
        reason: 'locked',
      },
    );
    throw loginFailed({ failures: 0, lockedUntil }, input.now);
  }
  const valid = account
    ? await verifyTimed(input.password, account.password_hash)
    : (await paceDecoy(), false);
  if (!account || !valid) {
    const error = await failLogin(db, nameKey, input.now);
    const locks = (error.details as { locked: boolean }).locked;
    await recordAnonymousAudit(
      db,
      { ...who, userId: account?.id ?? null },
      {
        action: locks ? 'auth.locked' : 'auth.login_failed',
        entityType: 'user',
        entityId: account?.id ?? null,
        reason: account ? 'wrong password' : 'unknown or disabled user',
      },
    );
    throw error;
  }
  await ticket.refund();
  if (input.mfa !== 'off' && (await findMfa(db, account.id))?.confirmed_at) {
    const challenge = await createMfaChallenge(db, account.id, input.ip, input.now, CHALLENGE_TTL_MS);
    return { kind: 'challenge', challenge: challenge.token, expiresAt: challenge.expiresAt };
  }
  return openSession(db, account, nameKey, input, {});
}

export interface SecondStepInput {
  challenge: string;
  code: string;
  ip: string | null;
  userAgent: string | null;
  now: Date;
  budgets: LoginBudgets;
}

/** Sign-in, second step: the authenticator's code or a recovery code; wrong codes count toward the same lock-out. */
export async function completeLogin(
  db: Kysely<DB>,
  cipher: FieldCipher,
  input: SecondStepInput,
): Promise<LoginResult> {
  const ticket = await takeSignInBudget(db, input.ip, input.now, input.budgets);
  const challenge = await findMfaChallenge(db, input.challenge, input.now);
  const user = challenge ? await findUserBrief(db, challenge.user_id) : undefined;
  if (!challenge || !user || user.disabled_at)
    throw new AppError('MFA_CHALLENGE_EXPIRED', 401, 'The sign-in took too long; enter the password again');
  const nameKey = normaliseUsername(user.username);
  const who: Who = { name: user.username, userId: user.id, ip: input.ip, at: input.now };
  const lockedUntil = await activeLock(db, nameKey, input.now);
  if (lockedUntil) {
    await deleteMfaChallenge(db, challenge.id_hash);
    throw loginFailed({ failures: 0, lockedUntil }, input.now);
  }
  const result = await checkSecondFactor(db, cipher, user, input.code, input.now);
  if (!result.ok) {
    const error = await failLogin(db, nameKey, input.now);
    const locks = (error.details as { locked: boolean }).locked;
    if (locks) await deleteMfaChallenge(db, challenge.id_hash);
    await recordAnonymousAudit(db, who, {
      action: locks ? 'auth.locked' : 'auth.login_failed',
      entityType: 'user',
      entityId: user.id,
      reason: 'wrong second-factor code',
    });
    throw error;
  }
  await ticket.refund();
  return openSession(db, user, nameKey, input, {
    challengeHash: challenge.id_hash,
    ...(result.method === 'recovery' ? { recoveryLeft: result.left } : {}),
  });
}

export async function changePassword(
  db: Kysely<DB>,
  actor: Actor,
  input: {
    currentPassword: string;
    newPassword: string;
    keepSessionToken: string | null;
    demoPassword: string;
  },
): Promise<void> {
  if (actor.viewer.kind !== 'user') throw new AppError('FORBIDDEN', 403, 'Only users have passwords');
  const viewer = actor.viewer;
  const user = await findUserRow(db, viewer.userId);
  if (!(await verifyPassword(input.currentPassword, user.password_hash))) {
    throw new AppError('LOGIN_FAILED', 400, 'The current password is wrong', [
      { field: 'body.currentPassword', code: 'passwordWrong', message: 'is wrong' },
    ]);
  }
  const problem = passwordProblem(input.newPassword, user.username);
  if (problem)
    throw new AppError('PASSWORD_TOO_WEAK', 400, `The new password ${problem}`, [
      { field: 'body.newPassword', code: 'passwordWeak', message: problem },
    ]);
  if (isDemoPassword(input.newPassword, input.demoPassword)) {
    throw new AppError('PASSWORD_IS_DEMO', 400, 'The new password is the published demo password', [
      { field: 'body.newPassword', code: 'demoPassword', message: 'is the published demo password' },
    ]);
  }
  if (input.newPassword === input.currentPassword) {
    throw new AppError('PASSWORD_TOO_WEAK', 400, 'The new password must differ from the current one', [
      { field: 'body.newPassword', code: 'samePassword', message: 'must differ from the current one' },
    ]);
  }
  const hash = await hashPassword(input.newPassword);
  await db.transaction().execute(async (trx) => {
    await setOwnPassword(trx, user.id, hash, actor.now());
    // Other sessions may belong to whoever knew the old password.
    await deleteSessionsOfUser(trx, user.id, input.keepSessionToken ?? undefined);
    await recordAudit(trx, actor, { action: 'auth.password_changed', entityType: 'user', entityId: user.id });
  });
}

/** The user's language setting: answers (errors, notifications, exports) are worded in it from the next request on. */
export async function changeOwnLocale(db: Kysely<DB>, actor: Actor, locale: Locale): Promise<void> {
  const viewer = actor.viewer;
  if (viewer.kind !== 'user') throw new AppError('UNAUTHENTICATED', 401, 'Sign in first');
  await db.transaction().execute(async (trx) => {
    const before = await findUserProfile(trx, viewer.userId);
    if (before.locale === locale) return;
    await setOwnLocale(trx, viewer.userId, locale, actor.now());
    await recordAudit(trx, actor, {
      action: 'auth.locale_changed',
      entityType: 'user',
      entityId: viewer.userId,
      before: { locale: before.locale },
      after: { locale },
    });
  });
}

/** What the web app needs about the signed-in user: assignments with their areas, and rights held anywhere. */
export async function describeUser(db: Kysely<DB>, userId: number, csrfToken: string, mfaMode: MfaMode) {
  const user = await findUserProfile(db, userId);
  const assignments = await assignmentsWithAreas(db, userId);
  const mfaEnabled = Boolean((await findMfa(db, userId))?.confirmed_at);
  const viewer = {
    kind: 'user' as const,
    userId,
    username: user.username,
    displayName: user.display_name,
    assignments: assignments.map((a) => ({
      role: a.role as Role,
      areaId: a.area_id,
      areaPath: a.path,
      categories: a.categories,
    })),
  };
  return {
    id: user.id,
    username: user.username,
    displayName: user.display_name,
    locale: localeOf(user.locale) ?? DEFAULT_LOCALE,
    mustChangePassword: user.must_change_password,
    mfaEnabled,
    mfaEnrolmentRequired: mfaEnrolmentRequired(mfaMode, mfaEnabled, viewer.assignments),
    mfaMode,
    csrfToken,
    assignments: assignments.map((a) => ({
      role: a.role,
      areaId: a.area_id,
      areaCode: a.code,
      areaName: a.name,
      areaLevel: a.level,
      categories: a.categories,
    })),
    rights: RIGHTS.filter((right) => canAnywhere(viewer, right)),
    grants: grantsOf(viewer),
  };
}
