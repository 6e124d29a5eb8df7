import type { HealthRecordKind } from '../../db/schema.js';
import { DEFAULT_LOCALE, type Locale, type Params } from '../../i18n/locale.js';
import { type NotificationText, notificationText } from '../../i18n/notifications.js';
import { randomBytes } from 'node:crypto';
import type { Insertable } from 'kysely';
import { recordAudit } from '../../audit/repository.js';
import type { Role } from '../../auth/rights.js';
import { can, viewerName, type Viewer } from '../../auth/scope.js';
import type { Actor, Db } from '../../auth/context.js';
import { AppError, conflict, forbidden, invalid, notFound } from '../../core/errors.js';
import type { PageOf } from '../../core/pagination.js';
import type { LeadEventsTable, LeadsTable, LeadTier } from '../../db/schema.js';
import { type AreaRow, findAreaInScope } from '../../hierarchy/repository.js';
import { createKeyPerson } from '../key-persons/service.js';
import { type FieldCipher, FieldDecryptionError } from '../../privacy/field-crypto.js';
import { revealRecord } from '../../privacy/present.js';
import { protectIdentity } from '../../privacy/protect.js';
import { RESIDENT_LEVELS } from '../../hierarchy/codes.js';
import { findPersonInScope } from '../../register/repository.js';
import { normalisePhone } from '../../register/protect.js';
import { rowReject } from '../../imports/report.js';
import { CellProblem } from '../../register-import/values.js';
import * as repo from './repository.js';
import { routeLeads, type RoutingScope, routingScopeOf, type RoutingTarget } from './routing.js';
import type {
  LeadBatchBody,
  LeadBatchResult,
  LeadDetail,
  LeadProgress,
  LeadQuery,
  LeadRevealResponse,
  LeadView,
  ProgressCounts,
  ProgressQuery,
  RouteBody,
  VerifyBody,
  VerifyResult,
} from './schema.js';
import { type LeadCandidate, leadKey, validateLeadRow } from './validate.js';

const HOUR_MS = 3600 * 1000;

const LEAD_NOT_FOUND = (id: number) =>
  notFound('LEAD_NOT_FOUND', `Lead ${id} does not exist or is outside your area`);
const AREA_NOT_FOUND = (field: string, id: number) =>
  notFound('AREA_NOT_FOUND', `${field}: area ${id} does not exist or is outside your area`);

/** The one place a lead row becomes an API object: identity only ever masked. */
export function presentLead(row: repo.LeadRow, now: Date): LeadView {
  return {
    id: row.id,
    batchReference: row.batch_reference,
    reason: row.reason,
    deadline: row.deadline.toISOString(),
    overdue: row.status === 'open' && row.deadline.getTime() <= now.getTime(),
    status: row.status,
    tier: row.tier,
    routedBy: row.routed_by,
    area: {
      id: row.area_id,
      code: row.area_code,
      name: row.area_name,
      level: row.area_level,
      path: row.area_path,
    },
    personId: row.person_id,
    nameMasked: row.name_masked,
    documentMasked: row.document_masked,
    phoneMasked: row.phone_masked,
    address: row.address,
    outcome: row.outcome,
    measures: row.measures ? row.measures.split(',').filter(Boolean) : [],
    note: row.verification_note,
    verifiedAt: row.verified_at?.toISOString() ?? null,
    verifiedBy: row.verified_by,
    escalatedAt: row.escalated_at?.toISOString() ?? null,
    createdAt: row.created_at.toISOString(),
    createdBy: row.created_by,
  };
}

/** The role that holds a lead at each tier. */
export const TIER_ROLE: Record<LeadTier, Role> = {
  worker: 'grid_worker',
  grid_leader: 'grid_leader',
  community: 'community_staff',
};

async function presentDetail(db: Db, row: repo.LeadRow, now: Date): Promise<LeadDetail> {
  const [history, responsible] = await Promise.all([
    repo.leadHistory(db, row.id),
    repo.responsibleUsers(db, row.area_path, TIER_ROLE[row.tier]),
  ]);
  return {
    ...presentLead(row, now),
    history: history.map((e) => ({
      at: e.at.toISOString(),
      kind: e.kind,
      fromTier: e.from_tier,
      toTier: e.to_tier,
      fromArea: e.from_area_id !== null ? { id: e.from_area_id, name: e.from_area_name ?? '' } : null,
      toArea: e.to_area_id !== null ? { id: e.to_area_id, name: e.to_area_name ?? '' } : null,
      actor: e.actor_name,
      details: e.details,
    })),
    responsible,
  };
}

