import type { Insertable, Updateable } from 'kysely';
import { inScope, inSubtrees, type Viewer } from '../auth/scope.js';
import type { Db } from '../auth/context.js';
import { pageWindow } from '../core/pagination.js';
import { escapeLike } from '../hierarchy/repository.js';
import type { RoleAssignmentsTable, UsersTable } from '../db/schema.js';
import type { UserListQuery } from './schema.js';

/** Users with at least one role assignment inside the viewer's user.read scope. */
export async function listUsers(db: Db, viewer: Viewer, query: UserListQuery & { withinPath?: string }) {
  const { page, pageSize, offset } = pageWindow(query);
  let base = db.selectFrom('users as u').where((eb) =>
    eb.exists(
      eb
        .selectFrom('role_assignments as r')
        .innerJoin('areas as a', 'a.id', 'r.area_id')
        .select(eb.lit(1).as('one'))
        .whereRef('r.user_id', '=', 'u.id')
        .where(inScope(viewer, 'user.read', 'a.path'))
        .$if(query.withinPath !== undefined, (qb) => qb.where(inSubtrees([query.withinPath!], 'a.path')))
        .$if(query.role !== undefined, (qb) => qb.where('r.role', '=', query.role!)),
    ),
  );
  if (query.q) {
    const q = `%${escapeLike(query.q.trim().toLowerCase())}%`;
    base = base.where((eb) =>
      eb.or([
        eb(eb.fn('lower', ['u.username']), 'like', q),
        eb(eb.fn('lower', ['u.display_name']), 'like', q),
      ]),
    );
  }
  const [items, count] = await Promise.all([
    base.selectAll('u').orderBy('u.username').limit(pageSize).offset(offset).execute(),
    base.select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirstOrThrow(),
  ]);
  return { items, page, pageSize, total: Number(count.n) };
}

/** All assignments of these users, with the path of their area (for scope checks and display). */
export async function assignmentsOf(db: Db, userIds: number[]) {
  if (userIds.length === 0) return [];
  return db
    .selectFrom('role_assignments as r')
    .innerJoin('areas as a', 'a.id', 'r.area_id')
    .select([
      'r.id',
      'r.user_id',
      'r.role',
      'r.area_id',
      'r.categories',
      'a.code',
      'a.name',
      'a.level',
      'a.path',
    ])
    .where('r.user_id', 'in', userIds)
    .orderBy('a.path')
    .execute();
}

export async function findUser(db: Db, id: number) {
  return db.selectFrom('users').selectAll().where('id', '=', id).executeTakeFirst();
}

/** `nameKey` is the normalised name (normaliseUsername); stored names are ASCII, so lower() is theirs. */
export async function usernameTaken(db: Db, nameKey: string): Promise<boolean> {
  const row = await db
    .selectFrom('users')
    .select('id')
    .where((eb) => eb(eb.fn('lower', ['username']), '=', nameKey))
    .executeTakeFirst();
  return row !== undefined;
}

/** Which of these users have a confirmed second factor. */
export async function usersWithMfa(db: Db, userIds: number[]): Promise<Set<number>> {
  if (userIds.length === 0) return new Set();
  const rows = await db
    .selectFrom('user_mfa')
    .select('user_id')
    .where('user_id', 'in', userIds)
    .where('confirmed_at', 'is not', null)
    .execute();
  return new Set(rows.map((r) => r.user_id));
}

export async function insertUser(db: Db, values: Insertable<UsersTable>) {
  return db.insertInto('users').values(values).returningAll().executeTakeFirstOrThrow();
}

export async function updateUserRow(db: Db, id: number, values: Updateable<UsersTable>): Promise<void> {
  await db.updateTable('users').set(values).where('id', '=', id).execute();
}

/** Grants roles; a grant the user already holds is left as it is. Answers how many were new. */
export async function insertAssignments(
  db: Db,
  values: Array<Insertable<RoleAssignmentsTable>>,
): Promise<number> {
  const result = await db
    .insertInto('role_assignments')
    .values(values)
    .onConflict((oc) => oc.doNothing())
    .executeTakeFirst();
  return Number(result.numInsertedOrUpdatedRows ?? 0);
}

export async function deleteAssignment(db: Db, assignmentId: number): Promise<void> {
  await db.deleteFrom('role_assignments').where('id', '=', assignmentId).execute();
}
