import { recordAudit } from '../audit/repository.js';
import type { Actor, Db } from '../auth/context.js';
import { can, type Viewer } from '../auth/scope.js';
import { conflict, forbidden, invalid, notFound } from '../core/errors.js';
import { healthRules } from '../health/rules/settings.js';
import type { LookupBudget } from '../register/lookup-budget.js';
import * as repo from './duty-repository.js';
import type {
  DutyCheckpoint,
  DutySignInBody,
  DutySignInResult,
  DutySignOutBody,
  DutyView,
  Handover,
  MyDuty,
} from './duty-schema.js';

export const CHECKPOINT_NOT_FOUND = (id: number) =>
  notFound('CHECKPOINT_NOT_FOUND', `Checkpoint ${id} does not exist or is not one you may staff`);

/**
 * Who may act at a checkpoint (sign in on duty, identify, record crossings): a user holding
 * checkpoint.check in the checkpoint's subtree, or a member of the checkpoint's team. The one rule;
 * `staffableBy` in duty-repository.ts is the same rule as SQL for lists.
 */
export async function mayStaff(
  db: Db,
  viewer: Viewer,
  checkpoint: Pick<repo.CheckpointRow, 'area_path' | 'team_id'>,
): Promise<boolean> {
  if (viewer.kind !== 'user') return false;
  if (can(viewer, 'checkpoint.check', checkpoint.area_path)) return true;
  return checkpoint.team_id !== null && (await repo.isTeamMember(db, viewer.userId, checkpoint.team_id));
}

/** The checkpoint, if the actor may act there and it is not retired; else 404 (it stays invisible). */
export async function staffableCheckpoint(db: Db, actor: Actor, id: number): Promise<repo.CheckpointRow> {
  const checkpoint = await repo.findCheckpoint(db, id);
  if (!checkpoint || checkpoint.retired_at || !(await mayStaff(db, actor.viewer, checkpoint)))
    throw CHECKPOINT_NOT_FOUND(id);
  return checkpoint;
}

function userOf(actor: Actor) {
  if (actor.viewer.kind !== 'user') throw forbidden('Duty is for signed-in users');
  return actor.viewer;
}

/** lng and lat come together or not at all; accuracy only with a point. */
function position(body: {
  lng?: number | undefined;
  lat?: number | undefined;
  accuracyM?: number | undefined;
}) {
  const lng = body.lng ?? null;
  const lat = body.lat ?? null;
  if ((lng === null) !== (lat === null)) {
    const field = lng === null ? 'body.lng' : 'body.lat';
    throw invalid('BAD_REQUEST', `${field}: give longitude and latitude together`, [
      { field, code: 'required' },
    ]);
  }
  return { lng, lat, accuracyM: lng === null ? null : (body.accuracyM ?? null) };
}

export function presentDuty(row: repo.DutyRow): DutyView {
  return {
    id: row.id,
    checkpoint: { id: row.checkpoint_id, name: row.checkpoint_name },
    signedInAt: row.signed_in_at.toISOString(),
    signedOutAt: row.signed_out_at?.toISOString() ?? null,
    position:
      row.sign_in_lng !== null && row.sign_in_lat !== null
        ? { lng: row.sign_in_lng, lat: row.sign_in_lat, accuracyM: row.sign_in_accuracy_m }
        : null,
    handoverNote: row.handover_note,
    shiftId: row.shift_id,
  };
}

async function handoverAt(db: Db, checkpointId: number): Promise<Handover | null> {
  const row = await repo.lastHandover(db, checkpointId);
  return row ? { note: row.handover_note, by: row.user_name, at: row.signed_out_at.toISOString() } : null;
}

/**
 * Signs the user in on duty at the checkpoint (in the caller's transaction). One open duty per
 * person: signing in elsewhere signs out there first (no hand-over note); signing in again where
 * already on duty answers the open duty unchanged.
 */
