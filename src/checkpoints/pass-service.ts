import { randomInt } from 'node:crypto';
import QRCode from 'qrcode';
import { recordAudit } from '../audit/repository.js';
import type { Actor, Db } from '../auth/context.js';
import { viewerName, type Viewer } from '../auth/scope.js';
import { AppError, conflict, invalid, notFound } from '../core/errors.js';
import type { PageOf } from '../core/pagination.js';
import { CODE_NOT_FOUND, houseByToken } from '../household-codes/house-by-token.js';
import { tokenHash } from '../household-codes/tokens.js';
import { checkedName } from '../household-codes/validation.js';
import type { FieldCipher } from '../privacy/field-crypto.js';
import { maskName } from '../privacy/masking.js';
import { documentHashes, protectIdentity } from '../privacy/protect.js';
import { insertScan, placeByCodeHash } from '../place-codes/repository.js';
import { checkedDocument, checkedPhone } from '../register/person-service.js';
import { findPersonInScope } from '../register/repository.js';
import { activeSigningKey, publishedKeys, rotateSigningKey } from './pass-keys.js';
import * as repo from './pass-repository.js';
import type {
  GatePublicPage,
  GateVisitBody,
  GateVisitQuery,
  GateVisitView,
  PassApplicationBody,
  PassApproveBody,
  PassIssueBody,
  PassQuery,
  PassReasonBody,
  PassVerificationMaterial,
  PassView,
} from './pass-schema.js';
import { signPassToken } from './pass-token.js';

/** Who applies from a door page: no one signed in, the door code stands for the household. */
export const RESIDENT_VIEWER: Viewer = Object.freeze({ kind: 'system', name: 'resident' });

const DAY_MS = 24 * 3600 * 1000;
const CODE_ALPHABET = 'ABCDEFGHJKLMNPQRSTUVWXYZ23456789';

const PASS_NOT_FOUND = (id: number) =>
  notFound('PASS_NOT_FOUND', `Pass ${id} does not exist or is outside your area`);

const CODE_DIGITS = '23456789';

/**
 * The printed pass number: TX, a digit, then 7 characters that cannot be misread (no 0/O, 1/I).
 * The digit keeps a number from ever reading as a word.
 */
function newPassCode(): string {
  let code = `TX${CODE_DIGITS[randomInt(CODE_DIGITS.length)]}`;
  for (let i = 0; i < 7; i++) code += CODE_ALPHABET[randomInt(CODE_ALPHABET.length)];
  return code;
}

function statusOf(row: repo.PassRow, now: Date): PassView['status'] {
  return row.status === 'active' && row.valid_to <= now ? 'expired' : row.status;
}

export function presentPass(
  row: repo.PassRow,
  names: ReadonlyMap<number, string>,
  now: Date,
  token?: string,
): PassView {
  return {
    id: row.id,
    code: row.code,
    status: statusOf(row, now),
    personId: row.person_id,
    holder: { nameMasked: maskName(row.holder_name), documentMasked: row.holder_document_masked },
    area: { id: row.area_id, code: row.area_code, name: row.area_name, path: row.area_path },
    purpose: row.purpose,
    validFrom: row.valid_from.toISOString(),
    validTo: row.valid_to.toISOString(),
    checkpoints: row.checkpoint_ids.map((id) => ({ id, name: names.get(id) ?? `#${id}` })),
    appliedBy: row.applied_by,
    issuedAt: row.issued_at?.toISOString() ?? null,
    issuedBy: row.issued_by,
    revokedAt: row.revoked_at?.toISOString() ?? null,
    revokedBy: row.revoked_by,
    revokeReason: row.revoke_reason,
    decidedAt: row.decided_at?.toISOString() ?? null,
    decidedBy: row.decided_by,
    rejectReason: row.reject_reason,
    createdAt: row.created_at.toISOString(),
    ...(token ? { token } : {}),
  };
}

