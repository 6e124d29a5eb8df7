import type { Insertable, Kysely } from 'kysely';
import type { CheckpointsTable, DB } from '../db/schema.js';

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
