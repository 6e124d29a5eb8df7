import type { FastifyInstance } from 'fastify';
import type { Insertable, Kysely } from 'kysely';
import type { CheckpointsTable, DB } from '../db/schema.js';
import { type AreaTree, createAreaTree, createUser, type Session, signIn } from './factories.js';

let sequence = 0;

/** A checkpoint row in `area` (an open village entrance checking temperature and health code unless overridden). */
export async function createCheckpoint(
  db: Kysely<DB>,
  area: { id: number; path: string },
  overrides: Partial<Insertable<CheckpointsTable>> = {},
): Promise<{ id: number; code: string; areaPath: string }> {
  sequence += 1;
  const row = await db
    .insertInto('checkpoints')
    .values({
      area_id: area.id,
      area_path: area.path,
      code: `CP-${process.pid}-${sequence}`,
      name: `测试卡口${sequence}`,
      kind: 'village_entrance',
      lng: 120.1,
      lat: 30.2,
      ...overrides,
    })
    .returning(['id', 'code', 'area_path'])
    .executeTakeFirstOrThrow();
  return { id: row.id, code: row.code, areaPath: row.area_path };
}

/** Two villages' trees, each with a signed-in community staff member: ours and the other township's. */
export async function twoVillagesWithStaff(
  app: FastifyInstance,
  db: Kysely<DB>,
): Promise<{ tree: AreaTree; other: AreaTree; staff: Session; otherStaff: Session }> {
  const tree = await createAreaTree(db);
  const other = await createAreaTree(db);
  const staffOf = async (area: AreaTree) =>
    signIn(app, (await createUser(db, [{ role: 'community_staff', area: area.village }])).username);
  return { tree, other, staff: await staffOf(tree), otherStaff: await staffOf(other) };
}