/** Ends after it starts, lasts at most maxDays, and is not over already. */
function checkedPeriod(from: Date, to: Date, now: Date, maxDays: number, field: string) {
  const problem =
    Number.isNaN(from.getTime()) || Number.isNaN(to.getTime())
      ? 'invalid'
      : to <= from
        ? 'reversed'
        : to.getTime() - from.getTime() > maxDays * DAY_MS
          ? 'tooLong'
          : to <= now
            ? 'over'
            : null;
  if (problem)
    throw new AppError(
      'PASS_INVALID_PERIOD',
      400,
      `${field}: the validity must end after it starts, in the future, and last at most ${maxDays} days (${problem})`,
      [{ field, code: 'invalid', message: problem }],
      { maxDays },
    );
}

/** The checkpoints named must all be live ones where the actor issues passes. */
async function checkedCheckpoints(
  db: Db,
  actor: Actor,
  ids: readonly number[] | undefined,
): Promise<number[]> {
  const wanted = [...new Set(ids ?? [])];
  const found = await repo.checkpointsInScope(db, actor.viewer, 'pass.issue', wanted);
  const missing = wanted.filter((id) => !found.some((c) => c.id === id));
  if (missing.length > 0)
    throw notFound(
      'PASS_CHECKPOINT_OUT_OF_SCOPE',
      `body.checkpointIds: checkpoint ${missing.join(', ')} does not exist or is outside your area`,
    );
  return wanted.sort((a, b) => a - b);
}

async function presentOne(db: Db, row: repo.PassRow, now: Date, token?: string) {
  return presentPass(row, await repo.checkpointNames(db, row.checkpoint_ids), now, token);
}

/** Signs the QR text of a pass with the active key: masked identity only. */
async function tokenOf(db: Db, actor: Actor, cipher: FieldCipher, row: repo.PassRow): Promise<string> {
  const key = await activeSigningKey(db, actor, cipher);
  return signPassToken(
    {
      v: 1,
      kid: key.kid,
      pid: row.id,
      code: row.code,
      name: maskName(row.holder_name).slice(0, 40),
      doc: row.holder_document_masked.slice(0, 40),
      purpose: row.purpose,
      cps: row.checkpoint_ids,
      area: row.area_path,
      nbf: Math.floor(row.valid_from.getTime() / 1000),
      exp: Math.floor(row.valid_to.getTime() / 1000),
    },
    key.privateJwk,
  );
}

async function activePassInScope(db: Db, actor: Actor, id: number) {
  const row = await repo.findPassInScope(db, actor.viewer, 'pass.issue', id);
  if (!row) throw PASS_NOT_FOUND(id);
  if (statusOf(row, actor.now()) !== 'active')
    throw conflict('PASS_NOT_ACTIVE', `Pass ${id} is ${statusOf(row, actor.now())}, not active`);
  return row;
}

/** Staff issue a pass to a registered person in their area: active at once, with its signed QR text. */
export async function issuePass(
  db: Db,
  actor: Actor,
  cipher: FieldCipher,
  body: PassIssueBody,
  maxDays: number,
): Promise<PassView> {
  const now = actor.now();
  const validFrom = new Date(body.validFrom);
  const validTo = new Date(body.validTo);
  checkedPeriod(validFrom, validTo, now, maxDays, 'body.validTo');
  const person = await findPersonInScope(db, actor.viewer, 'pass.issue', body.personId);
  if (!person?.area_id || !person.area_path)
    throw notFound(
      'PERSON_NOT_FOUND',
      `body.personId: person ${body.personId} does not exist or is outside your area`,
    );
  const checkpointIds = await checkedCheckpoints(db, actor, body.checkpointIds);
  const id = await repo.insertPass(db, {
    code: newPassCode(),
    person_id: person.id,
    area_id: person.area_id,
    area_path: person.area_path,
    house_id: person.house_id,
    purpose: body.purpose.trim(),
    valid_from: validFrom,
    valid_to: validTo,
    checkpoint_ids: checkpointIds,
    status: 'active',
    applied_by: 'staff',
    issued_at: now,
    issued_by: viewerName(actor.viewer),
    created_at: now,
  });
  await recordAudit(db, actor, {
    action: 'pass.issue',
    entityType: 'pass',
    entityId: id,
    areaPath: person.area_path,
    after: { personId: person.id, purpose: body.purpose, validFrom, validTo, checkpointIds },
  });
  const row = (await repo.findPassInScope(db, actor.viewer, 'pass.issue', id))!;
  return presentOne(db, row, now, await tokenOf(db, actor, cipher, row));
}

