import type { Actor, Db } from '../auth/context.js';
import { inScope, type Viewer } from '../auth/scope.js';
import { AppError, conflict, forbidden, invalid, notFound } from '../core/errors.js';
import type { CheckpointRecordsTable } from '../db/schema.js';
import { receiveDeviceAlert } from '../events/devices.js';
import { notificationText } from '../i18n/notifications.js';
import { notifyInTheirLanguage, OUTBOX } from '../notifications/notify.js';
import type { ReadRule } from '../notifications/readers.js';
import type { FieldCipher } from '../privacy/field-crypto.js';
import { documentHashes, idNumberInClear } from '../privacy/protect.js';
import { checkedDocument } from '../register/person-service.js';
import type { Insertable } from 'kysely';
import * as repo from './device-reads-repository.js';
import type { DeviceRow } from './device-reads-repository.js';
import type { DeviceReadOutcome, DeviceReadsResult, FaceRead, PlateRead } from './device-reads-schema.js';
import { parsePlate } from './plate.js';
import { personsByDocumentHashes, type RiskHit, riskHits } from './vehicle-repository.js';
import { CLOCK_SKEW_MS, plateProblem, reasonCodes } from './vehicle-service.js';
import { healthRules } from '../health/rules/settings.js';

export interface DeviceReadOptions {
  /** Reads of one plate at one device this close together merge. */
  mergeSeconds: number;
  /** A flagged plate alerts a checkpoint's team once per plate per window of this many hours. */
  windowHours: number;
  trailDays: number;
  /** Fever alerts of one gate this close together merge into one event (GRIDGUARD_ALERT_MERGE_SECONDS). */
  alertMergeSeconds: number;
}

/** From this temperature on a reading is a fever (发热): the deployment's threshold (37.3 °C unless configured). */
const feverFrom = (): number => healthRules().feverThreshold;
const HOUR = 3_600_000;
const DAY = 24 * HOUR;

/** Whoever may open the checkpoint may be told about a risk vehicle there. */
const CHECKPOINT_READ_RULE: ReadRule = {
  entityType: 'checkpoint',
  gate: 'checkpoint.read',
  table: 'checkpoints',
  alias: 'c',
  visible: (viewer: Viewer) => inScope(viewer, 'checkpoint.read', 'c.area_path'),
};

type Outcome = DeviceReadOutcome;
const outcome = (index: number, fields: Partial<Outcome>): Outcome => ({
  index,
  status: 'stored',
  recordId: null,
  flagged: false,
  fever: false,
  eventId: null,
  code: null,
  field: null,
  message: null,
  ...fields,
});

class RowError {
  constructor(
    readonly index: number,
    readonly error: AppError,
  ) {}
}

function rejected(reject: RowError): Outcome {
  const details = reject.error.details;
  const field =
    Array.isArray(details) && details.length > 0
      ? String((details[0] as { field?: unknown }).field ?? '')
      : null;
  return outcome(reject.index, {
    status: 'rejected',
    code: reject.error.code,
    field: field || null,
    message: reject.error.message,
  });
}

/** The token of a device: its capability and, when bound, its one device. */
function deviceToken(actor: Actor) {
  const viewer = actor.viewer;
  if (viewer.kind !== 'token' || viewer.capability !== 'device.alerts')
    throw forbidden('Device reads need an API token with the capability device.alerts');
  return viewer;
}

interface Located<T> {
  index: number;
  read: T;
  device: DeviceRow;
}

/**
 * Which device each read comes from (the token's own, or the read's `camera` within the token's
 * area), refusing unknown, retired and misplaced devices per read.
 */
