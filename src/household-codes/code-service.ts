import { recordAudit } from '../audit/repository.js';
import { can, viewerName } from '../auth/scope.js';
import type { Actor, Db } from '../auth/context.js';
import { AppError, conflict, forbidden, invalid, notFound } from '../core/errors.js';
import type { PageOf } from '../core/pagination.js';
import type { AccessCodeKind } from '../db/schema.js';
import { findAreaInScope } from '../hierarchy/repository.js';
import { FieldDecryptionError, type FieldCipher } from '../privacy/field-crypto.js';
import { findHouseInScope } from '../register/repository.js';
import * as repo from './repository.js';
import type { CodeQuery, CodeView } from './schema.js';
import { newToken, scanUrl, tokenHash } from './tokens.js';

/** What a code opens: a house (一户一码), a community (自主报备码), a place (场所码) or an enterprise (#14). */
export interface CodeTarget {
  houseId: number | null;
  placeId: number | null;
  unitId?: number | null;
  areaId: number;
  areaPath: string;
}

const TARGET_COLUMN = {
  household: 'house_id',
  place: 'place_id',
  self_report: 'area_id',
  enterprise: 'unit_id',
  employee_apply: 'unit_id',
} as const;

function targetId(kind: AccessCodeKind, target: CodeTarget): number {
  if (kind === 'household') return target.houseId!;
  if (kind === 'place') return target.placeId!;
  if (kind === 'enterprise' || kind === 'employee_apply') return target.unitId!;
  return target.areaId;
}

/** More houses than this on one sheet is a mistake (a whole county); pick a smaller area. */
export const MAX_LABELS = 5000;

export function presentCode(row: repo.CodeRow, url: string | null = null): CodeView {
  return {
    id: row.id,
    kind: row.kind,
    status: row.status,
    issuedAt: row.issued_at.toISOString(),
    issuedBy: row.issued_by,
    revokedAt: row.revoked_at?.toISOString() ?? null,
    revokedBy: row.revoked_by,
    revokeReason: row.revoke_reason,
    houseId: row.house_id,
    placeId: row.place_id,
    area: { id: row.area_id, code: row.area_code, name: row.area_name },
    unitId: row.unit_id,
    label: row.house_address ?? row.place_name ?? row.unit_name ?? row.area_name,
    scanUrl: url,
  };
}

function isUniqueViolation(error: unknown): boolean {
  return typeof error === 'object' && error !== null && (error as { code?: unknown }).code === '23505';
}

/**
 * Issues a fresh code for each target, revoking the one it had: a re-issued label makes the
 * old one on the door stop working at once. Set-based: one UPDATE and one INSERT for any count.
 */
export async function issueCodes(
  db: Db,
  actor: Actor,
  cipher: FieldCipher,
  kind: AccessCodeKind,
  targets: readonly CodeTarget[],
): Promise<Array<{ id: number; token: string; target: CodeTarget }>> {
  if (targets.length === 0) return [];
  const now = actor.now();
  const by = viewerName(actor.viewer);
  await repo.revokeActive(
    db,
    kind,
    TARGET_COLUMN[kind],
    targets.map((t) => targetId(kind, t)),
    { now, by, reason: 'reissued' },
  );
  const tokens = targets.map(() => newToken());
  try {
    const ids = await repo.insertCodes(
      db,
      targets.map((target, i) => ({
        kind,
        house_id: kind === 'household' ? target.houseId : null,
        place_id: kind === 'place' ? target.placeId : null,
        unit_id: kind === 'enterprise' || kind === 'employee_apply' ? target.unitId! : null,
        area_id: target.areaId,
        area_path: target.areaPath,
        token_hash: tokenHash(tokens[i]!),
        token_secret: cipher.encrypt(tokens[i]!),
        issued_at: now,
        issued_by: by,
      })),
    );
    return ids.map((id, i) => ({ id, token: tokens[i]!, target: targets[i]! }));
  } catch (error) {
    if (isUniqueViolation(error)) {
      throw conflict(
        'CODE_CONFLICT',
        'Another code was issued for the same target at the same time; try again',
      );
    }
    throw error;
  }
}