// ---- creating leads ----

/** A lead ready to store: its identity encrypted, hashed and masked; routing still to come. */
export interface PreparedLead {
  row: number;
  identitySecret: string;
  idHash: string | null;
  phoneHash: string | null;
  nameMasked: string | null;
  documentMasked: string | null;
  phoneMasked: string | null;
  address: string | null;
  reason: string;
  deadline: Date;
  /** Makes storing the same lead twice a no-op; unique per lead when there is no batch reference. */
  sourceKey: string;
}

export interface LeadIdentity {
  documentNumber: string | null;
  phone: string | null;
  name: string | null;
}

/** A lead's identity as stored: one encrypted record, masks and hashes (privacy/protect.ts). */
export function protectLeadIdentity(cipher: FieldCipher, identity: LeadIdentity) {
  const { documentNumber, phone, name } = identity;
  const p = protectIdentity(cipher, { documentNumber, phone, name });
  return {
    identitySecret: p.secret,
    nameMasked: p.nameMasked,
    documentMasked: p.documentMasked,
    phoneMasked: p.phoneMasked,
    idHash: p.documentHash,
    phoneHash: p.phoneHash,
  };
}

/** Random per request: leads sent without a batch reference are never taken for one another. */
export function oneOffBatch(): string {
  return randomBytes(9).toString('base64url');
}

export function prepareCandidate(cipher: FieldCipher, c: LeadCandidate, batchKey: string): PreparedLead {
  return {
    row: c.row,
    ...protectLeadIdentity(cipher, c),
    address: c.address,
    reason: c.reason,
    deadline: c.deadline,
    sourceKey: cipher.lookupHash('lead', `${batchKey}\u0000${leadKey(c)}`),
  };
}

export interface StoredLead {
  row: number;
  id: number;
  target: RoutingTarget;
}

export interface StoreResult {
  stored: StoredLead[];
  unchanged: number;
}

/**
 * Routes and stores prepared leads in the caller's transaction: skips those already stored
 * (same source key), routes the rest in a few set-based queries, inserts them in one
 * statement with their 'created' history rows.
 */
export async function storeLeads(
  db: Db,
  actor: Actor,
  scope: RoutingScope,
  batchReference: string | null,
  leads: readonly PreparedLead[],
  source: string,
): Promise<StoreResult> {
  if (leads.length === 0) return { stored: [], unchanged: 0 };
  const existing = await repo.existingSourceKeys(
    db,
    leads.map((l) => l.sourceKey),
  );
  const fresh = leads.filter((l) => !existing.has(l.sourceKey));
  const targets = await routeLeads(
    db,
    scope,
    fresh.map((l) => ({ idHash: l.idHash, phoneHash: l.phoneHash, address: l.address })),
  );
  const now = actor.now();
  const by = viewerName(actor.viewer);
  const rows: Insertable<LeadsTable>[] = fresh.map((l, i) => {
    const target = targets[i]!;
    return {
      batch_reference: batchReference,
      identity_secret: l.identitySecret,
      id_hash: l.idHash,
      phone_hash: l.phoneHash,
      name_masked: l.nameMasked,
      document_masked: l.documentMasked,
      phone_masked: l.phoneMasked,
      address: l.address,
      reason: l.reason,
      deadline: l.deadline,
      person_id: target.personId,
      area_id: target.areaId,
      area_path: target.areaPath,
      routed_by: target.routedBy,
      // The inbox is worked by community staff: the lead starts at their tier.
      tier: target.routedBy === 'inbox' ? 'community' : 'worker',
      source_key: l.sourceKey,
      created_by: by,
      created_at: now,
    };
  });
  const inserted = await repo.insertLeads(db, rows);
  const idByKey = new Map(inserted.map((r) => [r.source_key!, r.id]));
  const stored: StoredLead[] = [];
  const events: Insertable<LeadEventsTable>[] = [];
  fresh.forEach((l, i) => {
    const id = idByKey.get(l.sourceKey);
    // Not returned: a concurrent import stored the same lead first.
    if (id === undefined) return;
    const target = targets[i]!;
    stored.push({ row: l.row, id, target });
    events.push({
      lead_id: id,
      at: now,
      kind: 'created',
      to_tier: rows[i]!.tier ?? 'worker',
      to_area_id: target.areaId,
      actor_name: by,
      details: JSON.stringify({ routedBy: target.routedBy, source }),
    });
  });
  await repo.insertEvents(db, events);
  return { stored, unchanged: leads.length - stored.length };
}

