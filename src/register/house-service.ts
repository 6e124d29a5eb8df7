import { recordAudit } from '../audit/repository.js';
import { can, type Viewer } from '../auth/scope.js';
import type { Actor, Db } from '../auth/context.js';
import { conflict, forbidden, invalid, notFound } from '../core/errors.js';
import { type PageOf, pageWindow } from '../core/pagination.js';
import { findAreaInScope } from '../hierarchy/repository.js';
import { presentPerson, resolvePlace } from './person-service.js';
import * as repo from './repository.js';
import type { HouseRow } from './repository.js';
import type {
  HouseBody,
  HouseDetail,
  HouseQuery,
  HouseView,
  TenancyBody,
  UpdateHouseBody,
} from './schema.js';

const HOUSE_NOT_FOUND = (id: number) =>
  notFound('HOUSE_NOT_FOUND', `House ${id} does not exist or is outside your area`);

export function presentHouse(row: HouseRow, occupants = 0): HouseView {
  return {
    id: row.id,
    address: row.address,
    addressCode: row.address_code,
    road: row.road,
    doorNumber: row.door_number,
    building: row.building,
    unitNumber: row.unit_number,
    room: row.room,
    use: row.use,
    tenure: row.tenure,
    houseType: row.house_type,
    rooms: row.rooms,
    floorArea: row.floor_area === null ? null : Number(row.floor_area),
    landlordPersonId: row.landlord_person_id,
    area: { id: row.area_id, code: row.area_code, name: row.area_name, path: row.area_path },
    occupants,
  };
}

function houseColumns(body: UpdateHouseBody) {
  const columns = {
    address: body.address?.trim(),
    address_code: body.addressCode,
    road: body.road?.trim(),
    door_number: body.doorNumber?.trim(),
    building: body.building?.trim(),
    unit_number: body.unitNumber?.trim(),
    room: body.room?.trim(),
    use: body.use,
    tenure: body.tenure,
    house_type: body.houseType,
    rooms: body.rooms,
    floor_area: body.floorArea,
    landlord_person_id: body.landlordPersonId,
  };
  return Object.fromEntries(Object.entries(columns).filter(([, v]) => v !== undefined));
}

async function checkLandlord(db: Db, viewer: Viewer, landlordPersonId: number | undefined) {
  if (landlordPersonId === undefined) return;
  const landlord = await repo.findPersonInScope(db, viewer, 'person.read', landlordPersonId);
  if (!landlord)
    throw notFound(
      'PERSON_NOT_FOUND',
      `body.landlordPersonId: person ${landlordPersonId} does not exist or is outside your area`,
    );
}

async function duplicateAddress(db: Db, areaId: number, address: string, exceptId?: number) {
  if (await repo.findHouseByAddress(db, areaId, address, exceptId))
    throw conflict(
      'HOUSE_ADDRESS_TAKEN',
      `A house with the address ${address} is already registered in this area`,
      [{ field: 'body.address', code: 'taken', message: 'is already registered' }],
    );
}

export async function createHouse(db: Db, actor: Actor, body: HouseBody): Promise<HouseView> {
  const place = await resolvePlace(db, actor.viewer, { areaId: body.areaId });
  await checkLandlord(db, actor.viewer, body.landlordPersonId);
  await duplicateAddress(db, place.areaId, body.address.trim());
  const now = actor.now();
  const insertedId = await repo.insertHouse(db, {
    ...houseColumns(body),
    address: body.address.trim(),
    area_id: place.areaId,
    area_path: place.areaPath,
    created_at: now,
    updated_at: now,
  });
  await recordAudit(db, actor, {
    action: 'house.create',
    entityType: 'house',
    entityId: insertedId,
    areaPath: place.areaPath,
    after: { address: body.address },
  });
  return presentHouse((await repo.findHouseInScope(db, actor.viewer, 'person.read', insertedId))!);
}

