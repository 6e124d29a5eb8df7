import type { Db } from '../auth/context.js';
import { inScope, type Viewer } from '../auth/scope.js';
import type { CameraKind } from '../db/schema.js';

/** Devices with their area, checkpoint and current token, as the registry shows them. */
function devices(db: Db, viewer: Viewer) {
  return db
    .selectFrom('cameras as d')
    .innerJoin('areas as a', 'a.id', 'd.area_id')
    .leftJoin('checkpoints as c', 'c.id', 'd.checkpoint_id')
    .leftJoin('api_tokens as t', (join) =>
      join.onRef('t.camera_id', '=', 'd.id').on('t.revoked_at', 'is', null),
    )
    .select([
      'd.id',
      'd.code',
      'd.name',
      'd.kind',
      'd.status',
      'd.area_id',
      'd.area_path',
      'a.name as area_name',
      'd.checkpoint_id',
      'c.name as checkpoint_name',
      'd.lng',
      'd.lat',
      'd.last_read_at',
      'd.created_at',
      't.created_at as token_issued_at',
      't.last_used_at as token_last_used_at',
    ])
    .where(inScope(viewer, 'checkpoint.manage', 'd.area_path'));
}
export type DeviceRegistryRow = Awaited<ReturnType<ReturnType<typeof devices>['executeTakeFirstOrThrow']>>;

export async function listDevices(
  db: Db,
  viewer: Viewer,
  filter: { kind?: CameraKind | undefined; checkpointId?: number | undefined; includeRetired: boolean },
): Promise<DeviceRegistryRow[]> {
  let query = devices(db, viewer);
  if (filter.kind) query = query.where('d.kind', '=', filter.kind);
  if (filter.checkpointId) query = query.where('d.checkpoint_id', '=', filter.checkpointId);
  if (!filter.includeRetired) query = query.where('d.status', '<>', 'retired');
  return query.orderBy('d.area_path').orderBy('d.code').limit(2000).execute();
}

export async function findDevice(db: Db, viewer: Viewer, id: number): Promise<DeviceRegistryRow | undefined> {
  return devices(db, viewer).where('d.id', '=', id).orderBy('t.created_at', 'desc').executeTakeFirst();
}

export async function codeTaken(db: Db, code: string): Promise<boolean> {
  return (
    (await db.selectFrom('cameras').select('id').where('code', '=', code).executeTakeFirst()) !== undefined
  );
}

export async function findCheckpointForDevice(db: Db, viewer: Viewer, id: number) {
  return db
    .selectFrom('checkpoints')
    .select(['id', 'name', 'area_id', 'area_path'])
    .where('id', '=', id)
    .where('retired_at', 'is', null)
    .where(inScope(viewer, 'checkpoint.manage', 'area_path'))
    .executeTakeFirst();
}

export async function insertDevice(
  db: Db,
  row: {
    code: string;
    name: string;
    kind: CameraKind;
    area_id: number;
    area_path: string;
    checkpoint_id: number | null;
    lng: number | null;
    lat: number | null;
  },
): Promise<number> {
  return (await db.insertInto('cameras').values(row).returning('id').executeTakeFirstOrThrow()).id;
}

export async function updateDevice(
  db: Db,
  id: number,
  set: Partial<{
    name: string;
    kind: CameraKind;
    checkpoint_id: number | null;
    lng: number | null;
    lat: number | null;
    status: 'online' | 'offline' | 'retired';
  }>,
): Promise<void> {
  await db.updateTable('cameras').set(set).where('id', '=', id).execute();
}

/** Revokes every live token of the device; returns how many. */
export async function revokeDeviceTokens(db: Db, cameraId: number, now: Date): Promise<number> {
  const rows = await db
    .updateTable('api_tokens')
    .set({ revoked_at: now })
    .where('camera_id', '=', cameraId)
    .where('revoked_at', 'is', null)
    .returning('id')
    .execute();
  return rows.length;
}

/** Checkpoints a device may be placed at: in the viewer's checkpoint.manage scope, not retired. */
export async function checkpointOptions(db: Db, viewer: Viewer) {
  return db
    .selectFrom('checkpoints as c')
    .innerJoin('areas as a', 'a.id', 'c.area_id')
    .select(['c.id', 'c.name', 'a.name as area_name'])
    .where('c.retired_at', 'is', null)
    .where(inScope(viewer, 'checkpoint.manage', 'c.area_path'))
    .orderBy('c.area_path')
    .orderBy('c.name')
    .limit(1000)
    .execute();
}