export async function signIn(
  db: Db,
  actor: Actor,
  checkpointId: number,
  body: DutySignInBody,
): Promise<DutySignInResult> {
  const user = userOf(actor);
  const checkpoint = await staffableCheckpoint(db, actor, checkpointId);
  const point = position(body);
  const now = actor.now();
  await repo.lockUserDuty(db, user.userId);
  const open = await repo.openDutyOf(db, user.userId);
  if (open?.checkpoint_id === checkpoint.id)
    return { duty: presentDuty(open), closed: null, lastHandover: await handoverAt(db, checkpoint.id) };
  let closed: DutyView | null = null;
  if (open) {
    await repo.closeDuty(db, open.id, { at: now, lng: point.lng, lat: point.lat, note: null });
    closed = presentDuty(await repo.findDuty(db, open.id));
  }
  const id = await repo.insertDuty(db, {
    checkpointId: checkpoint.id,
    userId: user.userId,
    userName: user.displayName,
    shiftId: await repo.currentShift(db, checkpoint.id, user.userId, now),
    at: now,
    ...point,
  });
  await recordAudit(db, actor, {
    action: 'checkpoint.duty_sign_in',
    entityType: 'checkpoint',
    entityId: checkpoint.id,
    areaPath: checkpoint.area_path,
    after: {
      dutyId: id,
      lng: point.lng,
      lat: point.lat,
      accuracyM: point.accuracyM,
      closedDutyId: open?.id ?? null,
    },
  });
  return {
    duty: presentDuty(await repo.findDuty(db, id)),
    closed,
    lastHandover: await handoverAt(db, checkpoint.id),
  };
}

export const NOT_ON_DUTY = (checkpointId: number) =>
  conflict('DUTY_NOT_SIGNED_IN', `You are not signed in on duty at checkpoint ${checkpointId}`);

/** Signs the user out of their open duty at the checkpoint, leaving a hand-over note. */
export async function signOut(
  db: Db,
  actor: Actor,
  checkpointId: number,
  body: DutySignOutBody,
): Promise<DutyView> {
  const user = userOf(actor);
  const checkpoint = await staffableCheckpoint(db, actor, checkpointId);
  const point = position(body);
  await repo.lockUserDuty(db, user.userId);
  const open = await repo.openDutyOf(db, user.userId);
  if (open?.checkpoint_id !== checkpoint.id) throw NOT_ON_DUTY(checkpoint.id);
  const note = body.handoverNote?.trim() || null;
  await repo.closeDuty(db, open.id, { at: actor.now(), lng: point.lng, lat: point.lat, note });
  await recordAudit(db, actor, {
    action: 'checkpoint.duty_sign_out',
    entityType: 'checkpoint',
    entityId: checkpoint.id,
    areaPath: checkpoint.area_path,
    after: { dutyId: open.id, handoverNote: note },
  });
  return presentDuty(await repo.findDuty(db, open.id));
}

/** The user's open duty at the checkpoint, or 409 DUTY_NOT_SIGNED_IN: what recording a crossing needs. */
export async function requireDutyAt(db: Db, actor: Actor, checkpointId: number): Promise<repo.DutyRow> {
  const user = userOf(actor);
  const open = await repo.openDutyOf(db, user.userId);
  if (open?.checkpoint_id !== checkpointId) throw NOT_ON_DUTY(checkpointId);
  return open;
}

/** My open duty and the checkpoints I may staff. */
export async function myDuty(db: Db, actor: Actor): Promise<MyDuty> {
  const user = userOf(actor);
  const [open, rows] = await Promise.all([
    repo.openDutyOf(db, user.userId),
    repo.staffableCheckpoints(db, actor.viewer),
  ]);
  const checkpoints: DutyCheckpoint[] = rows.map((c) => ({
    id: c.id,
    code: c.code,
    name: c.name,
    kind: c.kind,
    area: { id: c.area_id, name: c.area_name },
    lng: c.lng,
    lat: c.lat,
    teamId: c.team_id,
    rules: {
      checkTemperature: c.check_temperature,
      checkHealthCode: c.check_health_code,
      testWithinHours: c.test_within_hours,
      passRequired: c.pass_required,
      residentsOnly: c.residents_only,
      feverThreshold: healthRules().feverThreshold,
    },
    onDuty: Number(c.on_duty ?? 0),
  }));
  return {
    duty: open ? presentDuty(open) : null,
    checkpoints,
    lastHandover: open ? await handoverAt(db, open.checkpoint_id) : null,
  };
}

/** The gate's larger budget while the caller is signed in on duty at this checkpoint, else the register's. */
export async function gateBudgetOf(db: Db, actor: Actor, checkpointId: number): Promise<LookupBudget> {
  if (actor.viewer.kind !== 'user') return 'register';
  const duty = await repo.openDutyOf(db, actor.viewer.userId);
  return duty?.checkpoint_id === checkpointId ? 'gate' : 'register';
}
