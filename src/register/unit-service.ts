import type { Selectable } from 'kysely';
import { recordAudit } from '../audit/repository.js';
import { can, inScope, inSubtrees } from '../auth/scope.js';
import type { Actor, Db } from '../auth/context.js';
import { conflict, forbidden, invalid, notFound } from '../core/errors.js';
import { type PageOf, pageWindow } from '../core/pagination.js';
import type { UnitsTable } from '../db/schema.js';
import { escapeLike, findAreaInScope } from '../hierarchy/repository.js';
import type { FieldCipher } from '../privacy/field-crypto.js';
import { phoneInClear } from '../privacy/protect.js';
import { parseCreditCode } from './identity/credit-code.js';
import { checkedPhone, resolvePlace } from './person-service.js';
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

function unitsWithArea(db: Db) {
  return db
    .selectFrom('units as u')
    .innerJoin('areas as a', 'a.id', 'u.area_id')
    .selectAll('u')
    .select(['a.code as area_code', 'a.name as area_name'])
    .where('u.retired_at', 'is', null);
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
    const taken = await db
      .selectFrom('units')
      .select('id')
      .where('credit_code', '=', creditCode)
      .executeTakeFirst();
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
  const inserted = await db
    .insertInto('units')
    .values({
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
    })
    .returning('id')
    .executeTakeFirstOrThrow();
  await recordAudit(db, actor, {
    action: 'unit.create',
    entityType: 'unit',
    entityId: inserted.id,
    areaPath: area.path,
    after: { name: body.name, category: body.category, creditCode },
  });
  return presentUnit((await unitsWithArea(db).where('u.id', '=', inserted.id).executeTakeFirst())!);
}

export async function getUnit(db: Db, actor: Actor, id: number): Promise<UnitView> {
  const row = await unitsWithArea(db)
    .where('u.id', '=', id)
    .where(inScope(actor.viewer, 'person.read', 'u.area_path'))
    .executeTakeFirst();
  if (!row) throw notFound('UNIT_NOT_FOUND', `Unit ${id} does not exist or is outside your area`);
  return presentUnit(row);
}

export async function listUnits(db: Db, actor: Actor, query: UnitQuery): Promise<PageOf<UnitView>> {
  const { page, pageSize, offset } = pageWindow(query);
  let base = unitsWithArea(db).where(inScope(actor.viewer, 'person.read', 'u.area_path'));
  if (query.within !== undefined) {
    const area = await findAreaInScope(db, actor.viewer, 'person.read', query.within);
    if (!area)
      throw notFound('AREA_NOT_FOUND', `Area ${query.within} does not exist or is outside your area`);
    base = base.where(inSubtrees([area.path], 'u.area_path'));
  }
  if (query.category) base = base.where('u.category', '=', query.category);
  if (query.q?.trim()) base = base.where('u.name', 'like', `%${escapeLike(query.q.trim())}%`);
  const [rows, count] = await Promise.all([
    base.orderBy('u.name').limit(pageSize).offset(offset).execute(),
    base
      .clearSelect()
      .select((eb) => eb.fn.countAll<number>().as('n'))
      .executeTakeFirstOrThrow(),
  ]);
  return { items: rows.map(presentUnit), page, pageSize, total: Number(count.n) };
}

export async function retireUnit(db: Db, actor: Actor, id: number, reason: string): Promise<void> {
  const unit = await getUnit(db, actor, id);
  const row = await db.selectFrom('units').select('area_path').where('id', '=', id).executeTakeFirstOrThrow();
  if (!can(actor.viewer, 'person.write', row.area_path))
    throw forbidden('You may view this unit but not change it');
  await db.updateTable('units').set({ retired_at: actor.now() }).where('id', '=', id).execute();
  await recordAudit(db, actor, {
    action: 'unit.retire',
    entityType: 'unit',
    entityId: id,
    areaPath: row.area_path,
    before: { name: unit.name },
    reason,
  });
}
