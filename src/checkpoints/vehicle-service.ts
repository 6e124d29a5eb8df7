import { recordAudit } from '../audit/repository.js';
import type { Actor, Db } from '../auth/context.js';
import { can, type Viewer } from '../auth/scope.js';
import { forbidden, invalid, notFound } from '../core/errors.js';
import type { ErrorCode } from '../core/vocabulary.js';
import type { VehicleOccupant } from '../db/schema.js';
import type { FieldCipher } from '../privacy/field-crypto.js';
import { documentHashes, idNumberInClear } from '../privacy/protect.js';
import { LookupRateLimited, spendLookup } from '../register/lookup-budget.js';
import { checkedDocument } from '../register/person-service.js';
import { gateBudgetOf, mayStaff } from './duty-service.js';
import { type ParsedPlate, type PlateProblem, parsePlate } from './plate.js';
import * as repo from './vehicle-repository.js';
import type { RiskHit, VehicleRecordRow } from './vehicle-repository.js';
import type {
  CheckpointVehicles,
  RecentVehicles,
  RecentVehiclesQuery,
  RowReject,
  VehicleCheckBody,
  VehicleCheckResult,
  VehicleLookup,
  VehicleRecordView,
  VehicleRiskReason,
  VehicleTrailsBody,
  VehicleTrailsResult,
} from './vehicle-schema.js';

export interface VehicleOptions {
  /** "Checked once, known everywhere": how long a check is shown everywhere. */
  windowHours: number;
  /** How far back a vehicle's trail is compared with the current risk areas. */
  trailDays: number;
}

const HOUR = 3_600_000;
const DAY = 24 * HOUR;
const HISTORY_LIMIT = 20;
/** A device or feed clock a little ahead is tolerated; reads from the future are not. */
export const CLOCK_SKEW_MS = 5 * 60_000;

const PROBLEM_OF_PLATE: Readonly<
  Record<
    PlateProblem,
    { code: ErrorCode; problem: 'blank' | 'plateProvince' | 'plateFormat'; message: string }
  >
> = {
  PLATE_EMPTY: { code: 'PLATE_EMPTY', problem: 'blank', message: 'is empty' },
  PLATE_PROVINCE: {
    code: 'PLATE_PROVINCE',
    problem: 'plateProvince',
    message: 'does not start with a province',
  },
  PLATE_FORMAT: { code: 'PLATE_FORMAT', problem: 'plateFormat', message: 'is not a mainland plate' },
};

/** What is wrong with a plate, as an error code and a field problem naming the field. */
export function plateProblem(problem: PlateProblem, field: string) {
  const known = PROBLEM_OF_PLATE[problem];
  return { code: known.code, field, problem: known.problem, message: `${field} ${known.message}` };
}

/** The plate's normal form and kind, or a 400 naming the field. */
export function checkedPlate(input: string, field: string): Extract<ParsedPlate, { ok: true }> {
  const parsed = parsePlate(input);
  if (parsed.ok) return parsed;
  const p = plateProblem(parsed.problem, field);
  throw invalid(p.code, p.message, [{ field, code: p.problem, message: p.message }]);
}

export function presentReasons(hits: readonly RiskHit[]): VehicleRiskReason[] {
  const rank = { high: 0, medium: 1, low: 2 } as const;
  return [...hits]
    .sort((a, b) => rank[a.level] - rank[b.level] || b.at.getTime() - a.at.getTime())
    .map((h) => ({
      kind: h.kind,
      place: h.place,
      at: h.at.toISOString(),
      riskArea: h.risk_name,
      level: h.level,
    }));
}

/** The reason codes a flagged record keeps (translated on display as checkpoint.reason.*). */
export function reasonCodes(hits: readonly RiskHit[]): string[] {
  return [...new Set(hits.map((h) => `vehicle_risk_${h.kind}`))].sort();
}

