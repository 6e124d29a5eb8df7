import { recordAudit } from '../audit/repository.js';
import type { Actor, Db } from '../auth/context.js';
import { invalid, notFound } from '../core/errors.js';
import type { PageOf } from '../core/pagination.js';
import { findAreaInScope } from '../hierarchy/repository.js';
import { issueOne } from '../household-codes/code-service.js';
import { communitiesOf } from '../household-codes/repository.js';
import type { CodeView } from '../household-codes/schema.js';
import { tokenHash } from '../household-codes/tokens.js';
import { checkedName } from '../household-codes/validation.js';
import type { FieldCipher } from '../privacy/field-crypto.js';
import { protectIdentity } from '../privacy/protect.js';
import { checkedDocument, checkedPhone } from '../register/person-service.js';
import * as repo from './repository.js';
import type { PlaceBody, PlaceQuery, PlaceView, ScanBody, ScanQuery, ScanView } from './schema.js';

const PLACE_NOT_FOUND = (id: number) =>
  notFound('PLACE_NOT_FOUND', `Place ${id} does not exist or is outside your area`);

export function presentPlace(row: repo.PlaceRow): PlaceView {
  return {
    id: row.id,
    name: row.name,
    kind: row.kind,
    address: row.address,
    unitId: row.unit_id,
    area: { id: row.area_id, code: row.area_code, name: row.area_name },
    activeCodeId: row.code_id,
    createdAt: row.created_at.toISOString(),
  };
}

/** A place (shop, office, gate…) with its code (场所码), issued at once. */
export async function createPlace(
  db: Db,
  actor: Actor,
  cipher: FieldCipher,
  body: PlaceBody,
  baseUrl: string,
): Promise<{ place: PlaceView; code: CodeView }> {
  const area = await findAreaInScope(db, actor.viewer, 'person.write', body.areaId);
  if (!area)
    throw notFound(
      'AREA_NOT_FOUND',
      `body.areaId: area ${body.areaId} does not exist or is outside your area`,
    );
  if (['city', 'county', 'township'].includes(area.level)) {
    throw invalid('AREA_LEVEL_INVALID', 'body.areaId must be a village/community or below', [
      { field: 'body.areaId', code: 'wrongLevel', message: `is a ${area.level}` },
    ]);
  }
  if (body.unitId !== undefined) {
    const unit = await repo.findActiveUnitInScope(db, actor.viewer, body.unitId);
    if (!unit)
      throw notFound(
        'UNIT_NOT_FOUND',
        `body.unitId: unit ${body.unitId} does not exist or is outside your area`,
      );
  }
  const now = actor.now();
  const id = await repo.insertPlace(db, {
    area_id: area.id,
    area_path: area.path,
    unit_id: body.unitId ?? null,
    name: body.name.trim(),
    kind: body.kind,
    address: body.address?.trim() || null,
    created_at: now,
    updated_at: now,
  });
  await recordAudit(db, actor, {
    action: 'place.create',
    entityType: 'place',
    entityId: id,
    areaPath: area.path,
    after: body,
  });
  const code = await issueOne(
    db,
    actor,
    cipher,
    'place',
    { houseId: null, placeId: id, areaId: area.id, areaPath: area.path },
    baseUrl,
  );
  return { place: presentPlace((await repo.findPlaceInScope(db, actor.viewer, 'person.read', id))!), code };
}

/** A new code for the place; the old one stops working. */
export async function issuePlaceCode(db: Db, actor: Actor, cipher: FieldCipher, id: number, baseUrl: string) {
  const place = await repo.findPlaceInScope(db, actor.viewer, 'person.write', id);
  if (!place) throw PLACE_NOT_FOUND(id);
  return issueOne(
    db,
    actor,
    cipher,
    'place',
    { houseId: null, placeId: place.id, areaId: place.area_id, areaPath: place.area_path },
    baseUrl,
  );
}

export async function getPlace(db: Db, actor: Actor, id: number): Promise<PlaceView> {
  const place = await repo.findPlaceInScope(db, actor.viewer, 'person.read', id);
  if (!place) throw PLACE_NOT_FOUND(id);
  return presentPlace(place);
}