export async function getPass(db: Db, actor: Actor, id: number): Promise<PassView> {
  const row = await repo.findPassInScope(db, actor.viewer, 'pass.issue', id);
  if (!row) throw PASS_NOT_FOUND(id);
  return presentOne(db, row, actor.now());
}

export async function listPasses(db: Db, actor: Actor, query: PassQuery): Promise<PageOf<PassView>> {
  const now = actor.now();
  const page = await repo.listPasses(db, actor.viewer, { ...query, now });
  const names = await repo.checkpointNames(db, [...new Set(page.items.flatMap((r) => r.checkpoint_ids))]);
  return { ...page, items: page.items.map((row) => presentPass(row, names, now)) };
}

/** A resident's application becomes active (optionally limited to some checkpoints) and is signed. */
export async function approvePass(
  db: Db,
  actor: Actor,
  cipher: FieldCipher,
  id: number,
  body: PassApproveBody,
  maxDays: number,
): Promise<PassView> {
  const now = actor.now();
  const row = await repo.findPassInScope(db, actor.viewer, 'pass.issue', id);
  if (!row) throw PASS_NOT_FOUND(id);
  if (row.status !== 'pending') throw conflict('PASS_NOT_PENDING', `Pass ${id} is ${row.status}`);
  checkedPeriod(row.valid_from, row.valid_to, now, maxDays, 'validTo');
  const checkpointIds = await checkedCheckpoints(db, actor, body.checkpointIds);
  const who = viewerName(actor.viewer);
  const changed = await repo.updatePassFrom(db, id, 'pending', {
    status: 'active',
    checkpoint_ids: checkpointIds,
    issued_at: now,
    issued_by: who,
    decided_at: now,
    decided_by: who,
  });
  if (!changed) throw conflict('PASS_NOT_PENDING', `Pass ${id} was decided meanwhile`);
  await recordAudit(db, actor, {
    action: 'pass.approve',
    entityType: 'pass',
    entityId: id,
    areaPath: row.area_path,
    after: { checkpointIds },
  });
  const updated = (await repo.findPassInScope(db, actor.viewer, 'pass.issue', id))!;
  return presentOne(db, updated, now, await tokenOf(db, actor, cipher, updated));
}

export async function rejectPass(db: Db, actor: Actor, id: number, body: PassReasonBody): Promise<PassView> {
  const now = actor.now();
  const row = await repo.findPassInScope(db, actor.viewer, 'pass.issue', id);
  if (!row) throw PASS_NOT_FOUND(id);
  if (row.status !== 'pending') throw conflict('PASS_NOT_PENDING', `Pass ${id} is ${row.status}`);
  const reason = body.reason.trim();
  const changed = await repo.updatePassFrom(db, id, 'pending', {
    status: 'rejected',
    decided_at: now,
    decided_by: viewerName(actor.viewer),
    reject_reason: reason,
  });
  if (!changed) throw conflict('PASS_NOT_PENDING', `Pass ${id} was decided meanwhile`);
  await recordAudit(db, actor, {
    action: 'pass.reject',
    entityType: 'pass',
    entityId: id,
    areaPath: row.area_path,
    reason,
  });
  return getPass(db, actor, id);
}

/** Revoked passes are refused at every gate once its phone has synced. */
export async function revokePass(db: Db, actor: Actor, id: number, body: PassReasonBody): Promise<PassView> {
  const now = actor.now();
  const row = await activePassInScope(db, actor, id);
  const reason = body.reason.trim();
  const changed = await repo.updatePassFrom(db, id, 'active', {
    status: 'revoked',
    revoked_at: now,
    revoked_by: viewerName(actor.viewer),
    revoke_reason: reason,
  });
  if (!changed) throw conflict('PASS_NOT_ACTIVE', `Pass ${id} was revoked meanwhile`);
  await recordAudit(db, actor, {
    action: 'pass.revoke',
    entityType: 'pass',
    entityId: id,
    areaPath: row.area_path,
    reason,
  });
  return getPass(db, actor, id);
}

