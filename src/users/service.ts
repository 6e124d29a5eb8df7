import { recordAudit } from '../audit/repository.js';
import { hashPassword, passwordProblem } from '../auth/password.js';
import { deleteSessionsOfUser, lockedNames, removeMfa, unlockName } from '../auth/repository.js';
import { normaliseUsername } from '../auth/username.js';
import { grantableRoles, type Role } from '../auth/rights.js';
import { can, scopePaths, type Viewer } from '../auth/scope.js';
import type { Actor, Db } from '../auth/context.js';
import { AppError, conflict, forbidden, invalid, notFound } from '../core/errors.js';
import type { PageOf } from '../core/pagination.js';
import { findAreaInScope } from '../hierarchy/repository.js';
import * as repo from './repository.js';
import type { AssignmentInput, CreateUserBody, UpdateUserBody, UserListQuery, UserView } from './schema.js';

const USER_NOT_FOUND = (id: number) =>
  notFound('USER_NOT_FOUND', `User ${id} does not exist or has no role in your area`);

type UserRow = NonNullable<Awaited<ReturnType<typeof repo.findUser>>>;
type AssignmentRow = Awaited<ReturnType<typeof repo.assignmentsOf>>[number];

/** Sign-in state kept outside the users table: the lock-out of the normalised name, the second factor. */
export interface SignInState {
  locked: Set<string>;
  mfa: Set<number>;
}

export async function signInStateOf(db: Db, users: UserRow[], now: Date): Promise<SignInState> {
  return {
    locked: await lockedNames(
      db,
      users.map((u) => normaliseUsername(u.username)),
      now,
    ),
    mfa: await repo.usersWithMfa(
      db,
      users.map((u) => u.id),
    ),
  };
}

export function presentUser(
  user: UserRow,
  assignments: AssignmentRow[],
  viewer: Viewer,
  state: SignInState,
): UserView {
  return {
    id: user.id,
    username: user.username,
    displayName: user.display_name,
    disabled: user.disabled_at !== null,
    locked: state.locked.has(normaliseUsername(user.username)),
    mfaEnabled: state.mfa.has(user.id),
    mustChangePassword: user.must_change_password,
    lastLoginAt: user.last_login_at?.toISOString() ?? null,
    allowedActions: mayManage(
      viewer,
      assignments.filter((a) => a.user_id === user.id),
    )
      ? ['manage']
      : [],
    assignments: assignments
      .filter((a) => a.user_id === user.id && can(viewer, 'user.read', a.path))
      .map((a) => ({
        id: a.id,
        role: a.role as Role,
        areaId: a.area_id,
        areaCode: a.code,
        areaName: a.name,
        areaLevel: a.level,
        categories: a.categories,
      })),
  };
}

export async function listUsers(db: Db, actor: Actor, query: UserListQuery): Promise<PageOf<UserView>> {
  let withinPath: string | undefined;
  if (query.areaId !== undefined) {
    const area = await findAreaInScope(db, actor.viewer, 'user.read', query.areaId);
    if (!area)
      throw notFound('AREA_NOT_FOUND', `Area ${query.areaId} does not exist or is outside your area`);
    withinPath = area.path;
  }
  const page = await repo.listUsers(db, actor.viewer, { ...query, ...(withinPath ? { withinPath } : {}) });
  const assignments = await repo.assignmentsOf(
    db,
    page.items.map((u) => u.id),
  );
  const state = await signInStateOf(db, page.items, actor.now());
  return { ...page, items: page.items.map((u) => presentUser(u, assignments, actor.viewer, state)) };
}

/** A user is visible when one of their roles lies in the viewer's scope. */
async function visibleUser(db: Db, viewer: Viewer, id: number) {
  const user = await repo.findUser(db, id);
  if (!user) throw USER_NOT_FOUND(id);
  const assignments = await repo.assignmentsOf(db, [id]);
  if (!assignments.some((a) => can(viewer, 'user.read', a.path))) throw USER_NOT_FOUND(id);
  return { user, assignments };
}

const mayManage = (viewer: Viewer, assignments: ReadonlyArray<{ path: string }>) =>
  assignments.every((a) => can(viewer, 'user.manage', a.path));

