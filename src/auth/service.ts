import type { Kysely } from 'kysely';
import { recordAnonymousAudit, recordAudit } from '../audit/repository.js';
import type { Actor } from '../core/context.js';
import { AppError } from '../core/errors.js';
import type { DB } from '../db/schema.js';
import { decoyHash, hashPassword, passwordProblem, verifyPassword } from './password.js';
import { RIGHTS, type Role } from './rights.js';
import { canAnywhere } from './scope.js';
import { createSession, deleteSessionsOfUser, findUserForLogin } from './repository.js';

export const MAX_FAILED_LOGINS = 5;
export const LOCKOUT_MS = 15 * 60 * 1000;

export interface LoginInput {
  username: string;
  password: string;
  ip: string | null;
  userAgent: string | null;
  now: Date;
}

const LOGIN_FAILED = () => new AppError('LOGIN_FAILED', 401, 'Wrong username or password');

/** Checks the password, counts failures toward a lock-out, and opens a server-side session. */
export async function login(db: Kysely<DB>, input: LoginInput) {
  const user = await findUserForLogin(db, input.username);
  if (!user || user.disabled_at) {
    await verifyPassword(input.password, await decoyHash());
    await recordAnonymousAudit(
      db,
      { name: input.username.slice(0, 64), userId: null, ip: input.ip, at: input.now },
      { action: 'auth.login_failed', entityType: 'user', reason: 'unknown or disabled user' },
    );
    throw LOGIN_FAILED();
  }
  if (user.locked_until && user.locked_until > input.now) {
    throw new AppError(
      'ACCOUNT_LOCKED',
      423,
      `Too many failed sign-ins; the account is locked until ${user.locked_until.toISOString()}`,
      {
        lockedUntil: user.locked_until.toISOString(),
      },
    );
  }
  if (!(await verifyPassword(input.password, user.password_hash))) {
    const failures = user.failed_logins + 1;
    const locks = failures >= MAX_FAILED_LOGINS;
    await db.transaction().execute(async (trx) => {
      await trx
        .updateTable('users')
        .set({
          failed_logins: locks ? 0 : failures,
          locked_until: locks ? new Date(input.now.getTime() + LOCKOUT_MS) : user.locked_until,
        })
        .where('id', '=', user.id)
        .execute();
      await recordAnonymousAudit(
        trx,
        { name: user.username, userId: user.id, ip: input.ip, at: input.now },
        { action: locks ? 'auth.locked' : 'auth.login_failed', entityType: 'user', entityId: user.id },
      );
    });
    throw LOGIN_FAILED();
  }
  return db.transaction().execute(async (trx) => {
    await trx
      .updateTable('users')
      .set({ failed_logins: 0, locked_until: null, last_login_at: input.now })
      .where('id', '=', user.id)
      .execute();
    const session = await createSession(trx, {
      userId: user.id,
      ip: input.ip,
      userAgent: input.userAgent,
      now: input.now,
    });
    await recordAnonymousAudit(
      trx,
      { name: user.username, userId: user.id, ip: input.ip, at: input.now },
      { action: 'auth.login', entityType: 'user', entityId: user.id },
    );
    return { ...session, userId: user.id, mustChangePassword: user.must_change_password };
  });
}

export async function changePassword(
  db: Kysely<DB>,
  actor: Actor,
  input: { currentPassword: string; newPassword: string; keepSessionToken: string | null },
): Promise<void> {
  if (actor.viewer.kind !== 'user') throw new AppError('FORBIDDEN', 403, 'Only users have passwords');
  const viewer = actor.viewer;
  const user = await db
    .selectFrom('users')
    .selectAll()
    .where('id', '=', viewer.userId)
    .executeTakeFirstOrThrow();
  if (!(await verifyPassword(input.currentPassword, user.password_hash))) {
    throw new AppError('LOGIN_FAILED', 400, 'The current password is wrong', [
      { field: 'body.currentPassword', message: 'is wrong' },
    ]);
  }
  const problem = passwordProblem(input.newPassword, user.username);
  if (problem)
    throw new AppError('PASSWORD_TOO_WEAK', 400, `The new password ${problem}`, [
      { field: 'body.newPassword', message: problem },
    ]);
  if (input.newPassword === input.currentPassword) {
    throw new AppError('PASSWORD_TOO_WEAK', 400, 'The new password must differ from the current one', [
      { field: 'body.newPassword', message: 'must differ from the current one' },
    ]);
  }
  const hash = await hashPassword(input.newPassword);
  await db.transaction().execute(async (trx) => {
    await trx
      .updateTable('users')
      .set({ password_hash: hash, must_change_password: false, updated_at: actor.now() })
      .where('id', '=', user.id)
      .execute();
    // Other sessions may belong to whoever knew the old password.
    await deleteSessionsOfUser(trx, user.id, input.keepSessionToken ?? undefined);
    await recordAudit(trx, actor, { action: 'auth.password_changed', entityType: 'user', entityId: user.id });
  });
}

/** What the web app needs about the signed-in user: assignments with their areas, and rights held anywhere. */
export async function describeUser(db: Kysely<DB>, userId: number, csrfToken: string) {
  const user = await db
    .selectFrom('users')
    .select(['id', 'username', 'display_name', 'locale', 'must_change_password'])
    .where('id', '=', userId)
    .executeTakeFirstOrThrow();
  const assignments = await db
    .selectFrom('role_assignments as r')
    .innerJoin('areas as a', 'a.id', 'r.area_id')
    .select(['r.role', 'r.area_id', 'a.code', 'a.name', 'a.level', 'a.path', 'r.categories'])
    .where('r.user_id', '=', userId)
    .where('a.retired_at', 'is', null)
    .orderBy('a.path')
    .execute();
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
    locale: user.locale,
    mustChangePassword: user.must_change_password,
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
  };
}