/** The QR code of an active pass, for printing (audited: a printed pass opens gates). */
export async function passQr(
  db: Db,
  actor: Actor,
  cipher: FieldCipher,
  id: number,
  format: 'svg' | 'png',
): Promise<{ contentType: string; body: string | Buffer }> {
  const row = await activePassInScope(db, actor, id);
  const token = await tokenOf(db, actor, cipher, row);
  await recordAudit(db, actor, {
    action: 'pass.print',
    entityType: 'pass',
    entityId: id,
    areaPath: row.area_path,
    after: { format },
  });
  const options = { errorCorrectionLevel: 'M' as const, margin: 2 };
  return format === 'png'
    ? {
        contentType: 'image/png',
        body: await QRCode.toBuffer(token, { ...options, type: 'png', width: 480 }),
      }
    : { contentType: 'image/svg+xml', body: await QRCode.toString(token, { ...options, type: 'svg' }) };
}

/** A new signing key; the old one stays published while passes signed with it can still be valid. */
export async function rotatePassKey(db: Db, actor: Actor, cipher: FieldCipher) {
  const kid = await rotateSigningKey(db, actor, cipher);
  return { kid, published: (await publishedKeys(db, actor.now())).map((key) => key.kid) };
}

/** What a gate phone keeps to verify passes offline: public keys, revoked ids of its scope, its checkpoints. */
export async function verificationMaterial(
  db: Db,
  actor: Actor,
  since: string | undefined,
): Promise<PassVerificationMaterial> {
  const now = actor.now();
  const [keys, revoked, checkpoints] = await Promise.all([
    publishedKeys(db, now),
    repo.revokedPasses(db, actor.viewer, { ...(since ? { since: new Date(since) } : {}), now }),
    repo.gateCheckpoints(db, actor.viewer),
  ]);
  return {
    syncedAt: now.toISOString(),
    keys,
    revoked: revoked.map((r) => ({ id: r.id, revokedAt: r.revoked_at!.toISOString() })),
    checkpoints: checkpoints.map((c) => ({ id: c.id, name: c.name, areaPath: c.area_path })),
  };
}

/** "2026-12-07" as the start of that day in China (UTC+8), plus `days`. */
function chinaDayStart(date: string, days = 0): Date {
  return new Date(new Date(`${date}T00:00:00+08:00`).getTime() + days * DAY_MS);
}

/**
 * A resident applies from the door page: the ID number and name must be those of a registered,
 * active member of this household (matched by keyed hash, never guessed). Lands as pending.
 */
export async function applyForPass(
  db: Db,
  cipher: FieldCipher,
  now: Date,
  token: string,
  body: PassApplicationBody,
  maxDays: number,
) {
  const type = body.documentType ?? 'resident_id';
  const document = checkedDocument(type, body.documentNumber, 'body.documentNumber', now);
  const name = checkedName(body.name, 'body.name');
  const validFrom = chinaDayStart(body.validFrom);
  // To the end of the last day (23:59), shown as that day.
  const validTo = new Date(chinaDayStart(body.validTo, 1).getTime() - 60_000);
  checkedPeriod(validFrom, validTo, now, maxDays, 'body.validTo');
  const house = await houseByToken(db, token);
  const member = await repo.householdMemberByDocument(
    db,
    house.id,
    documentHashes(cipher, type, document.number),
  );
  if (!member || member.name.trim() !== name || !member.area_id || !member.area_path)
    // No field detail: the sentence is the whole answer (it never tells which of the two is wrong).
    throw invalid(
      'PASS_HOLDER_NOT_MATCHED',
      'body.documentNumber and body.name match no member of this household',
    );
  const code = newPassCode();
  const id = await repo.insertPass(db, {
    code,
    person_id: member.id,
    area_id: member.area_id,
    area_path: member.area_path,
    house_id: house.id,
    purpose: body.purpose.trim(),
    valid_from: validFrom,
    valid_to: validTo,
    status: 'pending',
    applied_by: 'resident',
    created_at: now,
  });
  await recordAudit(
    db,
    { viewer: RESIDENT_VIEWER, ip: null, now: () => now },
    { action: 'pass.apply', entityType: 'pass', entityId: id, areaPath: member.area_path },
  );
  return {
    status: 'pending' as const,
    code,
    message: '已提交，待网格员审核 (submitted; the grid worker will review it)',
  };
}

// ---- visitors at residents-only gates (登记来访: host household and purpose, via the gate's place code)

