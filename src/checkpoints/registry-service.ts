import { recordAudit } from '../audit/repository.js';
import type { Actor, Db } from '../auth/context.js';
import { conflict, invalid, notFound } from '../core/errors.js';
import type { PageOf } from '../core/pagination.js';
import type { OpeningSpan } from '../db/schema.js';
import { findAreaInScope } from '../hierarchy/repository.js';
import { issueOne } from '../household-codes/code-service.js';
import { communitiesOf } from '../household-codes/repository.js';
import type { CodeView } from '../household-codes/schema.js';
import { scanUrl } from '../household-codes/tokens.js';
import { insertPlace } from '../place-codes/repository.js';
import { FieldDecryptionError, type FieldCipher } from '../privacy/field-crypto.js';
import { findTeamInScope } from '../teams/repository.js';
import * as repo from './registry-repository.js';
import type { CheckpointBody, CheckpointPatch, CheckpointQuery, CheckpointView } from './registry-schema.js';
import type { StaffingView } from './rota-schema.js';
import { staffingOf } from './rota-service.js';

export const CHECKPOINT_NOT_FOUND = (id: number) =>
  notFound('CHECKPOINT_NOT_FOUND', `Checkpoint ${id} does not exist or is outside your area`);

export function presentCheckpoint(row: repo.CheckpointRow, staffing: StaffingView): CheckpointView {
  return {
    id: row.id,
    code: row.code,
    name: row.name,
    kind: row.kind,
    area: { id: row.area_id, code: row.area_code, name: row.area_name, path: row.area_path },
    lng: row.lng,
    lat: row.lat,
    team:
      row.team_id === null
        ? null
        : { id: row.team_id, name: row.team_name ?? '', leaderName: row.leader_name },
    hours: row.hours,
    checkTemperature: row.check_temperature,
    checkHealthCode: row.check_health_code,
    testWithinHours: row.test_within_hours,
    passRequired: row.pass_required,
    residentsOnly: row.residents_only,
    placeId: row.place_id,
    retiredAt: row.retired_at?.toISOString() ?? null,
    createdAt: row.created_at.toISOString(),
    updatedAt: row.updated_at.toISOString(),
    staffing,
  };
}

const minutesOf = (hhmm: string) => Number(hhmm.slice(0, 2)) * 60 + Number(hhmm.slice(3, 5));

/** The opening spans as minute ranges of a week-less day: a span past midnight is split in two. */
function checkedHours(hours: OpeningSpan[] | null | undefined): OpeningSpan[] | null {
  if (!hours) return null;
  const ranges: Array<[number, number, number]> = [];
  hours.forEach(({ from, to }, i) => {
    const start = minutesOf(from);
    const end = minutesOf(to);
    if (start === end)
      throw invalid('CHECKPOINT_HOURS_INVALID', `body.hours/${i}: from and to are the same (${from})`, [
        { field: `body.hours/${i}/to`, code: 'invalid', message: 'must differ from from' },
      ]);
    if (start < end) ranges.push([start, end, i]);
    else ranges.push([start, 24 * 60, i], [0, end, i]);
  });
  ranges.sort((a, b) => a[0] - b[0]);
  for (let k = 1; k < ranges.length; k++) {
    const [start, , i] = ranges[k]!;
    if (start < ranges[k - 1]![1] && ranges[k - 1]![2] !== i)
      throw invalid('CHECKPOINT_HOURS_INVALID', `body.hours/${i}: overlaps another span`, [
        { field: `body.hours/${i}/from`, code: 'invalid', message: 'overlaps another span' },
      ]);
  }
  return hours.map(({ from, to }) => ({ from, to }));
}

async function checkedTeam(db: Db, actor: Actor, teamId: number | null | undefined): Promise<number | null> {
  if (teamId === undefined || teamId === null) return null;
  const team = await findTeamInScope(db, actor.viewer, 'checkpoint.manage', teamId);
  if (!team || team.retired_at)
    throw notFound('TEAM_NOT_FOUND', `body.teamId: team ${teamId} does not exist or is outside your area`);
  return team.id;
}

async function checkedCode(db: Db, code: string, exceptId?: number): Promise<string> {
  if (await repo.codeTaken(db, code, exceptId))
    throw conflict('CHECKPOINT_CODE_TAKEN', `body.code: checkpoint code ${code} is already in use`, [
      { field: 'body.code', code: 'taken', message: 'is already in use' },
    ]);
  return code;
}

async function withStaffing(db: Db, actor: Actor, rows: repo.CheckpointRow[]): Promise<CheckpointView[]> {
  const states = await staffingOf(db, rows, actor.now());
  return rows.map((row) => presentCheckpoint(row, states.get(row.id)!));
}

