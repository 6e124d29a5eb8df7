import { recordAudit } from '../audit/repository.js';
import { holdsRoleInOrAbove } from '../auth/repository.js';
import type { Actor, Db } from '../auth/context.js';
import { conflict, invalid, notFound } from '../core/errors.js';
import type { OpeningSpan } from '../db/schema.js';
import { notificationText } from '../i18n/notifications.js';
import { notifyInTheirLanguage } from '../notifications/notify.js';
import { findTeamInScope } from '../teams/repository.js';
import * as registry from './registry-repository.js';
import * as repo from './rota-repository.js';
import type { ShiftBody, ShiftQuery, ShiftView, StaffingDetail, StaffingView } from './rota-schema.js';

const MINUTE_MS = 60_000;
const DAY_MS = 24 * 60 * MINUTE_MS;
/** Opening hours and days are China time (UTC+8, no daylight saving). */
const CST_OFFSET_MS = 8 * 60 * MINUTE_MS;

const minutesOf = (hhmm: string) => Number(hhmm.slice(0, 2)) * 60 + Number(hhmm.slice(3, 5));

/** Whether a checkpoint with these hours (null: around the clock) is open at `at`. */
export function isOpenAt(hours: readonly OpeningSpan[] | null, at: Date): boolean {
  if (hours === null || hours.length === 0) return true;
  const local = new Date(at.getTime() + CST_OFFSET_MS);
  const minute = local.getUTCHours() * 60 + local.getUTCMinutes();
  return hours.some(({ from, to }) => {
    const start = minutesOf(from);
    const end = minutesOf(to);
    // A span whose end is not after its start runs past midnight.
    return start < end ? minute >= start && minute < end : minute >= start || minute < end;
  });
}

/** The state a big screen colours a checkpoint by. */
export function staffingState(
  checkpoint: { hours: readonly OpeningSpan[] | null; retired_at: Date | null },
  inputs: { required: number; on_duty: number; gap_since: Date | null } | undefined,
  now: Date,
): StaffingView {
  const open = checkpoint.retired_at === null && isOpenAt(checkpoint.hours, now);
  const required = inputs?.required ?? 0;
  const onDuty = inputs?.on_duty ?? 0;
  const state = !open
    ? 'closed'
    : required === 0
      ? onDuty > 0
        ? 'staffed'
        : 'unscheduled'
      : onDuty === 0
        ? 'gap'
        : onDuty < required
          ? 'short'
          : 'staffed';
  return {
    state,
    open,
    required: open ? required : 0,
    onDuty,
    gapSince: inputs?.gap_since ? inputs.gap_since.toISOString() : null,
  };
}

/** The staffing state of each of the checkpoints, now, in two statements whatever their number. */
export async function staffingOf(
  db: Db,
  checkpoints: ReadonlyArray<{ id: number; hours: OpeningSpan[] | null; retired_at: Date | null }>,
  now: Date,
): Promise<Map<number, StaffingView>> {
  const inputs = new Map(
    (
      await repo.staffingInputs(
        db,
        checkpoints.map((c) => c.id),
        now,
      )
    ).map((r) => [
      r.id,
      { required: Number(r.required ?? 0), on_duty: Number(r.on_duty ?? 0), gap_since: r.gap_since ?? null },
    ]),
  );
  return new Map(checkpoints.map((c) => [c.id, staffingState(c, inputs.get(c.id), now)]));
}

const CHECKPOINT_NOT_FOUND = (id: number) =>
  notFound('CHECKPOINT_NOT_FOUND', `Checkpoint ${id} does not exist or is outside your area`);

async function checkpointIn(
  db: Db,
  actor: Actor,
  right: 'checkpoint.read' | 'checkpoint.manage',
  id: number,
) {
  const row = await registry.findCheckpointInScope(db, actor.viewer, right, id);
  if (!row) throw CHECKPOINT_NOT_FOUND(id);
  return row;
}

async function presentShifts(db: Db, rows: repo.ShiftRow[]): Promise<ShiftView[]> {
  const names = await repo.userNames(
    db,
    rows.flatMap((r) => r.user_ids),
  );
  return rows.map((r) => ({
    id: r.id,
    checkpointId: r.checkpoint_id,
    startsAt: r.starts_at.toISOString(),
    endsAt: r.ends_at.toISOString(),
    team: r.team_id === null ? null : { id: r.team_id, name: r.team_name ?? '' },
    users: r.user_ids.map((id) => ({ id, name: names.get(id) ?? '' })),
    minStaff: r.min_staff,
    note: r.note,
    createdBy: r.created_by,
  }));
}