async function locate<T extends { camera?: string | undefined; at: string }>(
  db: Db,
  actor: Actor,
  reads: readonly T[],
  kind: 'plate' | 'face_gate',
): Promise<{ located: Array<Located<T>>; rejects: RowError[] }> {
  const token = deviceToken(actor);
  const codes = [...new Set(reads.flatMap((r) => (r.camera ? [r.camera] : [])))];
  const devices = await repo.findDevicesWithin(db, token.areaPath, {
    ids: token.cameraId !== null ? [token.cameraId] : [],
    codes: token.cameraId !== null ? [] : codes,
  });
  const now = actor.now().getTime();
  const located: Array<Located<T>> = [];
  const rejects: RowError[] = [];
  reads.forEach((read, index) => {
    const device =
      token.cameraId !== null
        ? devices.find((d) => d.id === token.cameraId)
        : devices.find((d) => d.code === read.camera);
    const fail = (error: AppError) => rejects.push(new RowError(index, error));
    if (token.cameraId === null && !read.camera)
      return fail(
        invalid('VALIDATION_FAILED', 'camera: this token serves several devices; name the device', [
          { field: 'body.camera', code: 'required' },
        ]),
      );
    if (!device)
      return fail(
        notFound('CAMERA_NOT_FOUND', `camera: no device ${read.camera ?? ''} in this token's area`),
      );
    if (read.camera && read.camera !== device.code)
      return fail(forbidden(`camera: this token belongs to another device than ${read.camera}`));
    if (device.status === 'retired')
      return fail(conflict('CAMERA_RETIRED', `camera: ${device.code} is retired`));
    if (device.kind !== kind || device.checkpoint_id === null || device.checkpoint_retired_at !== null)
      return fail(
        conflict(
          'CAMERA_NOT_AT_CHECKPOINT',
          `camera: ${device.code} is not a ${kind} device at a checkpoint`,
        ),
      );
    if (new Date(read.at).getTime() > now + CLOCK_SKEW_MS)
      return fail(
        invalid('READ_TIME_INVALID', 'at lies in the future (check the device clock)', [
          { field: 'body.at', code: 'timeInFuture', message: 'is in the future' },
        ]),
      );
    located.push({ index, read, device });
  });
  return { located, rejects };
}

function byDevice<T>(located: ReadonlyArray<Located<T>>): Array<[DeviceRow, Array<Located<T>>]> {
  const groups = new Map<number, [DeviceRow, Array<Located<T>>]>();
  for (const item of located) {
    const group = groups.get(item.device.id) ?? [item.device, []];
    group[1].push(item);
    groups.set(item.device.id, group);
  }
  // One order for every request, so two batches never wait on each other's locks in a circle.
  return [...groups.values()].sort((a, b) => a[0].id - b[0].id);
}

/** Splits the reads already received (by external id, also twice within this batch) from the fresh ones. */
async function sortOutRetries<T extends { externalId?: string | undefined }>(
  db: Db,
  cameraId: number,
  items: ReadonlyArray<Located<T>>,
): Promise<{
  fresh: Array<Located<T>>;
  retries: Outcome[];
  sameBatch: Array<{ index: number; firstIndex: number }>;
}> {
  const seen = new Map(
    (
      await repo.receivedReads(
        db,
        cameraId,
        items.flatMap((i) => (i.read.externalId ? [i.read.externalId] : [])),
      )
    ).map((r) => [r.external_id, r]),
  );
  const firstInBatch = new Map<string, number>();
  const fresh: Array<Located<T>> = [];
  const retries: Outcome[] = [];
  const sameBatch: Array<{ index: number; firstIndex: number }> = [];
  for (const item of items) {
    const ext = item.read.externalId;
    const before = ext ? seen.get(ext) : undefined;
    if (before) {
      retries.push(
        outcome(item.index, {
          status: 'duplicate',
          recordId: before.record_id,
          flagged: before.flagged,
          fever: before.fever,
          eventId: before.event_id,
        }),
      );
    } else if (ext && firstInBatch.has(ext)) {
      sameBatch.push({ index: item.index, firstIndex: firstInBatch.get(ext)! });
    } else {
      if (ext) firstInBatch.set(ext, item.index);
      fresh.push(item);
    }
  }
  return { fresh, retries, sameBatch };
}

function summarise(count: number, outcomes: Outcome[]): DeviceReadsResult {
  const results = outcomes.sort((a, b) => a.index - b.index);
  if (results.length !== count) throw new Error('device reads: an outcome is missing');
  const tally = (status: Outcome['status']) => results.filter((r) => r.status === status).length;
  return {
    stored: tally('stored'),
    merged: tally('merged'),
    duplicates: tally('duplicate'),
    rejected: tally('rejected'),
    results,
  };
}

/** A single read's refusal is the request's answer; a batch answers per row. */
function answer(single: boolean, count: number, outcomes: Outcome[], rejects: RowError[]): DeviceReadsResult {
  if (single && rejects.length > 0) throw rejects[0]!.error;
  return summarise(count, [...outcomes, ...rejects.map(rejected)]);
}

