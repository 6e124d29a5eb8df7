import { recordAudit } from '../audit/repository.js';
import type { Actor, Db } from '../auth/context.js';
import { createApiToken } from '../auth/repository.js';
import { conflict, invalid, notFound } from '../core/errors.js';
import { findAreaInScope } from '../hierarchy/repository.js';
import * as repo from './device-registry-repository.js';
import type { DeviceRegistryRow } from './device-registry-repository.js';
import type {
  CreateDeviceBody,
  DeviceCheckpointOptions,
  DeviceList,
  DeviceQuery,
  DeviceToken,
  DeviceView,
  UpdateDeviceBody,
} from './device-registry-schema.js';

export function presentDevice(row: DeviceRegistryRow): DeviceView {
  return {
    id: row.id,
    code: row.code,
    name: row.name,
    kind: row.kind,
    status: row.status,
    area: { id: row.area_id, name: row.area_name },
    checkpoint:
      row.checkpoint_id !== null ? { id: row.checkpoint_id, name: row.checkpoint_name ?? '' } : null,
    lng: row.lng,
    lat: row.lat,
    lastReadAt: row.last_read_at?.toISOString() ?? null,
    tokenIssuedAt: row.token_issued_at?.toISOString() ?? null,
    tokenLastUsedAt: row.token_last_used_at?.toISOString() ?? null,
    createdAt: row.created_at.toISOString(),
  };
}

const IN_PLACE_KINDS = new Set(['plate', 'face_gate']);

async function deviceOr404(db: Db, actor: Actor, id: number): Promise<DeviceRegistryRow> {
  const row = await repo.findDevice(db, actor.viewer, id);
  if (!row) throw notFound('CAMERA_NOT_FOUND', `device ${id} does not exist or is outside your area`);
  return row;
}

/** A checkpoint a plate camera or face gate may stand at: in scope, not retired, within the device's area. */
async function checkpointFor(db: Db, actor: Actor, checkpointId: number | null | undefined, field: string) {
  if (checkpointId === null || checkpointId === undefined) return null;
  const checkpoint = await repo.findCheckpointForDevice(db, actor.viewer, checkpointId);
  if (!checkpoint)
    throw notFound(
      'CHECKPOINT_NOT_FOUND',
      `${field}: checkpoint ${checkpointId} does not exist or is outside your area`,
    );
  return checkpoint;
}

function needsCheckpoint(kind: string, checkpointId: number | null, field: string): void {
  if (IN_PLACE_KINDS.has(kind) && checkpointId === null)
    throw invalid(
      'CAMERA_NOT_AT_CHECKPOINT',
      `${field}: a plate camera or face gate stands at a checkpoint`,
      [{ field, code: 'required' }],
    );
}

export async function listDevices(db: Db, actor: Actor, query: DeviceQuery): Promise<DeviceList> {
  const rows = await repo.listDevices(db, actor.viewer, {
    kind: query.kind,
    checkpointId: query.checkpointId,
    includeRetired: query.includeRetired ?? false,
  });
  return { items: rows.map(presentDevice) };
}

export async function listCheckpointOptions(db: Db, actor: Actor): Promise<DeviceCheckpointOptions> {
  const rows = await repo.checkpointOptions(db, actor.viewer);
  return { items: rows.map((r) => ({ id: r.id, name: r.name, areaName: r.area_name })) };
}

