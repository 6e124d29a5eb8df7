import type { Kysely } from 'kysely';
import type { Role } from '../auth/rights.js';
import type { Viewer } from '../auth/scope.js';
import type { Actor } from '../auth/context.js';
import type { DB } from '../db/schema.js';
import { type AreaTree, createAreaTree, createUser } from './factories.js';
import { loadAssignments } from '../auth/repository.js';

/** Test fixtures of the events module: an area tree with map boundaries and one responder per tier. */

const box = (west: number, south: number, east: number, north: number) =>
  JSON.stringify({
    type: 'Polygon',
    coordinates: [
      [
        [west, south],
        [east, south],
        [east, north],
        [west, north],
        [west, south],
      ],
    ],
  });

export interface EventWorld {
  tree: AreaTree;
  users: Record<
    'workerA' | 'workerB' | 'leaderA' | 'staff' | 'township' | 'county' | 'admin',
    { id: number; username: string }
  >;
}

/** village 120–121 E; grid A the western half, its micro-grid A the western quarter; grid B the east. */
export async function createEventWorld(db: Kysely<DB>): Promise<EventWorld> {
  const tree = await createAreaTree(db);
  const boundaries: Array<[number, string]> = [
    [tree.village.id, box(120, 30, 121, 31)],
    [tree.gridA.id, box(120, 30, 120.5, 31)],
    [tree.microA.id, box(120, 30, 120.25, 31)],
    [tree.gridB.id, box(120.5, 30, 121, 31)],
    [tree.microB.id, box(120.5, 30, 120.75, 31)],
  ];
  for (const [id, boundary] of boundaries)
    await db.updateTable('areas').set({ boundary }).where('id', '=', id).execute();
  const user = (role: Role, area: AreaTree[keyof AreaTree]) => createUser(db, [{ role, area }]);
  return {
    tree,
    users: {
      workerA: await user('grid_worker', tree.microA),
      workerB: await user('grid_worker', tree.microB),
      leaderA: await user('grid_leader', tree.gridA),
      staff: await user('community_staff', tree.village),
      township: await user('commander', tree.township),
      county: await user('commander', tree.county),
      admin: await user('admin', tree.city),
    },
  };
}

/** A service-level actor for a user, as the auth plugin would build it. */
export async function actorOf(
  db: Kysely<DB>,
  user: { id: number; username: string },
  now: () => Date,
): Promise<Actor> {
  const viewer: Viewer = {
    kind: 'user',
    userId: user.id,
    username: user.username,
    displayName: user.username,
    assignments: await loadAssignments(db, user.id),
  };
  return { viewer, ip: null, now };
}

export async function categoryId(db: Kysely<DB>, code: string): Promise<number> {
  return (
    await db.selectFrom('event_categories').select('id').where('code', '=', code).executeTakeFirstOrThrow()
  ).id;
}

export async function notificationsOf(db: Kysely<DB>, userId: number, kind: string) {
  return db
    .selectFrom('notifications')
    .select(['id', 'entity_id', 'dedupe_key', 'priority'])
    .where('user_id', '=', userId)
    .where('kind', '=', kind)
    .orderBy('id')
    .execute();
}