/** The importing area: one where the caller may upload health data and leads (health.manage). */
export async function importingArea(db: Db, viewer: Viewer, areaId: number, field: string): Promise<AreaRow> {
  const area = await findAreaInScope(db, viewer, 'health.manage', areaId);
  if (!area || area.retired_at) throw AREA_NOT_FOUND(field, areaId);
  return area;
}

export function countRoutes(stored: readonly StoredLead[]) {
  const routed = { person: 0, address: 0, inbox: 0 };
  for (const s of stored) routed[s.target.routedBy]++;
  return routed;
}

/**
 * `POST /api/leads`: a JSON batch from staff (or a system above). Rows are checked one by one
 * (rejects carry the index, field, code and params of every problem of the lead); valid ones are routed and stored.
 */
export async function createLeads(
  db: Db,
  actor: Actor,
  cipher: FieldCipher,
  body: LeadBatchBody,
): Promise<LeadBatchResult> {
  const area = await importingArea(db, actor.viewer, body.areaId, 'body.areaId');
  const scope = await routingScopeOf(db, area);
  const now = actor.now();
  const batchReference = body.batchReference?.trim() || null;
  const batchKey = batchReference ?? oneOffBatch();
  const rejected: LeadBatchResult['rejected'] = [];
  const firstIndex = new Map<string, number>();
  const prepared: PreparedLead[] = [];
  body.leads.forEach((input, index) => {
    const candidate = validateLeadRow(input, index, now);
    if (Array.isArray(candidate)) {
      for (const problem of candidate) rejected.push(rowReject(index, problem.field, problem));
      return;
    }
    const key = leadKey(candidate);
    const first = firstIndex.get(key);
    if (first !== undefined) {
      rejected.push(
        rowReject(index, 'documentNumber', new CellProblem('', 'duplicateInFile', { row: first })),
      );
      return;
    }
    firstIndex.set(key, index);
    prepared.push(prepareCandidate(cipher, candidate, batchKey));
  });
  const result = await storeLeads(db, actor, scope, batchReference, prepared, 'api');
  const routed = countRoutes(result.stored);
  await recordAudit(db, actor, {
    action: 'lead.create',
    entityType: 'lead',
    entityId: batchReference,
    areaPath: area.path,
    after: { inserted: result.stored.length, unchanged: result.unchanged, rejected: rejected.length, routed },
  });
  const rows = new Map(
    (
      await repo.findLeads(
        db,
        result.stored.map((s) => s.id),
      )
    ).map((r) => [r.id, r]),
  );
  return {
    inserted: result.stored.length,
    updated: 0,
    unchanged: result.unchanged,
    rejected,
    rejectedTotal: rejected.length,
    routed,
    leads: result.stored.map((s) => {
      const row = rows.get(s.id)!;
      return {
        row: s.row,
        id: s.id,
        routedBy: s.target.routedBy,
        area: can(actor.viewer, 'health.read', row.area_path)
          ? { id: row.area_id, code: row.area_code, name: row.area_name, level: row.area_level }
          : null,
      };
    }),
  };
}

// ---- reading ----

/** Tiers waiting for each role: a worker acts on every open lead; leaders and staff on escalated ones. */
const QUEUE_TIERS: Partial<Record<Role, readonly LeadTier[]>> = {
  admin: ['worker', 'grid_leader', 'community'],
  grid_worker: ['worker', 'grid_leader', 'community'],
  grid_leader: ['grid_leader', 'community'],
  community_staff: ['community'],
};

function queueOf(viewer: Viewer): Array<{ path: string; tiers: readonly LeadTier[] }> {
  if (viewer.kind === 'system') return [{ path: '/', tiers: ['worker', 'grid_leader', 'community'] }];
  if (viewer.kind !== 'user') return [];
  return viewer.assignments.flatMap((a) => {
    const tiers = QUEUE_TIERS[a.role];
    return tiers ? [{ path: a.areaPath, tiers }] : [];
  });
}