export async function createDevice(db: Db, actor: Actor, body: CreateDeviceBody): Promise<DeviceView> {
  const area = await findAreaInScope(db, actor.viewer, 'checkpoint.manage', body.areaId);
  if (!area)
    throw notFound(
      'AREA_NOT_FOUND',
      `body.areaId: area ${body.areaId} does not exist or is outside your area`,
    );
  const checkpoint = await checkpointFor(db, actor, body.checkpointId, 'body.checkpointId');
  needsCheckpoint(body.kind, checkpoint?.id ?? null, 'body.checkpointId');
  if (await repo.codeTaken(db, body.code))
    throw conflict('CAMERA_CODE_TAKEN', `body.code: ${body.code} is already in use`, [
      { field: 'body.code', code: 'taken' },
    ]);
  const id = await repo.insertDevice(db, {
    code: body.code,
    name: body.name.trim(),
    kind: body.kind,
    // A device at a checkpoint belongs where the checkpoint is.
    area_id: checkpoint?.area_id ?? area.id,
    area_path: checkpoint?.area_path ?? area.path,
    checkpoint_id: checkpoint?.id ?? null,
    lng: body.lng ?? null,
    lat: body.lat ?? null,
  });
  await recordAudit(db, actor, {
    action: 'camera.create',
    entityType: 'camera',
    entityId: id,
    areaPath: checkpoint?.area_path ?? area.path,
    after: { code: body.code, name: body.name, kind: body.kind, checkpoint: checkpoint?.name ?? null },
  });
  return presentDevice(await deviceOr404(db, actor, id));
}

export async function updateDevice(
  db: Db,
  actor: Actor,
  id: number,
  body: UpdateDeviceBody,
): Promise<DeviceView> {
  const before = await deviceOr404(db, actor, id);
  if (before.status === 'retired') throw conflict('CAMERA_RETIRED', `device ${before.code} is retired`);
  const checkpoint =
    body.checkpointId !== undefined
      ? await checkpointFor(db, actor, body.checkpointId, 'body.checkpointId')
      : undefined;
  const kind = body.kind ?? before.kind;
  const checkpointId = checkpoint === undefined ? before.checkpoint_id : (checkpoint?.id ?? null);
  needsCheckpoint(kind, checkpointId, 'body.checkpointId');
  await repo.updateDevice(db, id, {
    ...(body.name !== undefined ? { name: body.name.trim() } : {}),
    ...(body.kind !== undefined ? { kind: body.kind } : {}),
    ...(checkpoint !== undefined ? { checkpoint_id: checkpoint?.id ?? null } : {}),
    ...(body.lng !== undefined ? { lng: body.lng } : {}),
    ...(body.lat !== undefined ? { lat: body.lat } : {}),
    ...(body.status !== undefined ? { status: body.status } : {}),
  });
  await recordAudit(db, actor, {
    action: 'camera.update',
    entityType: 'camera',
    entityId: id,
    areaPath: before.area_path,
    before: {
      name: before.name,
      kind: before.kind,
      checkpoint: before.checkpoint_name,
      status: before.status,
    },
    after: body,
  });
  return presentDevice(await deviceOr404(db, actor, id));
}

/** Retires a device: its reads are refused from now on and its tokens revoked. */
export async function retireDevice(db: Db, actor: Actor, id: number): Promise<DeviceView> {
  const before = await deviceOr404(db, actor, id);
  if (before.status !== 'retired') {
    await repo.updateDevice(db, id, { status: 'retired' });
    const revoked = await repo.revokeDeviceTokens(db, id, actor.now());
    await recordAudit(db, actor, {
      action: 'camera.retire',
      entityType: 'camera',
      entityId: id,
      areaPath: before.area_path,
      before: { code: before.code, status: before.status },
      after: { status: 'retired', tokensRevoked: revoked },
    });
  }
  return presentDevice(await deviceOr404(db, actor, id));
}

/** Issues the device's token (shown once), revoking the one it had. */
export async function issueDeviceToken(db: Db, actor: Actor, id: number): Promise<DeviceToken> {
  const device = await deviceOr404(db, actor, id);
  if (device.status === 'retired') throw conflict('CAMERA_RETIRED', `device ${device.code} is retired`);
  const revoked = await repo.revokeDeviceTokens(db, id, actor.now());
  const created = await createApiToken(db, {
    name: `device:${device.code}`,
    areaId: device.area_id,
    capability: 'device.alerts',
    createdBy: actor.viewer.kind === 'user' ? actor.viewer.userId : null,
    cameraId: device.id,
  });
  await recordAudit(db, actor, {
    action: 'camera.token_issue',
    entityType: 'camera',
    entityId: id,
    areaPath: device.area_path,
    after: { tokenId: created.id, previousRevoked: revoked },
  });
  return { device: presentDevice(await deviceOr404(db, actor, id)), token: created.token };
}
