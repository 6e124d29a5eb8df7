import type { Actor, Db } from '../auth/context.js';
import { conflict, forbidden, invalid, notFound } from '../core/errors.js';
import type { AlertKind } from '../db/schema.js';
import * as repo from './repository.js';
import type { DeviceAlertBody, DeviceAlertResult } from './schema.js';
import { createEvent } from './service.js';

/** Which category an alert opens an event in (codes of the default category tree). */
export const ALERT_CATEGORY: Readonly<Record<AlertKind, string>> = {
  gathering: 'epidemic.gathering',
  isolation_door_opened: 'epidemic.quarantine_breach',
  fever_at_gate: 'epidemic.fever',
  loitering: 'street_order.loitering',
};
const ALERT_TITLE: Readonly<Record<AlertKind, string>> = {
  gathering: '人员聚集告警',
  isolation_door_opened: '隔离户门磁告警',
  fever_at_gate: '卡口体温异常告警',
  loitering: '可疑人员徘徊告警',
};
/** First key of the advisory lock that serialises one camera's alerts ("gg" + 1). */
const CAMERA_LOCK_SPACE = 0x67670001;
/** A device clock a little ahead is tolerated; alerts from the future are not. */
const CLOCK_SKEW_MS = 5 * 60_000;

/**
 * Receives one alert from a camera or gate (in the caller's transaction). Retrying with the same
 * externalId answers the same; an alert of the same kind from the same camera within the merge
 * window of the open event's last alert is merged into it; otherwise it opens a new registered
 * event and urgently notifies the tier's responders. Alerts of one camera are serialised with an
 * advisory lock, so concurrent alerts on PostgreSQL still merge into one event.
 */
export async function receiveDeviceAlert(
  db: Db,
  actor: Actor,
  body: DeviceAlertBody,
  options: { mergeWindowSeconds: number },
): Promise<DeviceAlertResult> {
  const viewer = actor.viewer;
  if (viewer.kind !== 'token' || viewer.capability !== 'device.alerts')
    throw forbidden('Device alerts need an API token with the capability device.alerts');
  const camera = await repo.findCameraWithin(db, body.camera, viewer.areaPath);
  if (!camera) throw notFound('CAMERA_NOT_FOUND', `camera: no camera ${body.camera} in this token's area`);
  if (viewer.cameraId !== null && viewer.cameraId !== camera.id)
    throw forbidden(`camera: this token belongs to another camera than ${body.camera}`);
  if (camera.status === 'retired') throw conflict('CAMERA_RETIRED', `camera: ${body.camera} is retired`);
  const now = actor.now();
  const occurredAt = new Date(body.occurredAt);
  if (occurredAt.getTime() > now.getTime() + CLOCK_SKEW_MS)
    throw invalid('ALERT_TIME_INVALID', 'occurredAt lies in the future (check the device clock)', [
      { field: 'occurredAt', code: 'timeInFuture', message: 'is in the future' },
    ]);

  await repo.lockCamera(db, CAMERA_LOCK_SPACE, camera.id);

  const externalId = body.externalId ?? null;
  if (externalId !== null) {
    const seen = await repo.findDeviceAlert(db, camera.id, externalId);
    if (seen) return { eventId: seen.event_id, code: seen.code, merged: Boolean(seen.merged) };
  }

  const record = async (eventId: number) =>
    repo.insertDeviceAlert(db, {
      camera_id: camera.id,
      external_id: externalId,
      kind: body.kind,
      occurred_at: occurredAt,
      received_at: now,
      event_id: eventId,
      details: body.details ? JSON.stringify(body.details) : null,
    });

  const open = await repo.openAlertEvent(
    db,
    camera.id,
    body.kind,
    new Date(occurredAt.getTime() - options.mergeWindowSeconds * 1000),
  );
  if (open) {
    await repo.countMergedAlert(db, open.id, occurredAt, now);
    await repo.insertStep(db, {
      event_id: open.id,
      at: now,
      action: 'alert',
      actor_user_id: null,
      actor_name: `设备:${camera.name}`,
      note: `重复告警已合并（${ALERT_TITLE[body.kind]}）`,
      details: JSON.stringify({ occurredAt: occurredAt.toISOString(), externalId, ...(body.details ?? {}) }),
    });
    await record(open.id);
    return { eventId: open.id, code: open.code, merged: true };
  }

  const category = await repo.findCategoryByCode(db, ALERT_CATEGORY[body.kind]);
  if (!category || category.retired_at)
    throw conflict(
      'EVENT_CATEGORY_MISSING',
      `The category ${ALERT_CATEGORY[body.kind]} for ${body.kind} alerts is missing or retired`,
    );
  const created = await createEvent(
    db,
    actor,
    {
      source: 'device',
      categoryId: category.id,
      areaId: camera.area_id,
      title: `${camera.name}：${ALERT_TITLE[body.kind]}`,
      description: body.details ? JSON.stringify(body.details) : null,
      address: camera.name,
      lng: camera.lng,
      lat: camera.lat,
      alert: { cameraId: camera.id, kind: body.kind, at: occurredAt },
    },
    { category },
  );
  await record(created.id);
  return { eventId: created.id, code: created.code, merged: false };
}
