import { randomUUID } from 'node:crypto';
import type { Actor, Db } from '../auth/context.js';
import { conflict, forbidden, invalid, notFound } from '../core/errors.js';
import type { AlertKind } from '../db/schema.js';
import { notificationText } from '../i18n/notifications.js';
import { DEFAULT_LOCALE, localeOf } from '../i18n/locale.js';
import { calendarOf, chinaDate, deadlineFor } from './calendar.js';
import { alertContext, type OutboxWriter, writeAlert } from './device-repository.js';
import type { DeviceAlertBody, DeviceAlertResult } from './schema.js';
import { eventColumns, limitOf, newEventPriority, openingSteps, startingStatus } from './service.js';
import { STEP_OF } from './transitions.js';

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
/** Stands for the event's code in notification titles until the statement that numbers the event. */
const CODE_MARKER = `\u{F8FF}code-${randomUUID()}\u{F8FF}`;

/**
 * Receives one alert from a camera or gate (in the caller's transaction). Retrying with the same
 * externalId answers the same; an alert of the same kind from the same camera within the merge
 * window of the open event's last alert is merged into it; otherwise it opens a new registered
 * event and urgently notifies the tier's responders. Alerts of one camera are serialised with an
 * advisory lock, so concurrent alerts on PostgreSQL still merge into one event.
 *
 * Two statements (device-repository.ts): the alert's context with the lock, then one statement
 * that merges or opens the event with its steps, notifications and the alert's own row. What
 * createEvent checks and writes for a device event is the same (eventColumns, openingSteps).
 */
export async function receiveDeviceAlert(
  db: Db,
  actor: Actor,
  body: DeviceAlertBody,
  options: { mergeWindowSeconds: number; outbox: OutboxWriter },
): Promise<DeviceAlertResult> {
  const viewer = actor.viewer;
  if (viewer.kind !== 'token' || viewer.capability !== 'device.alerts')
    throw forbidden('Device alerts need an API token with the capability device.alerts');
  const now = actor.now();
  const context = await alertContext(db, {
    code: body.camera,
    tokenPath: viewer.areaPath,
    categoryCode: ALERT_CATEGORY[body.kind],
    lockSpace: CAMERA_LOCK_SPACE,
    today: chinaDate(now),
  });
  if (!context) throw notFound('CAMERA_NOT_FOUND', `camera: no camera ${body.camera} in this token's area`);
  const { camera, category, area, tier } = context;
  if (viewer.cameraId !== null && viewer.cameraId !== camera.id)
    throw forbidden(`camera: this token belongs to another camera than ${body.camera}`);
  if (camera.status === 'retired') throw conflict('CAMERA_RETIRED', `camera: ${body.camera} is retired`);
  const occurredAt = new Date(body.occurredAt);
  if (occurredAt.getTime() > now.getTime() + CLOCK_SKEW_MS)
    throw invalid('ALERT_TIME_INVALID', 'occurredAt lies in the future (check the device clock)', [
      { field: 'occurredAt', code: 'timeInFuture', message: 'is in the future' },
    ]);

  const externalId = body.externalId ?? null;
  const details = body.details ? JSON.stringify(body.details) : null;
  const title = `${camera.name}：${ALERT_TITLE[body.kind]}`;
  // Why no event can be opened, should the alert need one (a merge or a resend does not).
  const refusal =
    !category || category.retired
      ? conflict(
          'EVENT_CATEGORY_MISSING',
          `The category ${ALERT_CATEGORY[body.kind]} for ${body.kind} alerts is missing or retired`,
        )
      : !area || area.retired
        ? notFound('AREA_NOT_FOUND', `areaId: area ${camera.area_id} does not exist or is outside your area`)
        : !area.path.startsWith(viewer.areaPath)
          ? forbidden('Events from device need a device token of an area holding the event')
          : !tier
            ? invalid(
                'EVENT_AREA_TOO_HIGH',
                `Area ${area.path} lies under no tier area; choose a district or lower`,
                [{ field: 'areaId', code: 'wrongLevel', message: 'lies under no tier area' }],
              )
            : null;

  let open: Parameters<typeof writeAlert>[1]['open'] = null;
  if (refusal === null && category && area && tier) {
    const status = startingStatus('device');
    const step = STEP_OF[status]!;
    const limit = limitOf(category.own_limits, category.parent_limits, step);
    const clock = {
      step,
      step_started_at: now,
      step_deadline: deadlineFor(now, limit, calendarOf(context.calendar)),
    };
    const input = {
      source: 'device' as const,
      categoryId: category.id,
      areaId: area.id,
      title,
      description: details,
      address: camera.name,
      lng: camera.lng,
      lat: camera.lat,
      alert: { cameraId: camera.id, kind: body.kind, at: occurredAt },
    };
    const tierArea = { tier: tier.tier, name: tier.name };
    open = {
      codePrefix: `EV${chinaDate(now).replaceAll('-', '')}`,
      tier: tier.tier,
      tierAreaId: tier.area_id,
      columns: eventColumns(input, {
        category,
        area,
        status,
        clock,
        now,
        name: null,
        phone: null,
        feedbackTokenHash: null,
      }),
      steps: openingSteps(viewer, 'device', status, tierArea, now),
      notice: {
        kind: 'event.new',
        priority: newEventPriority('device'),
        codeMarker: CODE_MARKER,
        // Each in their own language (notifyInTheirLanguage), who may read the event (its read rule).
        recipients: context.recipients.map((r) => {
          const locale = localeOf(r.locale) ?? DEFAULT_LOCALE;
          return {
            userId: r.user_id,
            title: notificationText(locale, 'eventNew', { code: CODE_MARKER, title: title.trim() }),
            body: `${locale === 'en' ? category.name_en : category.name_zh} · ${area.name}`,
          };
        }),
        outbox: options.outbox,
      },
    };
  }

  const written = await writeAlert(db, {
    cameraId: camera.id,
    kind: body.kind,
    externalId,
    occurredAt,
    now,
    mergeSince: new Date(occurredAt.getTime() - options.mergeWindowSeconds * 1000),
    details,
    alertStep: {
      actor_name: `设备:${camera.name}`,
      note: `重复告警已合并（${ALERT_TITLE[body.kind]}）`,
      details: JSON.stringify({ occurredAt: occurredAt.toISOString(), externalId, ...(body.details ?? {}) }),
    },
    open,
  });
  if (written.outcome === 'cannot_open') throw refusal ?? new Error('device alert: no event opened');
  return { eventId: written.event_id, code: written.code, merged: written.merged };
}