/** Changing an account needs user.manage over every area it holds a role in, so a grid manager cannot lock out a city commander. */
async function manageableUser(db: Db, viewer: Viewer, id: number) {
  const found = await visibleUser(db, viewer, id);
  if (!mayManage(viewer, found.assignments)) {
    throw forbidden('This account holds roles outside the areas you manage');
  }
  return found;
}

export async function getUser(db: Db, actor: Actor, id: number): Promise<UserView> {
  const { user, assignments } = await visibleUser(db, actor.viewer, id);
  return presentUser(user, assignments, actor.viewer, await signInStateOf(db, [user], actor.now()));
}

function holderRoles(viewer: Viewer): Role[] {
  if (viewer.kind === 'system') return ['admin'];
  return viewer.kind === 'user' ? viewer.assignments.map((a) => a.role) : [];
}

async function checkGrant(db: Db, viewer: Viewer, input: AssignmentInput, field: string) {
  const area = await findAreaInScope(db, viewer, 'user.manage', input.areaId);
  if (!area)
    throw notFound(
      'AREA_NOT_FOUND',
      `${field}.areaId: area ${input.areaId} does not exist or is outside the areas you manage`,
    );
  if (!grantableRoles(holderRoles(viewer)).includes(input.role)) {
    throw new AppError('ROLE_NOT_GRANTABLE', 403, `${field}.role: you may not grant the role ${input.role}`);
  }
  if (input.role !== 'department' && input.categories?.length) {
    throw invalid('VALIDATION_FAILED', `${field}.categories only apply to the department role`, [
      { field: `${field}.categories`, code: 'departmentOnly', message: 'only apply to department' },
    ]);
  }
  return area;
}

export async function createUser(db: Db, actor: Actor, body: CreateUserBody): Promise<UserView> {
  const problem = passwordProblem(body.password, body.username);
  if (problem)
    throw invalid('PASSWORD_TOO_WEAK', `body.password ${problem}`, [
      { field: 'body.password', code: 'passwordWeak', message: problem },
    ]);
  if (await repo.usernameTaken(db, normaliseUsername(body.username)))
    throw conflict('USERNAME_TAKEN', `The username ${body.username} is taken`, [
      { field: 'body.username', code: 'taken', message: 'is taken' },
    ]);
  const areas = [];
  for (const [i, assignment] of body.assignments.entries())
    areas.push(await checkGrant(db, actor.viewer, assignment, `body.assignments.${i}`));
  const now = actor.now();
  const user = await repo.insertUser(db, {
    username: body.username,
    display_name: body.displayName.trim(),
    password_hash: await hashPassword(body.password),
    must_change_password: true,
    created_at: now,
    updated_at: now,
  });
  await repo.insertAssignments(
    db,
    body.assignments.map((a) => ({
      user_id: user.id,
      role: a.role,
      area_id: a.areaId,
      categories: a.categories ?? [],
      created_at: now,
    })),
  );
  await recordAudit(db, actor, {
    action: 'user.create',
    entityType: 'user',
    entityId: user.id,
    areaPath: areas[0]?.path ?? null,
    after: { username: user.username, displayName: user.display_name, assignments: body.assignments },
  });
  return getUser(db, actor, user.id);
}

export async function updateUser(db: Db, actor: Actor, id: number, body: UpdateUserBody): Promise<UserView> {
  const { user, assignments } = await manageableUser(db, actor.viewer, id);
  if (actor.viewer.kind === 'user' && actor.viewer.userId === id && body.disabled)
    throw forbidden('You cannot disable your own account');
  const now = actor.now();
  await repo.updateUserRow(db, id, {
    ...(body.displayName !== undefined ? { display_name: body.displayName.trim() } : {}),
    ...(body.disabled !== undefined ? { disabled_at: body.disabled ? (user.disabled_at ?? now) : null } : {}),
    updated_at: now,
  });
  if (body.unlock) await unlockName(db, normaliseUsername(user.username));
  if (body.disabled) await deleteSessionsOfUser(db, id);
  await recordAudit(db, actor, {
    action: 'user.update',
    entityType: 'user',
    entityId: id,
    areaPath: assignments[0]?.path ?? null,
    before: { displayName: user.display_name, disabled: user.disabled_at !== null },
    after: body,
  });
  return getUser(db, actor, id);
}