interface Group {
  plate: string;
  kind: string;
  recordId: string | null;
  first: Date;
  last: Date;
  added: number;
  flagged: boolean;
  members: Array<Located<PlateRead> & { at: Date }>;
  direction: PlateRead['direction'];
  externalId: string | null;
}

/**
 * Plate reads from cameras at checkpoints, one or a batch: each read becomes a vehicle record of
 * its checkpoint, or merges into the record of the same plate at the same device within the merge
 * window (also when it arrives out of order); a retried externalId answers the same and stores
 * nothing. A vehicle whose origin or trail touches a current risk area is flagged, and the
 * checkpoint's team is notified once per plate per window. A few statements per batch, whatever its size.
 */
export async function receivePlateReads(
  db: Db,
  actor: Actor,
  body: PlateRead | PlateRead[],
  options: DeviceReadOptions,
): Promise<DeviceReadsResult> {
  const single = !Array.isArray(body);
  const reads = Array.isArray(body) ? body : [body];
  const { located, rejects } = await locate(db, actor, reads, 'plate');
  const outcomes: Outcome[] = [];
  const now = actor.now();
  const mergeMs = options.mergeSeconds * 1000;

  const valid: Array<Located<PlateRead> & { at: Date; plate: string; kind: string }> = [];
  for (const item of located) {
    const parsed = parsePlate(item.read.plate);
    if (!parsed.ok) {
      const p = plateProblem(parsed.problem, 'body.plate');
      rejects.push(
        new RowError(
          item.index,
          invalid(p.code, p.message, [{ field: p.field, code: p.problem, message: p.message }]),
        ),
      );
      continue;
    }
    valid.push({ ...item, at: new Date(item.read.at), plate: parsed.plate, kind: parsed.kind });
  }

  for (const [device, items] of byDevice(valid)) {
    await repo.lockDevice(db, device.id);
    const { fresh, retries, sameBatch } = await sortOutRetries(db, device.id, items);
    outcomes.push(...retries);
    const rows = fresh as typeof valid;
    if (rows.length === 0) {
      outcomes.push(...sameBatchOutcomes(sameBatch, outcomes));
      continue;
    }
    const times = rows.map((r) => r.at.getTime());
    const from = new Date(Math.min(...times) - mergeMs);
    const candidates = await repo.mergeCandidates(db, {
      cameraId: device.id,
      plates: [...new Set(rows.map((r) => r.plate))],
      from,
      to: new Date(Math.max(...times) + mergeMs),
      spanFrom: new Date(from.getTime() - DAY),
    });
    const groups: Group[] = candidates.map((c) => ({
      plate: c.plate!,
      kind: '',
      recordId: c.id,
      first: c.at,
      last: c.last_read_at ?? c.at,
      added: 0,
      flagged: c.flagged,
      members: [],
      direction: undefined,
      externalId: null,
    }));
    for (const row of [...rows].sort((a, b) => a.at.getTime() - b.at.getTime())) {
      const t = row.at.getTime();
      const group = groups.find(
        (g) => g.plate === row.plate && t >= g.first.getTime() - mergeMs && t <= g.last.getTime() + mergeMs,
      );
      if (group) {
        if (t < group.first.getTime()) group.first = row.at;
        if (t > group.last.getTime()) group.last = row.at;
        group.added += 1;
        group.members.push(row);
      } else {
        groups.push({
          plate: row.plate,
          kind: row.kind,
          recordId: null,
          first: row.at,
          last: row.at,
          added: 1,
          flagged: false,
          members: [row],
          direction: row.read.direction,
          externalId: row.read.externalId ?? null,
        });
      }
    }

    const created = groups.filter((g) => g.recordId === null);
    const ids = await repo.insertRecords(
      db,
      created.map((g): Insertable<CheckpointRecordsTable> => ({
        checkpoint_id: device.checkpoint_id!,
        area_path: device.checkpoint_area_path!,
        subject: 'vehicle',
        source: 'device',
        at: g.first,
        last_read_at: g.added > 1 ? g.last : null,
        reads: g.added,
        direction: g.direction ?? null,
        plate: g.plate,
        plate_kind: g.kind,
        camera_id: device.id,
        external_id: g.externalId,
        recorded_by: device.name,
      })),
    );
    created.forEach((g, i) => (g.recordId = ids[i]!));
    // The first read of a new record counted as its reads; a merged group only adds.
    await repo.widenRecords(
      db,
      groups
        .filter((g) => !created.includes(g) && g.added > 0)
        .map((g) => ({ id: g.recordId!, at: g.first, lastReadAt: g.last, added: g.added })),
    );
    const touched = groups.filter((g) => g.members.length > 0);
    await repo.insertReceivedReads(
      db,
      touched.flatMap((g) =>
        g.members.flatMap((m) =>
          m.read.externalId
            ? [{ camera_id: device.id, external_id: m.read.externalId, record_id: g.recordId! }]
            : [],
        ),
      ),
    );

    // The flag: the plates' trails, this read at this checkpoint included (stored above).
    const hits = await riskHits(db, {
      plates: [...new Set(touched.map((g) => g.plate))],
      since: new Date(now.getTime() - options.trailDays * DAY),
      now: new Date(Math.max(now.getTime(), ...touched.map((g) => g.last.getTime()))),
    });
    const hitsOf = new Map<string, RiskHit[]>();
    for (const hit of hits) hitsOf.set(hit.plate, [...(hitsOf.get(hit.plate) ?? []), hit]);
    const newlyFlagged = touched.filter((g) => hitsOf.has(g.plate) && !g.flagged);
    await repo.flagRecords(
      db,
      newlyFlagged.map((g) => ({ id: g.recordId!, reasons: reasonCodes(hitsOf.get(g.plate)!) })),
    );
    for (const g of newlyFlagged) g.flagged = true;
    await alertTeam(
      db,
      device,
      created.filter((g) => g.flagged),
      hitsOf,
      now,
      options,
    );
    await repo.touchDevice(db, device.id, new Date(Math.max(...times)));

    for (const g of touched)
      g.members.forEach((m, i) =>
        outcomes.push(
          outcome(m.index, {
            status: created.includes(g) && i === 0 ? 'stored' : 'merged',
            recordId: g.recordId,
            flagged: g.flagged,
          }),
        ),
      );
    outcomes.push(...sameBatchOutcomes(sameBatch, outcomes));
  }
  return answer(single, reads.length, outcomes, rejects);
}