export async function listLeads(db: Db, actor: Actor, query: LeadQuery): Promise<PageOf<LeadView>> {
  let withinPath: string | undefined;
  if (query.within !== undefined) {
    const area = await findAreaInScope(db, actor.viewer, 'health.read', query.within);
    if (!area) throw AREA_NOT_FOUND('querystring.within', query.within);
    withinPath = area.path;
  }
  const now = actor.now();
  const page = await repo.listLeads(db, actor.viewer, {
    ...query,
    withinPath,
    queue: query.mine ? queueOf(actor.viewer) : undefined,
    now,
  });
  return { ...page, items: page.items.map((row) => presentLead(row, now)) };
}

export async function getLead(db: Db, actor: Actor, id: number): Promise<LeadDetail> {
  const row = await repo.findLeadInScope(db, actor.viewer, 'health.read', id);
  if (!row) throw LEAD_NOT_FOUND(id);
  return presentDetail(db, row, actor.now());
}

async function leadToWrite(db: Db, viewer: Viewer, id: number): Promise<repo.LeadRow> {
  const row = await repo.findLeadInScope(db, viewer, 'health.read', id);
  if (!row) throw LEAD_NOT_FOUND(id);
  if (!can(viewer, 'health.write', row.area_path))
    throw forbidden('You may view this lead but not act on it');
  if (row.status !== 'open') throw conflict('LEAD_ALREADY_VERIFIED', `Lead ${id} is already verified`);
  return row;
}

/** Shows the identity as received to someone who may reveal it here, and records who, when and why. */
export async function revealLead(
  db: Db,
  actor: Actor,
  cipher: FieldCipher,
  id: number,
  reason: string,
): Promise<LeadRevealResponse> {
  const row = await repo.findLeadInScope(db, actor.viewer, 'health.read', id);
  if (!row) throw LEAD_NOT_FOUND(id);
  if (!can(actor.viewer, 'person.reveal', row.area_path))
    throw forbidden('You may not see unmasked identity numbers or phones here');
  await recordAudit(db, actor, {
    action: 'lead.reveal',
    entityType: 'lead',
    entityId: id,
    areaPath: row.area_path,
    reason,
  });
  const fields = revealRecord(cipher, row.identity_secret);
  return {
    documentNumber: fields.documentNumber ?? null,
    phone: fields.phone ?? null,
    name: fields.name ?? null,
  };
}

// ---- acting on a lead ----

/**
 * The worker's finding: outcome and measures; the lead becomes verified. A registered person
 * the worker found can be linked, and in the same action be put under key-person management
 * (through the key-person service, in the same transaction: if that is refused, e.g. the
 * person is already followed up in that category, nothing is stored and its error is answered).
 */
export async function verifyLead(db: Db, actor: Actor, id: number, body: VerifyBody): Promise<VerifyResult> {
  const row = await leadToWrite(db, actor.viewer, id);
  let personId = row.person_id;
  if (body.personId !== undefined) {
    const person = await findPersonInScope(db, actor.viewer, 'person.read', body.personId);
    if (!person)
      throw notFound(
        'PERSON_NOT_FOUND',
        `body.personId: person ${body.personId} does not exist or is outside your area`,
      );
    personId = person.id;
  }
  if (body.keyPerson && personId === null) {
    throw invalid('LEAD_PERSON_REQUIRED', 'body.keyPerson needs a registered person: give body.personId', [
      {
        field: 'body.personId',
        code: 'requiredWith',
        params: { other: 'keyPerson' },
        message: 'is required with keyPerson',
      },
    ]);
  }
  const now = actor.now();
  const by = viewerName(actor.viewer);
  const note = body.note?.trim() || null;
  const done = await repo.markVerified(db, id, {
    outcome: body.outcome,
    measures: body.measures.join(','),
    note,
    personId: body.personId !== undefined ? personId : null,
    at: now,
    by,
  });
  if (!done) throw conflict('LEAD_ALREADY_VERIFIED', `Lead ${id} is already verified`);
  await repo.insertEvents(db, [
    {
      lead_id: id,
      at: now,
      kind: 'verified',
      from_tier: row.tier,
      to_tier: row.tier,
      actor_name: by,
      details: JSON.stringify({ outcome: body.outcome, measures: body.measures, personId }),
    },
  ]);
  await recordAudit(db, actor, {
    action: 'lead.verify',
    entityType: 'lead',
    entityId: id,
    areaPath: row.area_path,
    after: { outcome: body.outcome, measures: body.measures, personId },
  });
  let keyPerson: VerifyResult['keyPerson'] = null;
  if (body.keyPerson && personId !== null) {
    const created = await createKeyPerson(db, actor, {
      personId,
      category: body.keyPerson.category,
      reason: `线索核查 #${id}：${row.reason}`.slice(0, 500),
    });
    keyPerson = { personId, category: body.keyPerson.category, keyPersonId: created.id };
  }
  return { lead: await presentDetail(db, await repo.findLead(db, id), now), keyPerson };
}