/** Midnight (China time) of the Monday of the week `at` falls in. */
export function mondayOf(at: Date): Date {
  const local = new Date(at.getTime() + CST_OFFSET_MS);
  const midnight = Date.UTC(local.getUTCFullYear(), local.getUTCMonth(), local.getUTCDate()) - CST_OFFSET_MS;
  const weekday = (local.getUTCDay() + 6) % 7;
  return new Date(midnight - weekday * DAY_MS);
}

/** The shifts of a checkpoint over a week (or `days`) from a China-time day, default this Monday. */
export async function listShifts(db: Db, actor: Actor, checkpointId: number, query: ShiftQuery) {
  await checkpointIn(db, actor, 'checkpoint.read', checkpointId);
  const from = query.from
    ? new Date(Date.parse(`${query.from}T00:00:00Z`) - CST_OFFSET_MS)
    : mondayOf(actor.now());
  const to = new Date(from.getTime() + (query.days ?? 7) * DAY_MS);
  const rows = await repo.shiftsBetween(db, checkpointId, from, to);
  return { from: from.toISOString(), to: to.toISOString(), items: await presentShifts(db, rows) };
}

/** Adds a shift: a team in scope and/or named people who work in the checkpoint's area. */
export async function addShift(
  db: Db,
  actor: Actor,
  checkpointId: number,
  body: ShiftBody,
): Promise<ShiftView> {
  const checkpoint = await checkpointIn(db, actor, 'checkpoint.manage', checkpointId);
  if (checkpoint.retired_at) throw conflict('CHECKPOINT_RETIRED', `Checkpoint ${checkpointId} is retired`);
  const startsAt = new Date(body.startsAt);
  const endsAt = new Date(body.endsAt);
  if (endsAt <= startsAt)
    throw invalid('VALIDATION_FAILED', 'body.endsAt must be after body.startsAt', [
      {
        field: 'body.endsAt',
        code: 'before',
        params: { limit: 'startsAt' },
        message: 'must be after startsAt',
      },
    ]);
  if (endsAt.getTime() - startsAt.getTime() > DAY_MS)
    throw invalid('VALIDATION_FAILED', 'body.endsAt: a shift lasts at most 24 hours', [
      {
        field: 'body.endsAt',
        code: 'periodTooLong',
        params: { days: 1 },
        message: 'a shift lasts at most 24 hours',
      },
    ]);
  const userIds = body.userIds ?? [];
  if (body.teamId === undefined && userIds.length === 0)
    throw invalid('VALIDATION_FAILED', 'body.teamId or body.userIds is required', [
      {
        field: 'body.teamId',
        code: 'requiredOr',
        params: { other: 'userIds' },
        message: 'or body.userIds is required',
      },
    ]);
  if (body.teamId !== undefined) {
    const team = await findTeamInScope(db, actor.viewer, 'checkpoint.read', body.teamId);
    if (!team || team.retired_at)
      throw notFound(
        'TEAM_NOT_FOUND',
        `body.teamId: team ${body.teamId} does not exist or is outside your area`,
      );
  }
  const active = await repo.activeUserIds(db, userIds);
  for (const [i, userId] of userIds.entries()) {
    if (!active.has(userId) || !(await holdsRoleInOrAbove(db, userId, checkpoint.area_path)))
      throw invalid(
        'USER_NOT_IN_AREA',
        `body.userIds/${i}: user ${userId} holds no role at this checkpoint`,
        [
          {
            field: `body.userIds/${i}`,
            code: 'noRoleInArea',
            message: 'holds no role in this area, below it or above it',
          },
        ],
      );
  }
  const id = await repo.insertShift(db, {
    checkpoint_id: checkpointId,
    starts_at: startsAt,
    ends_at: endsAt,
    team_id: body.teamId ?? null,
    user_ids: userIds,
    min_staff: body.minStaff ?? 1,
    note: body.note?.trim() || null,
    created_by: actor.viewer.kind === 'user' ? actor.viewer.username : 'system',
    created_at: actor.now(),
  });
  await recordAudit(db, actor, {
    action: 'checkpoint.shift.create',
    entityType: 'checkpoint',
    entityId: checkpointId,
    areaPath: checkpoint.area_path,
    after: { shiftId: id, ...body },
  });
  const [row] = await repo
    .shiftsBetween(db, checkpointId, startsAt, endsAt)
    .then((rows) => rows.filter((r) => r.id === id));
  return (await presentShifts(db, [row!]))[0]!;
}