export async function updateHouse(
  db: Db,
  actor: Actor,
  id: number,
  body: UpdateHouseBody,
): Promise<HouseView> {
  const house = await repo.findHouseInScope(db, actor.viewer, 'person.read', id);
  if (!house) throw HOUSE_NOT_FOUND(id);
  if (!can(actor.viewer, 'person.write', house.area_path))
    throw forbidden('You may view this house but not change it');
  await checkLandlord(db, actor.viewer, body.landlordPersonId);
  if (body.address) await duplicateAddress(db, house.area_id, body.address.trim(), id);
  await repo.updateHouseRow(db, id, { ...houseColumns(body), updated_at: actor.now() });
  await recordAudit(db, actor, {
    action: 'house.update',
    entityType: 'house',
    entityId: id,
    areaPath: house.area_path,
    before: { address: house.address },
    after: body,
  });
  const counts = await repo.occupantCounts(db, [id]);
  return presentHouse(
    (await repo.findHouseInScope(db, actor.viewer, 'person.read', id))!,
    counts.get(id) ?? 0,
  );
}

export async function listHouses(db: Db, actor: Actor, query: HouseQuery): Promise<PageOf<HouseView>> {
  const { page, pageSize, offset } = pageWindow(query);
  let withinPath: string | undefined;
  if (query.within !== undefined) {
    const area = await findAreaInScope(db, actor.viewer, 'person.read', query.within);
    if (!area)
      throw notFound('AREA_NOT_FOUND', `Area ${query.within} does not exist or is outside your area`);
    withinPath = area.path;
  }
  const { rows, total } = await repo.listHousesInScope(db, actor.viewer, {
    withinPath,
    q: query.q?.trim() || undefined,
    limit: pageSize,
    offset,
  });
  const counts = await repo.occupantCounts(
    db,
    rows.map((r) => r.id),
  );
  return {
    items: rows.map((r) => presentHouse(r, counts.get(r.id) ?? 0)),
    page,
    pageSize,
    total,
  };
}

export async function getHouse(db: Db, actor: Actor, id: number): Promise<HouseDetail> {
  const house = await repo.findHouseInScope(db, actor.viewer, 'person.read', id);
  if (!house) throw HOUSE_NOT_FOUND(id);
  const residents = await repo.searchPersons(db, actor.viewer, { houseId: id, pageSize: 500 });
  const tenancies = await repo.houseTenancies(db, id);
  return {
    ...presentHouse(house, residents.total),
    residents: residents.items.map(presentPerson),
    tenancies: tenancies.map((t) => ({
      id: t.id,
      tenantPersonId: t.tenant_person_id,
      tenantName: t.name,
      landlordPersonId: t.landlord_person_id,
      startsOn: t.starts_on,
      endsOn: t.ends_on,
      leaseReference: t.lease_reference,
      status: t.status,
    })),
  };
}

/** An online lease record: tenant household (by its head), landlord and period. */
export async function createTenancy(db: Db, actor: Actor, houseId: number, body: TenancyBody) {
  const house = await repo.findHouseInScope(db, actor.viewer, 'person.write', houseId);
  if (!house) throw HOUSE_NOT_FOUND(houseId);
  const tenant = await repo.findPersonInScope(db, actor.viewer, 'person.read', body.tenantPersonId);
  if (!tenant)
    throw notFound(
      'PERSON_NOT_FOUND',
      `body.tenantPersonId: person ${body.tenantPersonId} does not exist or is outside your area`,
    );
  await checkLandlord(db, actor.viewer, body.landlordPersonId);
  if (body.endsOn && body.endsOn < body.startsOn)
    throw invalid('VALIDATION_FAILED', 'body.endsOn is before body.startsOn', [
      { field: 'body.endsOn', code: 'periodInvalid', message: 'is before the start' },
    ]);
  const tenancyId = await repo.insertTenancy(db, {
    house_id: houseId,
    area_path: house.area_path,
    tenant_person_id: body.tenantPersonId,
    landlord_person_id: body.landlordPersonId ?? house.landlord_person_id,
    starts_on: body.startsOn,
    ends_on: body.endsOn ?? null,
    lease_reference: body.leaseReference ?? null,
    created_at: actor.now(),
  });
  await recordAudit(db, actor, {
    action: 'tenancy.create',
    entityType: 'tenancy',
    entityId: tenancyId,
    areaPath: house.area_path,
    after: body,
  });
  return getHouse(db, actor, houseId);
}