async function checkpointIn(
  db: Db,
  actor: Actor,
  right: 'checkpoint.read' | 'checkpoint.manage',
  id: number,
) {
  const row = await repo.findCheckpointInScope(db, actor.viewer, right, id);
  if (!row) throw CHECKPOINT_NOT_FOUND(id);
  return row;
}

export async function getCheckpoint(db: Db, actor: Actor, id: number): Promise<CheckpointView> {
  return (await withStaffing(db, actor, [await checkpointIn(db, actor, 'checkpoint.read', id)]))[0]!;
}

export async function listCheckpoints(
  db: Db,
  actor: Actor,
  query: CheckpointQuery,
): Promise<PageOf<CheckpointView>> {
  let withinPath: string | undefined;
  if (query.within !== undefined) {
    const area = await findAreaInScope(db, actor.viewer, 'checkpoint.read', query.within);
    if (!area)
      throw notFound('AREA_NOT_FOUND', `Area ${query.within} does not exist or is outside your area`);
    withinPath = area.path;
  }
  const page = await repo.listCheckpoints(db, actor.viewer, { ...query, withinPath });
  return { ...page, items: await withStaffing(db, actor, page.items) };
}

/**
 * A checkpoint with its place (场所码) for visitors, issued at once through the place codes: the
 * scan URL is answered this once; the label is printed from it later (placeCodeLabel).
 */
export async function createCheckpoint(
  db: Db,
  actor: Actor,
  cipher: FieldCipher,
  body: CheckpointBody,
  baseUrl: string,
): Promise<{ checkpoint: CheckpointView; placeCode: CodeView }> {
  const area = await findAreaInScope(db, actor.viewer, 'checkpoint.manage', body.areaId);
  if (!area || area.retired_at)
    throw notFound(
      'AREA_NOT_FOUND',
      `body.areaId: area ${body.areaId} does not exist or is outside your area`,
    );
  const code = await checkedCode(db, body.code);
  const hours = checkedHours(body.hours);
  const teamId = await checkedTeam(db, actor, body.teamId);
  const now = actor.now();
  const name = body.name.trim();
  const placeId = await insertPlace(db, {
    area_id: area.id,
    area_path: area.path,
    unit_id: null,
    name,
    kind: 'gate',
    address: null,
    created_at: now,
    updated_at: now,
  });
  const id = await repo.insertCheckpoint(db, {
    area_id: area.id,
    area_path: area.path,
    code,
    name,
    kind: body.kind,
    lng: body.lng ?? null,
    lat: body.lat ?? null,
    team_id: teamId,
    hours: hours === null ? null : JSON.stringify(hours),
    check_temperature: body.checkTemperature ?? true,
    check_health_code: body.checkHealthCode ?? true,
    test_within_hours: body.testWithinHours ?? null,
    pass_required: body.passRequired ?? false,
    residents_only: body.residentsOnly ?? false,
    place_id: placeId,
    created_at: now,
    updated_at: now,
  });
  await recordAudit(db, actor, {
    action: 'checkpoint.create',
    entityType: 'checkpoint',
    entityId: id,
    areaPath: area.path,
    after: { ...body, placeId },
  });
  const placeCode = await issueOne(
    db,
    actor,
    cipher,
    'place',
    { houseId: null, placeId, areaId: area.id, areaPath: area.path },
    baseUrl,
  );
  return { checkpoint: await getCheckpoint(db, actor, id), placeCode };
}