export async function listPlaces(db: Db, actor: Actor, query: PlaceQuery): Promise<PageOf<PlaceView>> {
  let withinPath: string | undefined;
  if (query.within !== undefined) {
    const area = await findAreaInScope(db, actor.viewer, 'person.read', query.within);
    if (!area)
      throw notFound('AREA_NOT_FOUND', `Area ${query.within} does not exist or is outside your area`);
    withinPath = area.path;
  }
  const page = await repo.listPlaces(db, actor.viewer, { ...query, ...(withinPath ? { withinPath } : {}) });
  return { ...page, items: page.items.map(presentPlace) };
}

const PLACE_CODE_NOT_FOUND = () =>
  notFound('CODE_NOT_FOUND', 'This code is unknown or no longer valid (二维码无效或已停用)');

export async function placePage(db: Db, token: string, retentionDays: number) {
  const place = await repo.placeByCodeHash(db, tokenHash(token));
  if (!place) throw PLACE_CODE_NOT_FOUND();
  const community = (await communitiesOf(db, [place.area_path])).get(place.area_path);
  return {
    place: { name: place.name, kind: place.kind },
    community: community ? { name: community } : null,
    instruction: '扫码登记进入场所：请填写证件号码或手机号',
    retentionDays,
  };
}

/**
 * Records who scanned which place when. The person is kept only as lookup hashes (the same
 * keyed hashes as the register, so contact finding can match), masked copies and an encrypted blob.
 */
export async function recordScan(db: Db, cipher: FieldCipher, now: Date, token: string, body: ScanBody) {
  const type = body.documentType ?? 'resident_id';
  const hasDocument = body.documentNumber !== undefined && body.documentNumber.trim() !== '';
  const phone = checkedPhone(body.phone, 'body.phone');
  if (!hasDocument && !phone) {
    throw invalid('VALIDATION_FAILED', 'body.documentNumber or body.phone is required', [
      {
        field: 'body.documentNumber',
        code: 'requiredOr',
        params: { other: 'phone' },
        message: 'or body.phone is required',
      },
    ]);
  }
  const document = hasDocument
    ? checkedDocument(type, body.documentNumber!, 'body.documentNumber', now)
    : null;
  const name =
    body.name !== undefined && body.name.trim() !== '' ? checkedName(body.name, 'body.name') : null;
  const place = await repo.placeByCodeHash(db, tokenHash(token));
  if (!place) throw PLACE_CODE_NOT_FOUND();
  const scanned = protectIdentity(
    cipher,
    { documentType: type, documentNumber: document?.number ?? null, phone, name },
    { documentType: document ? type : null },
  );
  await repo.insertScan(db, {
    place_id: place.id,
    scanned_at: now,
    document_hash: scanned.documentHash,
    phone_hash: scanned.phoneHash,
    document_masked: scanned.documentMasked,
    phone_masked: scanned.phoneMasked,
    name_masked: scanned.nameMasked,
    secret: scanned.secret,
  });
  return {
    status: 'recorded' as const,
    place: place.name,
    scannedAt: now.toISOString(),
    message: '登记成功 (recorded)',
  };
}

/** Scans of a place in scope, masked; newest first. */
export async function listScans(
  db: Db,
  actor: Actor,
  placeId: number,
  query: ScanQuery,
): Promise<PageOf<ScanView>> {
  const place = await repo.findPlaceInScope(db, actor.viewer, 'person.read', placeId);
  if (!place) throw PLACE_NOT_FOUND(placeId);
  const page = await repo.listScans(db, placeId, {
    page: query.page,
    pageSize: query.pageSize,
    from: query.from ? new Date(query.from) : undefined,
    to: query.to ? new Date(query.to) : undefined,
  });
  return {
    ...page,
    items: page.items.map((s) => ({
      id: s.id,
      scannedAt: s.scanned_at.toISOString(),
      nameMasked: s.name_masked,
      documentMasked: s.document_masked,
      phoneMasked: s.phone_masked,
    })),
  };
}