/** Issues (or re-issues) one code and answers with its scan URL, the only time the API shows it. */
export async function issueOne(
  db: Db,
  actor: Actor,
  cipher: FieldCipher,
  kind: AccessCodeKind,
  target: CodeTarget,
  baseUrl: string,
): Promise<CodeView> {
  const [issued] = await issueCodes(db, actor, cipher, kind, [target]);
  await recordAudit(db, actor, {
    action: 'access_code.issue',
    entityType: 'access_code',
    entityId: issued!.id,
    areaPath: target.areaPath,
    after: { kind, houseId: target.houseId, placeId: target.placeId, areaId: target.areaId },
  });
  return presentCode(await repo.findCodeRow(db, issued!.id), scanUrl(baseUrl, kind, issued!.token));
}

export async function issueHouseholdCode(
  db: Db,
  actor: Actor,
  cipher: FieldCipher,
  houseId: number,
  baseUrl: string,
): Promise<CodeView> {
  const house = await findHouseInScope(db, actor.viewer, 'person.write', houseId);
  if (!house) throw notFound('HOUSE_NOT_FOUND', `House ${houseId} does not exist or is outside your area`);
  return issueOne(
    db,
    actor,
    cipher,
    'household',
    { houseId: house.id, placeId: null, areaId: house.area_id, areaPath: house.area_path },
    baseUrl,
  );
}

async function writableArea(db: Db, actor: Actor, areaId: number) {
  const area = await findAreaInScope(db, actor.viewer, 'person.write', areaId);
  if (!area) throw notFound('AREA_NOT_FOUND', `Area ${areaId} does not exist or is outside your area`);
  return area;
}

/** Codes for every house of an area in one call: those without one, or all of them with `reissue`. */
export async function issueHouseholdCodesForArea(
  db: Db,
  actor: Actor,
  cipher: FieldCipher,
  areaId: number,
  reissue: boolean,
) {
  const area = await writableArea(db, actor, areaId);
  const houses = await repo.housesWithCodes(db, { areaPath: area.path }, MAX_LABELS + 1);
  if (houses.length > MAX_LABELS) {
    throw invalid(
      'AREA_TOO_LARGE',
      `Area ${area.name} has more than ${MAX_LABELS} houses; choose a smaller area`,
    );
  }
  const targets = houses
    .filter((h) => reissue || readableToken(cipher, h) === null)
    .map((h) => ({ houseId: h.id, placeId: null, areaId: h.area_id, areaPath: h.area_path }));
  await issueCodes(db, actor, cipher, 'household', targets);
  await recordAudit(db, actor, {
    action: 'access_code.issue_area',
    entityType: 'area',
    entityId: area.id,
    areaPath: area.path,
    after: { kind: 'household', issued: targets.length, reissue },
  });
  return {
    area: { id: area.id, code: area.code, name: area.name },
    houses: houses.length,
    issued: targets.length,
    alreadyHad: houses.length - targets.length,
  };
}

/** A community's self-report code (自主报备码): one per village/residents' committee. */
export async function issueSelfReportCode(
  db: Db,
  actor: Actor,
  cipher: FieldCipher,
  areaId: number,
  baseUrl: string,
): Promise<CodeView> {
  const area = await writableArea(db, actor, areaId);
  if (area.level !== 'village') {
    throw invalid(
      'AREA_LEVEL_INVALID',
      `Self-report codes belong to a village or community, not a ${area.level}`,
      [{ field: 'params.id', code: 'wrongLevel', message: `is a ${area.level}` }],
    );
  }
  return issueOne(
    db,
    actor,
    cipher,
    'self_report',
    { houseId: null, placeId: null, areaId: area.id, areaPath: area.path },
    baseUrl,
  );
}

export async function revokeAccessCode(
  db: Db,
  actor: Actor,
  id: number,
  reason: string | null,
): Promise<CodeView> {
  const code = await repo.findCodeInScope(db, actor.viewer, 'person.read', id);
  if (!code) throw notFound('CODE_NOT_FOUND', `Code ${id} does not exist or is outside your area`);
  if (!can(actor.viewer, 'person.write', code.area_path))
    throw forbidden('You may see this code but not revoke it');
  if (code.status !== 'active') throw conflict('CODE_ALREADY_REVOKED', `Code ${id} is already revoked`);
  await repo.revokeCode(db, id, { now: actor.now(), by: viewerName(actor.viewer), reason });
  await recordAudit(db, actor, {
    action: 'access_code.revoke',
    entityType: 'access_code',
    entityId: id,
    areaPath: code.area_path,
    reason,
  });
  return presentCode(await repo.findCodeRow(db, id));
}