export async function updateCheckpoint(
  db: Db,
  actor: Actor,
  id: number,
  patch: CheckpointPatch,
): Promise<CheckpointView> {
  const before = await checkpointIn(db, actor, 'checkpoint.manage', id);
  if (before.retired_at) throw conflict('CHECKPOINT_RETIRED', `Checkpoint ${id} is retired`);
  const set: Parameters<typeof repo.updateCheckpoint>[2] = { updated_at: actor.now() };
  if (patch.code !== undefined) set.code = await checkedCode(db, patch.code, id);
  if (patch.name !== undefined) set.name = patch.name.trim();
  if (patch.kind !== undefined) set.kind = patch.kind;
  if (patch.lng !== undefined) set.lng = patch.lng;
  if (patch.lat !== undefined) set.lat = patch.lat;
  if (patch.teamId !== undefined) set.team_id = await checkedTeam(db, actor, patch.teamId);
  if (patch.hours !== undefined) {
    const hours = checkedHours(patch.hours);
    set.hours = hours === null ? null : JSON.stringify(hours);
  }
  if (patch.checkTemperature !== undefined) set.check_temperature = patch.checkTemperature;
  if (patch.checkHealthCode !== undefined) set.check_health_code = patch.checkHealthCode;
  if (patch.testWithinHours !== undefined) set.test_within_hours = patch.testWithinHours;
  if (patch.passRequired !== undefined) set.pass_required = patch.passRequired;
  if (patch.residentsOnly !== undefined) set.residents_only = patch.residentsOnly;
  await repo.updateCheckpoint(db, id, set);
  // The visitors' place carries the gate's name on its scan page.
  if (patch.name !== undefined && before.place_id !== null)
    await repo.updatePlace(db, before.place_id, { name: set.name!, updated_at: actor.now() });
  await recordAudit(db, actor, {
    action: 'checkpoint.update',
    entityType: 'checkpoint',
    entityId: id,
    areaPath: before.area_path,
    before: presentCheckpoint(before, {
      state: 'closed',
      open: false,
      required: 0,
      onDuty: 0,
      gapSince: null,
    }),
    after: patch,
  });
  return getCheckpoint(db, actor, id);
}

/** Retires a checkpoint and its place: its code stops working, its records stay for the figures. */
export async function retireCheckpoint(db: Db, actor: Actor, id: number): Promise<CheckpointView> {
  const row = await checkpointIn(db, actor, 'checkpoint.manage', id);
  if (row.retired_at) throw conflict('CHECKPOINT_RETIRED', `Checkpoint ${id} is retired already`);
  const now = actor.now();
  await repo.updateCheckpoint(db, id, { retired_at: now, updated_at: now });
  if (row.place_id !== null) await repo.updatePlace(db, row.place_id, { retired_at: now, updated_at: now });
  await recordAudit(db, actor, {
    action: 'checkpoint.retire',
    entityType: 'checkpoint',
    entityId: id,
    areaPath: row.area_path,
  });
  return getCheckpoint(db, actor, id);
}

/** A new place code for the checkpoint (the old one stops working); the scan URL is answered once. */
export async function reissuePlaceCode(
  db: Db,
  actor: Actor,
  cipher: FieldCipher,
  id: number,
  baseUrl: string,
): Promise<CodeView> {
  const row = await checkpointIn(db, actor, 'checkpoint.manage', id);
  if (row.retired_at) throw conflict('CHECKPOINT_RETIRED', `Checkpoint ${id} is retired`);
  let placeId = row.place_id;
  if (placeId === null) {
    const now = actor.now();
    placeId = await insertPlace(db, {
      area_id: row.area_id,
      area_path: row.area_path,
      unit_id: null,
      name: row.name,
      kind: 'gate',
      address: null,
      created_at: now,
      updated_at: now,
    });
    await repo.updateCheckpoint(db, id, { place_id: placeId, updated_at: now });
  }
  return issueOne(
    db,
    actor,
    cipher,
    'place',
    { houseId: null, placeId, areaId: row.area_id, areaPath: row.area_path },
    baseUrl,
  );
}

/** What the printed label of the checkpoint's place code shows; printing shows the token, so it is audited. */
export async function placeCodeLabel(db: Db, actor: Actor, cipher: FieldCipher, id: number, baseUrl: string) {
  const row = await checkpointIn(db, actor, 'checkpoint.manage', id);
  const code =
    row.place_id === null || row.retired_at ? undefined : await repo.activePlaceCode(db, row.place_id);
  let token: string | null = null;
  if (code) {
    try {
      token = cipher.decrypt(code.token_secret);
    } catch (error) {
      if (!(error instanceof FieldDecryptionError)) throw error;
    }
  }
  if (token === null)
    throw conflict('CHECKPOINT_PLACE_CODE_MISSING', `Checkpoint ${id} has no active place code; issue one`);
  await recordAudit(db, actor, {
    action: 'access_code.labels',
    entityType: 'access_code',
    entityId: code!.id,
    areaPath: row.area_path,
    after: { checkpointId: id, placeId: row.place_id },
  });
  const community = (await communitiesOf(db, [row.area_path])).get(row.area_path) ?? null;
  return {
    code: row.code,
    // Printed in Chinese, as every door label is: it hangs at a Chinese gate.
    label: {
      url: scanUrl(baseUrl, 'place', token),
      address: row.name,
      community,
      houseId: row.place_id!,
      heading: '场所码 · 卡口来访登记',
      instruction: '来访人员请扫码登记后通行',
      footer: `卡口编号 ${row.code} · 请勿撕毁`,
    },
  };
}