export async function resetPassword(db: Db, actor: Actor, id: number, newPassword: string): Promise<void> {
  const { user, assignments } = await manageableUser(db, actor.viewer, id);
  const problem = passwordProblem(newPassword, user.username);
  if (problem)
    throw invalid('PASSWORD_TOO_WEAK', `body.newPassword ${problem}`, [
      { field: 'body.newPassword', code: 'passwordWeak', message: problem },
    ]);
  await repo.updateUserRow(db, id, {
    password_hash: await hashPassword(newPassword),
    must_change_password: true,
    updated_at: actor.now(),
  });
  await unlockName(db, normaliseUsername(user.username));
  await deleteSessionsOfUser(db, id);
  await recordAudit(db, actor, {
    action: 'user.password_reset',
    entityType: 'user',
    entityId: id,
    areaPath: assignments[0]?.path ?? null,
  });
}

export async function addAssignment(
  db: Db,
  actor: Actor,
  id: number,
  input: AssignmentInput,
): Promise<UserView> {
  await visibleUserOrNew(db, actor.viewer, id);
  const area = await checkGrant(db, actor.viewer, input, 'body');
  const added = await repo.insertAssignments(db, [
    {
      user_id: id,
      role: input.role,
      area_id: input.areaId,
      categories: input.categories ?? [],
      created_at: actor.now(),
    },
  ]);
  if (added > 0) {
    await recordAudit(db, actor, {
      action: 'user.assignment_add',
      entityType: 'user',
      entityId: id,
      areaPath: area.path,
      after: input,
    });
  }
  return getUser(db, actor, id);
}

/** Granting a role may reach a user not yet visible (first role in this subtree), but never one who does not exist. */
async function visibleUserOrNew(db: Db, viewer: Viewer, id: number) {
  const user = await repo.findUser(db, id);
  if (!user || scopePaths(viewer, 'user.manage').length === 0) throw USER_NOT_FOUND(id);
  return user;
}

export async function removeAssignment(
  db: Db,
  actor: Actor,
  id: number,
  assignmentId: number,
): Promise<UserView> {
  const { assignments } = await visibleUser(db, actor.viewer, id);
  const assignment = assignments.find((a) => a.id === assignmentId);
  if (!assignment || !can(actor.viewer, 'user.read', assignment.path))
    throw notFound('NOT_FOUND', `Assignment ${assignmentId} not found`);
  if (!can(actor.viewer, 'user.manage', assignment.path))
    throw forbidden('This role is outside the areas you manage');
  if (actor.viewer.kind === 'user' && actor.viewer.userId === id && assignment.role === 'admin')
    throw forbidden('You cannot remove your own admin role');
  await repo.deleteAssignment(db, assignmentId);
  await recordAudit(db, actor, {
    action: 'user.assignment_remove',
    entityType: 'user',
    entityId: id,
    areaPath: assignment.path,
    before: { role: assignment.role, areaId: assignment.area_id },
  });
  const remaining = await repo.assignmentsOf(db, [id]);
  if (!remaining.some((a) => can(actor.viewer, 'user.read', a.path))) {
    const user = await repo.findUser(db, id);
    return presentUser(user!, [], actor.viewer, await signInStateOf(db, [user!], actor.now()));
  }
  return getUser(db, actor, id);
}

/** Removes an account's second factor (lost phone): it signs in with the password alone, or enrols again. */
export async function resetMfa(db: Db, actor: Actor, id: number): Promise<UserView> {
  const { assignments } = await manageableUser(db, actor.viewer, id);
  if (!(await removeMfa(db, id)))
    throw new AppError('MFA_NOT_ENABLED', 409, 'This account has no second factor to reset');
  await recordAudit(db, actor, {
    action: 'user.mfa_reset',
    entityType: 'user',
    entityId: id,
    areaPath: assignments[0]?.path ?? null,
  });
  return getUser(db, actor, id);
}