/** A read repeated within one batch answers as the first of its external id. */
function sameBatchOutcomes(
  sameBatch: ReadonlyArray<{ index: number; firstIndex: number }>,
  outcomes: Outcome[],
) {
  return sameBatch.map(({ index, firstIndex }) => {
    const first = outcomes.find((o) => o.index === firstIndex);
    return outcome(index, {
      status: 'duplicate',
      recordId: first?.recordId ?? null,
      flagged: first?.flagged ?? false,
      fever: first?.fever ?? false,
      eventId: first?.eventId ?? null,
    });
  });
}

/** Tells the checkpoint's team of risk vehicles, once per plate per window (the notification's dedupe key). */
async function alertTeam(
  db: Db,
  device: DeviceRow,
  flagged: readonly Group[],
  hitsOf: ReadonlyMap<string, RiskHit[]>,
  now: Date,
  options: DeviceReadOptions,
): Promise<void> {
  if (flagged.length === 0) return;
  const userIds = await repo.checkpointAlertees(db, {
    teamId: device.team_id,
    areaPath: device.checkpoint_area_path!,
  });
  if (userIds.length === 0) return;
  const windowMs = options.windowHours * HOUR;
  // One order for every transaction: two cameras at one checkpoint alerting the same plates never deadlock on the dedupe keys.
  for (const g of [...flagged].sort((a, b) => (a.plate < b.plate ? -1 : a.plate > b.plate ? 1 : 0))) {
    const areas = [...new Set(hitsOf.get(g.plate)!.map((h) => h.risk_name))].join('、');
    await notifyInTheirLanguage(db, {
      userIds,
      kind: 'checkpoint.vehicle_flagged',
      priority: 'urgent',
      title: (locale) =>
        notificationText(locale, 'vehicleFlagged', {
          plate: g.plate,
          checkpoint: device.checkpoint_name ?? '',
        }),
      body: (locale) => notificationText(locale, 'vehicleFlaggedBody', { areas }),
      link: `/gate/vehicles?checkpoint=${device.checkpoint_id}&plate=${encodeURIComponent(g.plate)}`,
      readRule: CHECKPOINT_READ_RULE,
      entityId: device.checkpoint_id,
      dedupeKey: `vehicle-flag:${device.checkpoint_id}:${g.plate}:${Math.floor(g.first.getTime() / windowMs)}`,
      now,
    });
  }
}