/** A crossing as the viewer may see it: outside their area only where, when, what was decided and from where. */
export function presentVehicleRecord(row: VehicleRecordRow, viewer: Viewer): VehicleRecordView {
  const inScope = can(viewer, 'checkpoint.read', row.area_path);
  return {
    // bigserial: PGlite answers a number, PostgreSQL a string.
    id: String(row.id),
    checkpoint: { id: row.checkpoint_id, name: row.checkpoint_name },
    at: row.at.toISOString(),
    lastReadAt: row.last_read_at?.toISOString() ?? null,
    reads: row.reads,
    source: row.source,
    plate: row.plate ?? '',
    direction: row.direction,
    decision: row.decision,
    origin: row.origin,
    destination: inScope ? row.destination : null,
    cargo: inScope ? row.cargo : null,
    flagged: row.flagged,
    recordedBy: inScope ? row.recorded_by : null,
    occupants: inScope
      ? row.occupants.map((o) => ({
          role: o.role,
          documentMasked: o.documentMasked,
          known: o.personId !== null,
        }))
      : [],
    inScope,
  };
}

async function checkpointOr404(
  db: Db,
  viewer: Viewer,
  right: 'checkpoint.read' | 'checkpoint.check',
  id: number,
) {
  const checkpoint = await repo.findCheckpointInScope(db, viewer, right, id);
  if (checkpoint) return checkpoint;
  // The gate's rule: the checkpoint's own team staffs it, wherever its members' areas lie.
  const staffed = await repo.findCheckpoint(db, id);
  if (staffed && !staffed.retired_at && (await mayStaff(db, viewer, staffed))) return staffed;
  if (right === 'checkpoint.check' && (await repo.findCheckpointInScope(db, viewer, 'checkpoint.read', id)))
    throw forbidden('Recording checks here needs the right checkpoint.check at this checkpoint');
  throw notFound('CHECKPOINT_NOT_FOUND', `checkpoint ${id} does not exist or is outside your area`);
}

/** The plate's crossings in the window, its last staff check and its risk flag with reasons. */
async function vehicleState(
  db: Db,
  viewer: Viewer,
  plate: { plate: string; kind: string },
  now: Date,
  options: VehicleOptions,
): Promise<VehicleLookup> {
  const since = new Date(now.getTime() - options.windowHours * HOUR);
  const [history, last, hits] = await Promise.all([
    repo.plateHistory(db, plate.plate, since, HISTORY_LIMIT),
    repo.lastStaffCheck(db, plate.plate, since),
    repo.riskHits(db, {
      plates: [plate.plate],
      since: new Date(now.getTime() - options.trailDays * DAY),
      now,
    }),
  ]);
  return {
    plate: plate.plate,
    plateKind: plate.kind,
    windowHours: options.windowHours,
    lastCheck: last ? presentVehicleRecord(last, viewer) : null,
    history: history.map((row) => presentVehicleRecord(row, viewer)),
    flagged: hits.length > 0,
    reasons: presentReasons(hits),
  };
}

/** What the gate sees when a plate is typed at checkpoint `checkpointId`. */
export async function lookupVehicle(
  db: Db,
  actor: Actor,
  checkpointId: number,
  plateInput: string,
  options: VehicleOptions,
): Promise<VehicleLookup> {
  const checkpoint = await checkpointOr404(db, actor.viewer, 'checkpoint.read', checkpointId);
  const plate = checkedPlate(plateInput, 'params.plate');
  const state = await vehicleState(db, actor.viewer, plate, actor.now(), options);
  // A plate leads to a person's movements: who looked one up, where, is kept as a register lookup is.
  await recordAudit(db, actor, {
    action: 'vehicle.lookup',
    entityType: 'checkpoint',
    entityId: checkpoint.id,
    areaPath: checkpoint.area_path,
    after: { plate: plate.plate, flagged: state.flagged, history: state.history.length },
  });
  return state;
}

/**
 * Spends one of the caller's number lookups per ID number typed for a vehicle's occupants, as the
 * register does for any typed ID number. Pass the database, not a transaction: spent stays spent.
 */