/**
 * Routes an open lead by hand (the inbox, or a lead that landed in the wrong grid) to a grid,
 * micro-grid or row cell the caller may act in; it starts again at the worker tier.
 */
export async function routeLead(db: Db, actor: Actor, id: number, body: RouteBody): Promise<LeadDetail> {
  const row = await leadToWrite(db, actor.viewer, id);
  const target = await findAreaInScope(db, actor.viewer, 'health.write', body.areaId);
  if (!target || target.retired_at) throw AREA_NOT_FOUND('body.areaId', body.areaId);
  if (!RESIDENT_LEVELS.includes(target.level)) {
    throw invalid(
      'AREA_LEVEL_INVALID',
      `body.areaId must be a grid, micro-grid or row cell, not a ${target.level}`,
      [{ field: 'body.areaId', code: 'wrongLevel', message: `is a ${target.level}` }],
    );
  }
  if (!(await repo.moveLead(db, id, { areaId: target.id, areaPath: target.path })))
    throw conflict('LEAD_ALREADY_VERIFIED', `Lead ${id} is already verified`);
  const now = actor.now();
  const by = viewerName(actor.viewer);
  await repo.insertEvents(db, [
    {
      lead_id: id,
      at: now,
      kind: 'routed',
      from_tier: row.tier,
      to_tier: 'worker',
      from_area_id: row.area_id,
      to_area_id: target.id,
      actor_name: by,
      details: body.note?.trim() ? JSON.stringify({ note: body.note.trim() }) : null,
    },
  ]);
  await recordAudit(db, actor, {
    action: 'lead.route',
    entityType: 'lead',
    entityId: id,
    areaPath: target.path,
    before: { areaId: row.area_id, tier: row.tier },
    after: { areaId: target.id, tier: 'worker' },
  });
  return presentDetail(db, await repo.findLead(db, id), now);
}

// ---- progress ----

function counts(total: number, verified: number, overdue: number): ProgressCounts {
  const leftToZero = total - verified;
  return { total, verified, open: leftToZero - overdue, overdue, leftToZero, cleared: leftToZero === 0 };
}

/** Lead progress under a node at an instant, per child area; no scope check (callers do it). */
export async function progressOf(db: Db, node: AreaRow, asOf: Date, batch?: string): Promise<LeadProgress> {
  const [children, tallies] = await Promise.all([
    repo.childAreas(db, node.id),
    repo.progressByChild(db, node.path, asOf, batch),
  ]);
  const byChild = new Map(tallies.map((t) => [t.child, t]));
  const sum = (list: repo.ProgressTally[]) =>
    counts(
      list.reduce((n, t) => n + t.total, 0),
      list.reduce((n, t) => n + t.verified, 0),
      list.reduce((n, t) => n + t.overdue, 0),
    );
  const atNode = byChild.get(null);
  return {
    node: { id: node.id, code: node.code, name: node.name, level: node.level },
    asOf: asOf.toISOString(),
    total: sum(tallies),
    atNode: sum(atNode ? [atNode] : []),
    rows: children.map((child) => {
      const t = byChild.get(child.id);
      return { area: child, ...sum(t ? [t] : []) };
    }),
  };
}

export async function leadProgress(db: Db, actor: Actor, query: ProgressQuery): Promise<LeadProgress> {
  const node = await findAreaInScope(db, actor.viewer, 'health.read', query.node);
  if (!node) throw AREA_NOT_FOUND('querystring.node', query.node);
  return progressOf(db, node, actor.now(), query.batch);
}