/**
 * Face/temperature gate reads, one or a batch: each becomes a person record of the gate's
 * checkpoint (the ID number, when the gate read one, matched by keyed hash and kept masked); a
 * fever opens or joins a fever_at_gate event as the gate's own alert would.
 */
export async function receiveFaceReads(
  db: Db,
  actor: Actor,
  cipher: FieldCipher,
  body: FaceRead | FaceRead[],
  options: DeviceReadOptions,
): Promise<DeviceReadsResult> {
  const single = !Array.isArray(body);
  const reads = Array.isArray(body) ? body : [body];
  const { located, rejects } = await locate(db, actor, reads, 'face_gate');
  const outcomes: Outcome[] = [];
  const now = actor.now();

  const valid: Array<Located<FaceRead> & { masked: string | null; hashes: string[] }> = [];
  for (const item of located) {
    if (!item.read.idNumber) {
      valid.push({ ...item, masked: null, hashes: [] });
      continue;
    }
    try {
      const document = checkedDocument('resident_id', item.read.idNumber, 'body.idNumber', now);
      valid.push({
        ...item,
        masked: idNumberInClear(cipher, 'resident_id', document.number).masked,
        hashes: documentHashes(cipher, 'resident_id', document.number),
      });
    } catch (error) {
      if (!(error instanceof AppError)) throw error;
      rejects.push(new RowError(item.index, error));
    }
  }

  for (const [device, items] of byDevice(valid)) {
    await repo.lockDevice(db, device.id);
    const { fresh, retries, sameBatch } = await sortOutRetries(db, device.id, items);
    outcomes.push(...retries);
    const rows = fresh as typeof valid;
    const persons = await personsByDocumentHashes(
      db,
      rows.flatMap((r) => r.hashes),
    );
    const personOf = new Map(persons.map((p) => [p.document_hash, p.id]));
    const ids = await repo.insertRecords(
      db,
      rows.map((r): Insertable<CheckpointRecordsTable> => ({
        checkpoint_id: device.checkpoint_id!,
        area_path: device.checkpoint_area_path!,
        subject: 'person',
        source: 'device',
        at: new Date(r.read.at),
        direction: r.read.direction ?? null,
        person_id: r.hashes.map((h) => personOf.get(h)).find((id) => id !== undefined) ?? null,
        document_masked: r.masked,
        temperature: r.read.temperature,
        fever: r.read.temperature >= feverFrom(),
        camera_id: device.id,
        external_id: r.read.externalId ?? null,
        recorded_by: device.name,
      })),
    );
    await repo.insertReceivedReads(
      db,
      rows.flatMap((r, i) =>
        r.read.externalId
          ? [{ camera_id: device.id, external_id: r.read.externalId, record_id: ids[i]! }]
          : [],
      ),
    );
    for (const [i, r] of rows.entries()) {
      const fever = r.read.temperature >= feverFrom();
      let eventId: number | null = null;
      if (fever) {
        const alert = await receiveDeviceAlert(
          db,
          actor,
          {
            camera: device.code,
            kind: 'fever_at_gate',
            occurredAt: r.read.at,
            ...(r.read.externalId ? { externalId: `face-read:${r.read.externalId}` } : {}),
            details: {
              temperature: r.read.temperature,
              checkpoint: device.checkpoint_name ?? '',
              ...(r.masked ? { documentMasked: r.masked } : {}),
            },
          },
          { mergeWindowSeconds: options.alertMergeSeconds, outbox: OUTBOX },
        );
        eventId = alert.eventId;
        await repo.setRecordEvent(db, ids[i]!, eventId);
      }
      outcomes.push(outcome(r.index, { status: 'stored', recordId: ids[i]!, fever, eventId }));
    }
    if (rows.length)
      await repo.touchDevice(db, device.id, new Date(Math.max(...rows.map((r) => Date.parse(r.read.at)))));
    outcomes.push(...sameBatchOutcomes(sameBatch, outcomes));
  }
  return answer(single, reads.length, outcomes, rejects);
}