export async function spendOccupantLookups(
  db: Db,
  actor: Actor,
  checkpointId: number,
  body: VehicleCheckBody,
): Promise<void> {
  const count = (body.driverIdNumber ? 1 : 0) + (body.passengerIdNumbers?.length ?? 0);
  if (count === 0) return;
  const budget = await gateBudgetOf(db, actor, checkpointId);
  for (let i = 0; i < count; i += 1) {
    const refused = await spendLookup(db, actor.viewer, actor.now(), budget);
    if (!refused) continue;
    if (refused.firstRefusal)
      await recordAudit(db, actor, {
        action: 'person.lookup_refused',
        entityType: 'person',
        after: { purpose: 'vehicle.check', budget, retryAfterSeconds: refused.retryAfterSeconds },
      });
    throw new LookupRateLimited(refused.retryAfterSeconds);
  }
}

/** Occupants by ID number, matched to the register by keyed hash; an unknown number stays masked, never guessed. */
async function occupantsOf(
  db: Db,
  cipher: FieldCipher,
  body: VehicleCheckBody,
  now: Date,
): Promise<VehicleOccupant[]> {
  const typed = [
    ...(body.driverIdNumber
      ? [{ role: 'driver' as const, number: body.driverIdNumber, field: 'body.driverIdNumber' }]
      : []),
    ...(body.passengerIdNumbers ?? []).map((number, i) => ({
      role: 'passenger' as const,
      number,
      field: `body.passengerIdNumbers/${i}`,
    })),
  ];
  const parsed = typed.map((t) => {
    const document = checkedDocument('resident_id', t.number, t.field, now);
    return {
      role: t.role,
      masked: idNumberInClear(cipher, 'resident_id', document.number).masked,
      hashes: documentHashes(cipher, 'resident_id', document.number),
    };
  });
  const persons = await repo.personsByDocumentHashes(
    db,
    parsed.flatMap((p) => p.hashes),
  );
  const byHash = new Map(persons.map((p) => [p.document_hash, p.id]));
  return parsed.map((p) => ({
    role: p.role,
    documentMasked: p.masked,
    personId: p.hashes.map((h) => byHash.get(h)).find((id) => id !== undefined) ?? null,
  }));
}

/** A staff check of a vehicle at a checkpoint (needs checkpoint.check there); audited. */
export async function recordVehicleCheck(
  db: Db,
  actor: Actor,
  cipher: FieldCipher,
  checkpointId: number,
  body: VehicleCheckBody,
  options: VehicleOptions,
): Promise<VehicleCheckResult> {
  const checkpoint = await checkpointOr404(db, actor.viewer, 'checkpoint.check', checkpointId);
  const plate = checkedPlate(body.plate, 'body.plate');
  const now = actor.now();
  const occupants = await occupantsOf(db, cipher, body, now);
  const origin = body.origin?.trim() ?? null;
  // The declared origin counts at once, before it is stored.
  const hits = await repo.riskHits(db, {
    plates: [plate.plate],
    since: new Date(now.getTime() - options.trailDays * DAY),
    now,
    extra: origin ? [{ plate: plate.plate, kind: 'origin', place: origin, code: origin, at: now }] : [],
  });
  const driver = occupants.find((o) => o.role === 'driver');
  const id = await repo.insertRecord(db, {
    checkpoint_id: checkpoint.id,
    area_path: checkpoint.area_path,
    subject: 'vehicle',
    source: 'staff',
    at: now,
    direction: body.direction,
    decision: body.decision,
    plate: plate.plate,
    plate_kind: plate.kind,
    person_id: driver?.personId ?? null,
    document_masked: driver?.documentMasked ?? null,
    passenger_person_ids: occupants.flatMap((o) =>
      o.role === 'passenger' && o.personId ? [o.personId] : [],
    ),
    occupants: JSON.stringify(occupants),
    origin,
    destination: body.destination?.trim() ?? null,
    cargo: body.cargo?.trim() ?? null,
    flagged: hits.length > 0,
    reasons: JSON.stringify(reasonCodes(hits)),
    recorded_by_user_id: actor.viewer.kind === 'user' ? actor.viewer.userId : null,
    recorded_by: actor.viewer.kind === 'user' ? actor.viewer.displayName : null,
  });
  await recordAudit(db, actor, {
    action: 'vehicle.check',
    entityType: 'checkpoint_record',
    entityId: id,
    areaPath: checkpoint.area_path,
    after: {
      checkpoint: checkpoint.name,
      plate: plate.plate,
      direction: body.direction,
      decision: body.decision,
      occupants: occupants.map((o) => ({
        role: o.role,
        documentMasked: o.documentMasked,
        known: o.personId !== null,
      })),
      flagged: hits.length > 0,
    },
  });
  return {
    record: presentVehicleRecord(await repo.vehicleRecordById(db, id), actor.viewer),
    vehicle: await vehicleState(db, actor.viewer, plate, now, options),
  };
}