export async function removeShift(db: Db, actor: Actor, shiftId: number): Promise<void> {
  const shift = await repo.findShiftInScope(db, actor.viewer, 'checkpoint.manage', shiftId);
  if (!shift)
    throw notFound('CHECKPOINT_SHIFT_NOT_FOUND', `Shift ${shiftId} does not exist or is outside your area`);
  await repo.deleteShift(db, shiftId);
  await recordAudit(db, actor, {
    action: 'checkpoint.shift.delete',
    entityType: 'checkpoint',
    entityId: shift.checkpoint_id,
    areaPath: shift.area_path,
    before: {
      shiftId,
      startsAt: shift.starts_at.toISOString(),
      endsAt: shift.ends_at.toISOString(),
      teamId: shift.team_id,
      userIds: shift.user_ids,
    },
  });
}

/** Who is on duty at a checkpoint now, the shifts running and its state. */
export async function staffingDetail(db: Db, actor: Actor, checkpointId: number): Promise<StaffingDetail> {
  const checkpoint = await checkpointIn(db, actor, 'checkpoint.read', checkpointId);
  const now = actor.now();
  const [states, duty, shifts] = await Promise.all([
    staffingOf(db, [checkpoint], now),
    repo.openDuty(db, checkpointId),
    repo.shiftsBetween(db, checkpointId, now, new Date(now.getTime() + 1)),
  ]);
  return {
    staffing: states.get(checkpointId)!,
    onDuty: duty.map((d) => ({
      id: d.id,
      userId: d.user_id,
      userName: d.user_name,
      signedInAt: d.signed_in_at.toISOString(),
      shiftId: d.shift_id,
    })),
    shiftsNow: await presentShifts(db, shifts),
  };
}

const formatTime = (at: Date) => new Date(at.getTime() + CST_OFFSET_MS).toISOString().slice(11, 16);

/**
 * The staffing job: opens a gap for each checkpoint due with nobody signed in, alerting its team
 * leader once (when the gap opens, deduplicated by the gap's id), and closes the gaps of
 * checkpoints staffed again, closed or no longer due. Run every minute; a second run changes nothing.
 */
export async function watchStaffingGaps(db: Db, now: Date): Promise<{ opened: number[]; closed: number[] }> {
  const live = await repo.liveCheckpoints(db);
  const states = await staffingOf(db, live, now);
  const inGap = live.filter((c) => states.get(c.id)!.state === 'gap');
  const closed = await repo.closeGapsExcept(
    db,
    inGap.map((c) => c.id),
    now,
  );
  const opened: number[] = [];
  for (const checkpoint of inGap) {
    const staffing = states.get(checkpoint.id)!;
    const gapId = await repo.openGap(db, {
      checkpointId: checkpoint.id,
      areaPath: checkpoint.area_path,
      startedAt: now,
      required: staffing.required,
      leaderUserId: checkpoint.leader_user_id,
    });
    if (gapId === undefined) continue;
    opened.push(gapId);
    if (checkpoint.leader_user_id === null) continue;
    const params = {
      name: checkpoint.name,
      code: checkpoint.code,
      required: staffing.required,
      since: formatTime(now),
    };
    await notifyInTheirLanguage(db, {
      userIds: [checkpoint.leader_user_id],
      kind: 'checkpoint.staffing_gap',
      priority: 'urgent',
      title: (locale) => notificationText(locale, 'checkpointStaffingGap', params),
      body: (locale) => notificationText(locale, 'checkpointStaffingGapBody', params),
      link: `/checkpoints/${checkpoint.id}`,
      readRule: registry.CHECKPOINT_READ_RULE,
      entityId: checkpoint.id,
      dedupeKey: `checkpoint-gap:${gapId}`,
      now,
    });
  }
  return { opened, closed };
}