// ---- the unmatched health-record inbox ----

const RECORD_KIND_TEXTS: Record<HealthRecordKind, NotificationText> = {
  test: 'recordKindTest',
  vaccination: 'recordKindVaccination',
  temperature: 'recordKindTemperature',
  health_code: 'recordKindHealthCode',
};

/** The identity an inbox record was sent with; tolerant of how the feed encrypted it. */
function inboxIdentity(cipher: FieldCipher, secret: string | null): LeadIdentity {
  if (!secret) return { documentNumber: null, phone: null, name: null };
  try {
    const fields = cipher.decryptRecord(secret);
    const phone = fields.phone ? normalisePhone(fields.phone) : null;
    return {
      documentNumber: fields.documentNumber ?? fields.idNumber ?? null,
      phone: phone?.ok ? phone.value : null,
      name: fields.name ?? null,
    };
  } catch (error) {
    if (error instanceof FieldDecryptionError && error.reason === 'not_a_record')
      return { documentNumber: cipher.decrypt(secret), phone: null, name: null };
    throw error;
  }
}

/**
 * "Turn into a lead" for the feeds' unmatched inbox: the record's identity becomes a lead
 * routed from the record's area (phone or address may still find the person; else the
 * community inbox), deadline 24 hours; the record leaves the inbox as 'lead'. Idempotent per
 * record; a record already resolved answers 409.
 */
export async function createLeadFromUnmatched(
  db: Db,
  actor: Actor,
  cipher: FieldCipher,
  healthRecordId: number,
  locale: Locale = DEFAULT_LOCALE,
): Promise<LeadView> {
  const record = await repo.findInboxRecordInScope(db, actor.viewer, healthRecordId);
  if (!record)
    throw notFound(
      'HEALTH_RECORD_NOT_FOUND',
      `Health record ${healthRecordId} does not exist, is matched, or is outside your area`,
    );
  if (!(await repo.claimInboxRecord(db, record.id)))
    throw conflict(
      'RECORD_NOT_IN_INBOX',
      `Health record ${healthRecordId} is not open in the unmatched inbox`,
    );
  const area = await repo.areaByPath(db, record.area_path);
  if (!area) throw new AppError('AREA_NOT_FOUND', 404, `The area of health record ${healthRecordId} is gone`);
  const identity = inboxIdentity(cipher, record.identity_secret);
  const protectedIdentity = protectLeadIdentity(cipher, identity);
  // Written once, in the language of the staff member who turns the record into a lead (like a note they write).
  const say = (text: NotificationText, params?: Params) => notificationText(locale, text, params);
  const kindText = RECORD_KIND_TEXTS[record.kind as HealthRecordKind];
  const reason = say(record.result ? 'unmatchedRecordLeadWithResult' : 'unmatchedRecordLead', {
    kind: kindText ? say(kindText) : record.kind,
    source: record.source,
    result: record.result,
    why: say(
      record.unmatched_reason === 'invalid_number' ? 'unmatchedInvalidNumber' : 'unmatchedNotRegistered',
    ),
  });
  const now = actor.now();
  const batchReference = `health_record:${record.id}`;
  const result = await storeLeads(
    db,
    actor,
    await routingScopeOf(db, area),
    batchReference,
    [
      {
        row: 0,
        ...protectedIdentity,
        documentMasked: record.document_masked ?? protectedIdentity.documentMasked,
        nameMasked: record.name_masked ?? protectedIdentity.nameMasked,
        idHash: record.id_hash,
        address: null,
        reason,
        deadline: new Date(now.getTime() + 24 * HOUR_MS),
        sourceKey: cipher.lookupHash('lead', batchReference),
      },
    ],
    'health_record',
  );
  const stored = result.stored[0];
  if (!stored) throw conflict('RECORD_NOT_IN_INBOX', `Health record ${healthRecordId} is already a lead`);
  await recordAudit(db, actor, {
    action: 'lead.create',
    entityType: 'lead',
    entityId: stored.id,
    areaPath: stored.target.areaPath,
    after: { fromHealthRecord: record.id, routedBy: stored.target.routedBy },
  });
  return presentLead(await repo.findLead(db, stored.id), now);
}