/** Vehicles checked or read at checkpoints in the caller's area within the window (grid leaders' list). */
export async function listRecentVehicles(
  db: Db,
  actor: Actor,
  query: RecentVehiclesQuery,
  options: VehicleOptions,
): Promise<RecentVehicles> {
  const rows = await repo.recentVehicles(db, actor.viewer, {
    since: new Date(actor.now().getTime() - options.windowHours * HOUR),
    flagged: query.flagged,
    limit: query.limit ?? 50,
  });
  return {
    windowHours: options.windowHours,
    items: rows.map((row) => presentVehicleRecord(row, actor.viewer)),
  };
}

/** The gate's own list: vehicles at this checkpoint within the window, newest first. */
export async function listCheckpointVehicles(
  db: Db,
  actor: Actor,
  checkpointId: number,
  options: VehicleOptions,
): Promise<CheckpointVehicles> {
  const checkpoint = await checkpointOr404(db, actor.viewer, 'checkpoint.read', checkpointId);
  const rows = await repo.checkpointVehicles(
    db,
    checkpoint.id,
    new Date(actor.now().getTime() - options.windowHours * HOUR),
    HISTORY_LIMIT,
  );
  return {
    checkpoint: { id: checkpoint.id, name: checkpoint.name },
    windowHours: options.windowHours,
    items: rows.map((row) => presentVehicleRecord(row, actor.viewer)),
  };
}

const REGION_CODE = /^\d{6}(\d{3}(\d{3})?)?$/;

/**
 * Trail points pushed by a feed (bearer token with the capability feed.health): each row checked on
 * its own, the good ones stored in one statement, a retried external id stored once.
 */
export async function importTrails(
  db: Db,
  actor: Actor,
  body: VehicleTrailsBody,
): Promise<VehicleTrailsResult> {
  const viewer = actor.viewer;
  if (viewer.kind !== 'token') throw forbidden('Vehicle trails are pushed with a feed token');
  const now = actor.now();
  const rejects: RowReject[] = [];
  const rows: Parameters<typeof repo.insertTrails>[1][number][] = [];
  body.trails.forEach((trail, index) => {
    const reject = (code: string, field: string, message: string) =>
      rejects.push({ index, code, field: `body.trails/${index}/${field}`, message });
    const parsed = parsePlate(trail.plate);
    if (!parsed.ok) {
      const p = plateProblem(parsed.problem, 'plate');
      return reject(p.code, 'plate', p.message);
    }
    const at = new Date(trail.at);
    if (at.getTime() > now.getTime() + CLOCK_SKEW_MS)
      return reject('READ_TIME_INVALID', 'at', 'at lies in the future');
    const regionCode = trail.regionCode?.trim() || null;
    if (regionCode !== null && !REGION_CODE.test(regionCode))
      return reject('VALIDATION_FAILED', 'regionCode', 'regionCode is not a 6, 9 or 12-digit region code');
    const place = trail.place?.trim() || null;
    if (regionCode === null && place === null)
      return reject('VALIDATION_FAILED', 'place', 'a trail point needs a regionCode or a place');
    rows.push({
      plate: parsed.plate,
      at,
      region_code: regionCode,
      place,
      source: viewer.name,
      token_id: viewer.tokenId,
      external_id: trail.externalId ?? null,
    });
  });
  const stored = await repo.insertTrails(db, rows);
  await recordAudit(db, actor, {
    action: 'vehicle.trails_import',
    entityType: 'vehicle_trail',
    areaPath: viewer.areaPath,
    after: { received: body.trails.length, stored, rejected: rejects.length },
  });
  return { stored, duplicates: rows.length - stored, rejects };
}