/** The largest list of houses a gate's scan page offers. */
const HOST_HOUSES_LIMIT = 500;

async function residentsOnlyGate(db: Db, token: string) {
  const place = await placeByCodeHash(db, tokenHash(token));
  if (!place) throw CODE_NOT_FOUND();
  const checkpoint = await repo.residentsOnlyCheckpointOfPlace(db, place.id);
  return { place, checkpoint };
}

/** What the place-scan page adds at a residents-only gate: the houses of its area to pick the host from. */
export async function gatePage(db: Db, token: string): Promise<GatePublicPage> {
  const { checkpoint } = await residentsOnlyGate(db, token);
  if (!checkpoint) return { residentsOnly: false, checkpoint: null, houses: [] };
  const houses = await repo.hostHouses(db, checkpoint.area_path, HOST_HOUSES_LIMIT);
  return {
    residentsOnly: true,
    checkpoint: { name: checkpoint.name },
    houses: houses.map((h) => ({ id: h.id, address: h.address })),
  };
}

/**
 * A visitor at a residents-only gate: the scan is a place scan (hashed, encrypted, purged with the
 * place's scans), and beside it whom they visit and why, for the checkpoint's staff.
 */
export async function recordGateVisit(
  db: Db,
  cipher: FieldCipher,
  now: Date,
  token: string,
  body: GateVisitBody,
) {
  const type = body.documentType ?? 'resident_id';
  const hasDocument = body.documentNumber !== undefined && body.documentNumber.trim() !== '';
  const phone = checkedPhone(body.phone, 'body.phone');
  if (!hasDocument && !phone)
    throw invalid('VALIDATION_FAILED', 'body.documentNumber or body.phone is required', [
      { field: 'body.documentNumber', code: 'requiredOr', params: { other: 'phone' } },
    ]);
  const document = hasDocument
    ? checkedDocument(type, body.documentNumber!, 'body.documentNumber', now)
    : null;
  const name =
    body.name !== undefined && body.name.trim() !== '' ? checkedName(body.name, 'body.name') : null;
  const purpose = body.purpose.trim();
  const { place, checkpoint } = await residentsOnlyGate(db, token);
  if (!checkpoint)
    throw invalid(
      'GATE_NOT_RESIDENTS_ONLY',
      'This place code is not the visitor code of a residents-only gate',
    );
  const host = await repo.findHostHouse(db, checkpoint.area_path, body.hostHouseId);
  if (!host)
    throw notFound(
      'HOUSE_NOT_FOUND',
      `body.hostHouseId: house ${body.hostHouseId} is not in this gate’s area`,
    );
  const scanned = protectIdentity(
    cipher,
    { documentType: type, documentNumber: document?.number ?? null, phone, name },
    { documentType: document ? type : null, hostHouseId: String(host.id), purpose },
  );
  const scanId = await insertScan(db, {
    place_id: place.id,
    scanned_at: now,
    document_hash: scanned.documentHash,
    phone_hash: scanned.phoneHash,
    document_masked: scanned.documentMasked,
    phone_masked: scanned.phoneMasked,
    name_masked: scanned.nameMasked,
    secret: scanned.secret,
  });
  await repo.insertGateVisit(db, {
    place_scan_id: scanId,
    checkpoint_id: checkpoint.id,
    area_path: checkpoint.area_path,
    house_id: host.id,
    purpose,
    visited_at: now,
  });
  return {
    status: 'recorded' as const,
    place: place.name,
    scannedAt: now.toISOString(),
    message: '登记成功 (recorded)',
  };
}

/** Visitors registered at a checkpoint, newest first, masked; for its staff. */
export async function listGateVisits(
  db: Db,
  actor: Actor,
  query: GateVisitQuery,
): Promise<PageOf<GateVisitView>> {
  const page = await repo.listGateVisits(db, actor.viewer, query.checkpointId, query);
  return {
    ...page,
    items: page.items.map((v) => ({
      id: v.id,
      visitedAt: v.visited_at.toISOString(),
      purpose: v.purpose,
      hostAddress: v.house_address,
      nameMasked: v.name_masked,
      documentMasked: v.document_masked,
      phoneMasked: v.phone_masked,
    })),
  };
}