export async function listAccessCodes(db: Db, actor: Actor, query: CodeQuery): Promise<PageOf<CodeView>> {
  let withinPath: string | undefined;
  if (query.within !== undefined) {
    const area = await findAreaInScope(db, actor.viewer, 'person.read', query.within);
    if (!area)
      throw notFound('AREA_NOT_FOUND', `Area ${query.within} does not exist or is outside your area`);
    withinPath = area.path;
  }
  const page = await repo.listCodes(db, actor.viewer, { ...query, withinPath });
  return { ...page, items: page.items.map((row) => presentCode(row)) };
}

export interface DoorLabel {
  houseId: number;
  url: string;
  address: string;
  community: string | null;
}

/** The house's active door token, or null when it has none or its key was retired (issue it anew). */
function readableToken(cipher: FieldCipher, house: repo.HouseWithCode): string | null {
  if (house.token_secret === null) return null;
  try {
    return cipher.decrypt(house.token_secret);
  } catch (error) {
    if (error instanceof FieldDecryptionError) return null;
    throw error;
  }
}

/**
 * Everything a sheet of door labels needs: it reprints the codes houses already have and issues
 * none (printing is a GET; issuing is POST /api/areas/:id/household-codes). Houses without a
 * readable code are left off the sheet and counted in `notIssued`.
 */
export async function doorLabels(
  db: Db,
  actor: Actor,
  cipher: FieldCipher,
  scope: { areaId: number } | { houseId: number },
  baseUrl: string,
): Promise<{ name: string; code: string; areaPath: string; labels: DoorLabel[]; notIssued: number }> {
  let subject: { name: string; code: string; path: string };
  let houses: repo.HouseWithCode[];
  if ('areaId' in scope) {
    const area = await writableArea(db, actor, scope.areaId);
    subject = { name: area.name, code: area.code, path: area.path };
    houses = await repo.housesWithCodes(db, { areaPath: area.path }, MAX_LABELS + 1);
    if (houses.length > MAX_LABELS) {
      throw invalid(
        'AREA_TOO_LARGE',
        `Area ${area.name} has more than ${MAX_LABELS} houses; choose a smaller area`,
      );
    }
  } else {
    const house = await findHouseInScope(db, actor.viewer, 'person.write', scope.houseId);
    if (!house)
      throw notFound('HOUSE_NOT_FOUND', `House ${scope.houseId} does not exist or is outside your area`);
    subject = { name: house.address, code: `house-${house.id}`, path: house.area_path };
    houses = await repo.housesWithCodes(db, { houseId: house.id }, 1);
  }
  if (houses.length === 0) {
    throw new AppError('AREA_HAS_NO_HOUSES', 400, `${subject.name} has no registered houses to label`);
  }

  const printable = houses.flatMap((house) => {
    const token = readableToken(cipher, house);
    return token === null ? [] : [{ house, token }];
  });
  if (printable.length === 0) {
    throw conflict(
      'DOOR_CODES_NOT_ISSUED',
      `No house of ${subject.name} has a door code yet; issue codes first (POST /api/areas/:id/household-codes)`,
    );
  }

  // Door order: by row cell, then 2号 before 10号.
  const collator = new Intl.Collator('zh-CN', { numeric: true });
  printable.sort(({ house: a }, { house: b }) =>
    a.area_path === b.area_path ? collator.compare(a.address, b.address) : a.area_path < b.area_path ? -1 : 1,
  );
  const communities = await repo.communitiesOf(db, [...new Set(printable.map((p) => p.house.area_path))]);
  // Printing shows the secret tokens: who printed which sheet is recorded (the only row a print writes).
  await recordAudit(db, actor, {
    action: 'access_code.labels',
    entityType: 'access_code',
    areaPath: subject.path,
    after: { scope, labels: printable.length, notIssued: houses.length - printable.length },
  });
  return {
    name: subject.name,
    code: subject.code,
    areaPath: subject.path,
    notIssued: houses.length - printable.length,
    labels: printable.map(({ house, token }) => ({
      houseId: house.id,
      url: scanUrl(baseUrl, 'household', token),
      address: house.address,
      community: communities.get(house.area_path) ?? null,
    })),
  };
}
