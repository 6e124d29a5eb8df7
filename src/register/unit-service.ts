import type { Selectable } from 'kysely';
import { recordAudit } from '../audit/repository.js';
import { can } from '../auth/scope.js';
import type { Actor, Db } from '../auth/context.js';
import { conflict, forbidden, invalid, notFound } from '../core/errors.js';
import { type PageOf, pageWindow } from '../core/pagination.js';
import type { UnitsTable } from '../db/schema.js';
import { findAreaInScope } from '../hierarchy/repository.js';
import type { FieldCipher } from '../privacy/field-crypto.js';
import { phoneInClear } from '../privacy/protect.js';
import { parseCreditCode } from './identity/credit-code.js';
import { checkedPhone, resolvePlace } from './person-service.js';
import * as repo from './repository.js';
import type { UnitBody, UnitQuery, UnitView } from './schema.js';

type UnitRow = Selectable<UnitsTable> & { area_code: string; area_name: string };

export function presentUnit(row: UnitRow): UnitView {
  return {
    id: row.id,
    name: row.name,
    category: row.category,
    creditCode: row.credit_code,
    legalPerson: row.legal_person,
    contactName: row.contact_name,
    contactPhoneMasked: row.contact_phone_masked,
    employees: row.employees,
    address: row.address,
    area: { id: row.area_id, code: row.area_code, name: row.area_name },
    houseId: row.house_id,
  };
}

/** Units (enterprises, shops, schools, sites, hotels) may sit at any area level from the village down. */
export async function createUnit(
  db: Db,
  actor: Actor,
  cipher: FieldCipher,
  body: UnitBody,
): Promise<UnitView> {
  const area = await findAreaInScope(db, actor.viewer, 'person.write', body.areaId);
  if (!area)
    throw notFound(
      'AREA_NOT_FOUND',
      `body.areaId: area ${body.areaId} does not exist or is outside your area`,
    );
  if (['city', 'county', 'township'].includes(area.level))
    throw invalid('AREA_LEVEL_INVALID', 'body.areaId must be a village/community or below', [
      { field: 'body.areaId', code: 'wrongLevel', message: `is a ${area.level}` },
    ]);
  let creditCode: string | null = null;
  if (body.creditCode) {
    const parsed = parseCreditCode(body.creditCode);
    if (!parsed.ok)
      throw invalid('CREDIT_CODE_INVALID', `body.creditCode ${parsed.message}`, [
        { field: 'body.creditCode', code: 'creditCode', message: parsed.message },
      ]);
    creditCode = parsed.value;
    const taken = await repo.findUnitByCreditCode(db, creditCode);
    if (taken)
      throw conflict(
        'UNIT_CREDIT_CODE_TAKEN',
        `A unit with the credit code ${creditCode} is already registered`,
        [{ field: 'body.creditCode', code: 'taken', message: 'is already registered' }],
      );
  }
  if (body.houseId !== undefined) await resolvePlace(db, actor.viewer, { houseId: body.houseId }, 'body');
  const phone = checkedPhone(body.contactPhone, 'body.contactPhone');
  const contact = phone ? phoneInClear(cipher, phone) : null;
  const now = actor.now();
  const insertedId = await repo.insertUnit(db, {
    area_id: area.id,
    area_path: area.path,
    house_id: body.houseId ?? null,
    name: body.name.trim(),
    category: body.category,
    credit_code: creditCode,
    legal_person: body.legalPerson?.trim() || null,
    contact_name: body.contactName?.trim() || null,
    contact_phone_hash: contact?.hash ?? null,
    contact_phone_masked: contact?.masked ?? null,
    secret: phone ? cipher.encryptRecord({ contactPhone: phone }) : null,
    employees: body.employees ?? null,
    address: body.address?.trim() || null,
    created_at: now,
    updated_at: now,
  });
  await recordAudit(db, actor, {
    action: 'unit.create',
    entityType: 'unit',
    entityId: insertedId,
    areaPath: area.path,
    after: { name: body.name, category: body.category, creditCode },
  });
  return presentUnit((await repo.findUnit(db, insertedId))!);
}

export async function getUnit(db: Db, actor: Actor, id: number): Promise<UnitView> {
  const row = await repo.findUnitInScope(db, actor.viewer, 'person.read', id);
  if (!row) throw notFound('UNIT_NOT_FOUND', `Unit ${id} does not exist or is outside your area`);
  return presentUnit(row);
}

export async function listUnits(db: Db, actor: Actor, query: UnitQuery): Promise<PageOf<UnitView>> {
  const { page, pageSize, offset } = pageWindow(query);
  let withinPath: string | undefined;
  if (query.within !== undefined) {
    const area = await findAreaInScope(db, actor.viewer, 'person.read', query.within);
    if (!area)
      throw notFound('AREA_NOT_FOUND', `Area ${query.within} does not exist or is outside your area`);
    withinPath = area.path;
  }
  const { rows, total } = await repo.listUnitsInScope(db, actor.viewer, {
    withinPath,
    category: query.category,
    q: query.q?.trim() || undefined,
    limit: pageSize,
    offset,
  });
  return { items: rows.map(presentUnit), page, pageSize, total };
}

export async function retireUnit(db: Db, actor: Actor, id: number, reason: string): Promise<void> {
  const unit = await getUnit(db, actor, id);
  const areaPath = await repo.unitAreaPath(db, id);
  if (!can(actor.viewer, 'person.write', areaPath))
    throw forbidden('You may view this unit but not change it');
  await repo.markUnitRetired(db, id, actor.now());
  await recordAudit(db, actor, {
    action: 'unit.retire',
    entityType: 'unit',
    entityId: id,
    areaPath,
    before: { name: unit.name },
    reason,
  });
}
