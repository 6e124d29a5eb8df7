import { recordAudit } from '../audit/repository.js';
import { can, canAnywhere, type Viewer, viewerName } from '../auth/scope.js';
import type { Actor, Db } from '../auth/context.js';
import { AppError, forbidden, invalid, notFound } from '../core/errors.js';
import { personsRegistered } from './person-hooks.js';
import type { PageOf } from '../core/pagination.js';
import { RESIDENT_LEVELS } from '../hierarchy/codes.js';
import { findAreaInScope } from '../hierarchy/repository.js';
import type { FieldCipher } from '../privacy/field-crypto.js';
import { documentHashes, idNumberInClear, phoneInClear } from '../privacy/protect.js';
import { type DocumentType, parseDocument } from './identity/documents.js';
import { normaliseIdInput } from './identity/identity-number.js';
import { normalisePhone, protectPerson, revealPerson as decryptSecrets } from './protect.js';
import { LookupRateLimited, spendLookup } from './lookup-budget.js';
import * as repo from './repository.js';
import type { PersonRow } from './repository.js';
import type {
  DepartPersonBody,
  MovePersonBody,
  PersonDetail,
  PersonQuery,
  PersonView,
  RegisterPersonBody,
  UpdatePersonBody,
} from './schema.js';

const PERSON_NOT_FOUND = (id: number) =>
  notFound('PERSON_NOT_FOUND', `Person ${id} does not exist or is outside your area`);

/**
 * The one place a person row becomes an API object. Document number and phone only ever masked,
 * and the birth year instead of the date: mask and date together would be the number again.
 */
export function presentPerson(row: PersonRow): PersonView {
  return {
    id: row.id,
    name: row.name,
    documentType: row.document_type,
    documentMasked: row.document_masked,
    sex: row.sex,
    birthYear: row.birth_year,
    phoneMasked: row.phone_masked,
    hukouAddress: row.hukou_address,
    currentAddress: row.current_address,
    residenceType: row.residence_type,
    relation: row.relation,
    arrivalDate: row.arrival_date,
    arrivalReason: row.arrival_reason,
    arrivedFrom: row.arrived_from,
    expectedDeparture: row.expected_departure,
    workplace: row.workplace,
    tags: row.tags,
    status: row.status,
    departedOn: row.departed_on,
    departureDestination: row.departure_destination,
    area:
      row.area_id !== null && row.area_code !== null
        ? {
            id: row.area_id,
            code: row.area_code,
            name: row.area_name ?? '',
            ...(row.area_path ? { path: row.area_path } : {}),
          }
        : null,
    house:
      row.house_id !== null && row.house_address !== null
        ? { id: row.house_id, address: row.house_address }
        : null,
    updatedAt: row.updated_at.toISOString(),
  };
}

export interface Place {
  areaId: number;
  areaPath: string;
  houseId: number | null;
  address: string | null;
}

/** Resolves where a person is registered: a house (which fixes the area) or an area the caller may write to. */
export async function resolvePlace(
  db: Db,
  viewer: Viewer,
  input: { areaId?: number | undefined; houseId?: number | undefined },
  field = 'body',
): Promise<Place> {
  if (input.houseId !== undefined) {
    const house = await repo.findHouseInScope(db, viewer, 'person.write', input.houseId);
    if (!house)
      throw notFound(
        'HOUSE_NOT_FOUND',
        `${field}.houseId: house ${input.houseId} does not exist or is outside your area`,
      );
    if (input.areaId !== undefined && input.areaId !== house.area_id) {
      throw invalid('VALIDATION_FAILED', `${field}.areaId does not match the house's area`, [
        { field: `${field}.areaId`, code: 'notHouseArea', message: 'does not match the house' },
      ]);
    }
    return { areaId: house.area_id, areaPath: house.area_path, houseId: house.id, address: house.address };
  }
  if (input.areaId === undefined)
    throw invalid('VALIDATION_FAILED', `${field}.areaId or ${field}.houseId is required`, [
      { field: `${field}.areaId`, code: 'required', message: 'is required' },
    ]);
  const area = await findAreaInScope(db, viewer, 'person.write', input.areaId);
  // The field is named so the form marks the area picker, as for any other field error.
  if (!area)
    throw new AppError(
      'AREA_NOT_FOUND',
      404,
      `${field}.areaId: area ${input.areaId} does not exist or is outside your area`,
      [{ field: `${field}.areaId`, code: 'areaOutOfReach' }],
    );
  if (!RESIDENT_LEVELS.includes(area.level)) {
    throw invalid(
      'AREA_LEVEL_INVALID',
      `${field}.areaId must be a grid, micro-grid or row cell, not a ${area.level}`,
      [{ field: `${field}.areaId`, code: 'wrongLevel', message: `is a ${area.level}` }],
    );
  }
  return { areaId: area.id, areaPath: area.path, houseId: null, address: null };
}

export function checkedDocument(
  type: DocumentType,
  number: string,
  field = 'body.documentNumber',
  today?: Date,
) {
  const parsed = parseDocument(type, number, today ? { today } : {});
  if (!parsed.ok)
    throw invalid(parsed.code, `${field} ${parsed.message}`, [
      {
        field,
        code: parsed.problem,
        ...(parsed.params ? { params: parsed.params } : {}),
        message: parsed.message,
      },
    ]);
  return parsed.value;
}

export function checkedPhone(phone: string | null | undefined, field = 'body.phone'): string | null {
  if (phone === null || phone === undefined || phone.trim() === '') return null;
  const normalised = normalisePhone(phone);
  if (!normalised.ok)
    throw invalid('PHONE_INVALID', `${field} ${normalised.message}`, [
      { field, code: 'phone', message: normalised.message },
    ]);
  return normalised.value;
}

/** Fields that differ between what is stored and what was sent; secrets are named, never shown. */
function changedFields(
  row: PersonRow,
  next: Record<string, unknown>,
): Record<string, { from: unknown; to: unknown }> {
  const changes: Record<string, { from: unknown; to: unknown }> = {};
  for (const [column, value] of Object.entries(next)) {
    if (value === undefined) continue;
    const current = (row as unknown as Record<string, unknown>)[column];
    if (JSON.stringify(current) !== JSON.stringify(value)) changes[column] = { from: current, to: value };
  }
  return changes;
}

/**
 * Registers a person, or — when the document is already known — updates that same person
 * (one person per document number). Typing an ID number derives sex and birth date from it;
 * a contradicting value is refused rather than stored.
 */
export async function registerPerson(
  db: Db,
  actor: Actor,
  cipher: FieldCipher,
  body: RegisterPersonBody,
  source = 'api',
): Promise<{ person: PersonView; created: boolean }> {
  const type = body.documentType ?? 'resident_id';
  const document = checkedDocument(type, body.documentNumber, 'body.documentNumber', actor.now());
  if (document.sex && body.sex && body.sex !== 'unknown' && body.sex !== document.sex) {
    throw invalid('PERSON_SEX_MISMATCH', `body.sex is ${body.sex} but the ID number says ${document.sex}`, [
      { field: 'body.sex', code: 'sexMismatch', message: 'contradicts the ID number' },
    ]);
  }
  if (document.birthDate && body.birthDate && body.birthDate !== document.birthDate) {
    throw invalid(
      'PERSON_BIRTH_DATE_MISMATCH',
      `body.birthDate is ${body.birthDate} but the ID number says ${document.birthDate}`,
      [{ field: 'body.birthDate', code: 'birthDateMismatch', message: 'contradicts the ID number' }],
    );
  }
  const phone = checkedPhone(body.phone);
  const birthDate = document.birthDate ?? body.birthDate ?? null;
  const place = await resolvePlace(db, actor.viewer, body);
  const existing = await repo.findPersonByDocumentHash(db, documentHashes(cipher, type, document.number));
  const now = actor.now();
  const fields = {
    name: body.name.trim(),
    sex: document.sex ?? body.sex ?? 'unknown',
    region_code: document.regionCode ?? null,
    hukou_address: body.hukouAddress?.trim() || undefined,
    current_address: body.currentAddress?.trim() || place.address || undefined,
    residence_type: body.residenceType,
    relation: body.relation?.trim() || undefined,
    arrival_date: body.arrivalDate,
    arrival_reason: body.arrivalReason?.trim() || undefined,
    arrived_from: body.arrivedFrom?.trim() || undefined,
    expected_departure: body.expectedDeparture,
    workplace: body.workplace?.trim() || undefined,
    tags: body.tags,
  };

  if (existing) {
    // Merging into someone registered elsewhere moves them here, which needs the right over their old area too.
    if (
      existing.area_path &&
      !can(actor.viewer, 'person.write', existing.area_path) &&
      existing.status === 'active'
    ) {
      throw new AppError(
        'PERSON_REGISTERED_ELSEWHERE',
        409,
        'This person is registered as living in another area; ask its grid worker to record the departure first',
      );
    }
    const secrets = decryptSecrets(cipher, existing.secret);
    const nextPhone = phone ?? secrets.phone;
    const nextBirthDate = birthDate ?? secrets.birthDate;
    const changes = changedFields(existing, {
      ...fields,
      area_id: place.areaId,
      house_id: place.houseId,
      status: 'active',
    });
    if (nextPhone !== secrets.phone) changes.phone = { from: secrets.phone ? 'previous' : null, to: 'new' };
    if (nextBirthDate !== secrets.birthDate)
      changes.birthDate = { from: secrets.birthDate ? 'previous' : null, to: 'new' };
    if (Object.keys(changes).length > 0) {
      await repo.updatePersonRow(db, existing.id, {
        ...Object.fromEntries(Object.entries(fields).filter(([, v]) => v !== undefined)),
        ...protectPerson(cipher, type, {
          documentNumber: document.number,
          phone: nextPhone,
          birthDate: nextBirthDate,
        }),
        area_id: place.areaId,
        area_path: place.areaPath,
        house_id: place.houseId,
        status: 'active',
        departed_on: null,
        departure_destination: null,
        updated_at: now,
      });
      const moved = existing.area_id !== place.areaId || existing.house_id !== place.houseId;
      await repo.recordHistory(db, [
        {
          personId: existing.id,
          kind: existing.status !== 'active' ? 'returned' : moved ? 'changed_area' : 'updated',
          at: now,
          actorName: viewerName(actor.viewer),
          fromAreaId: existing.area_id,
          toAreaId: place.areaId,
          fromHouseId: existing.house_id,
          toHouseId: place.houseId,
          changes,
          source,
        },
      ]);
      await recordAudit(db, actor, {
        action: 'person.merge',
        entityType: 'person',
        entityId: existing.id,
        areaPath: place.areaPath,
        after: { fields: Object.keys(changes) },
      });
    }
    await personsRegistered(db, [existing.id], now);
    const row = await repo.findPersonInScope(db, actor.viewer, 'person.read', existing.id);
    return { person: presentPerson(row!), created: false };
  }

  const insertedId = await repo.insertPerson(db, {
    ...Object.fromEntries(Object.entries(fields).filter(([, v]) => v !== undefined)),
    name: fields.name,
    document_type: type,
    ...protectPerson(cipher, type, { documentNumber: document.number, phone, birthDate }),
    area_id: place.areaId,
    area_path: place.areaPath,
    house_id: place.houseId,
    created_at: now,
    updated_at: now,
  });
  await repo.recordHistory(db, [
    {
      personId: insertedId,
      kind: 'registered',
      at: now,
      actorName: viewerName(actor.viewer),
      toAreaId: place.areaId,
      toHouseId: place.houseId,
      source,
    },
  ]);
  await recordAudit(db, actor, {
    action: 'person.register',
    entityType: 'person',
    entityId: insertedId,
    areaPath: place.areaPath,
    after: { name: fields.name, documentMasked: idNumberInClear(cipher, type, document.number).masked },
  });
  // Health records that arrived before the person was registered find them now.
  await personsRegistered(db, [insertedId], now);
  const row = await repo.findPersonInScope(db, actor.viewer, 'person.read', insertedId);
  return { person: presentPerson(row!), created: true };
}

/**
 * Spends one of the caller's number lookups (lookup-budget.ts) before a full ID or phone number
 * is tested against the register; a refusal is audited once per window and answered 429.
 */
async function spendNumberLookup(db: Db, actor: Actor, detail: Record<string, unknown>): Promise<void> {
  const refused = await spendLookup(db, actor.viewer, actor.now());
  if (!refused) return;
  if (refused.firstRefusal)
    await recordAudit(db, actor, {
      action: 'person.lookup_refused',
      entityType: 'person',
      after: { ...detail, retryAfterSeconds: refused.retryAfterSeconds },
    });
  throw new LookupRateLimited(refused.retryAfterSeconds);
}

/**
 * What typing an ID number tells: the sex and birth date the number itself carries, and the
 * person if they live in the caller's area. Outside it, only what registering needs: callers who
 * may register people learn that registering this number here would be refused (the person lives
 * in an area they may not change), never where or who. Read-only callers learn nothing of people
 * outside their area. Every lookup spends the caller's budget and is audited with the keyed hash
 * and the masked number, never the number. Pass the database, not a transaction: spent budget stays spent.
 */
export async function lookupDocument(
  db: Db,
  actor: Actor,
  cipher: FieldCipher,
  type: DocumentType,
  number: string,
) {
  const document = checkedDocument(type, number, 'body.documentNumber', actor.now());
  const { hash, masked: documentMasked } = idNumberInClear(cipher, type, document.number);
  await spendNumberLookup(db, actor, { documentType: type, documentMasked, documentHash: hash });
  const existing = await repo.findPersonByDocumentHash(db, documentHashes(cipher, type, document.number));
  const visible =
    existing?.area_path && can(actor.viewer, 'person.read', existing.area_path) ? existing : null;
  const registeredElsewhere =
    visible === null &&
    existing?.status === 'active' &&
    existing.area_path !== null &&
    !can(actor.viewer, 'person.write', existing.area_path) &&
    canAnywhere(actor.viewer, 'person.write');
  await recordAudit(db, actor, {
    action: 'person.lookup',
    entityType: 'person',
    entityId: visible?.id ?? null,
    // The holder's area, so its auditors see who looks up their residents from elsewhere.
    areaPath: existing?.area_path ?? null,
    after: {
      documentType: type,
      documentMasked,
      documentHash: hash,
      answer: visible ? 'in_scope' : registeredElsewhere ? 'registered_elsewhere' : 'not_found',
    },
  });
  return {
    documentType: type,
    documentMasked,
    sex: document.sex ?? null,
    birthDate: document.birthDate ?? null,
    regionCode: document.regionCode ?? null,
    existing: visible ? presentPerson(visible) : null,
    registeredElsewhere,
  };
}

/** History rows keep database column names; the API speaks camelCase like the rest of the person. */
function apiFieldNames(changes: object | null): object | null {
  if (changes === null) return null;
  return Object.fromEntries(
    Object.entries(changes).map(([key, value]) => [
      key.replace(/_([a-z])/g, (_, c: string) => c.toUpperCase()),
      value,
    ]),
  );
}

export async function getPerson(db: Db, actor: Actor, id: number): Promise<PersonDetail> {
  const row = await repo.findPersonInScope(db, actor.viewer, 'person.read', id);
  if (!row) throw PERSON_NOT_FOUND(id);
  const history = await repo.personHistory(db, id);
  return {
    ...presentPerson(row),
    history: history.map((h) => ({
      at: h.at.toISOString(),
      kind: h.kind,
      fromArea: h.from_area,
      toArea: h.to_area,
      fromHouse: h.from_house,
      toHouse: h.to_house,
      changes: apiFieldNames(h.changes),
      actor: h.actor_name,
      source: h.source,
    })),
  };
}

export async function listPersons(
  db: Db,
  actor: Actor,
  cipher: FieldCipher,
  query: PersonQuery,
  /** `read`: where the list itself is read (a replica); the lookup budget and the audit stay on `db`. */
  options: { feverThreshold?: number; read?: Db } = {},
): Promise<PageOf<PersonView>> {
  const read = options.read ?? db;
  let withinPath: string | undefined;
  if (query.within !== undefined) {
    const area = await findAreaInScope(read, actor.viewer, 'person.read', query.within);
    if (!area)
      throw notFound('AREA_NOT_FOUND', `Area ${query.within} does not exist or is outside your area`);
    withinPath = area.path;
  }
  const q = query.q?.trim() ?? '';
  const search: repo.PersonSearch = {
    ...query,
    ...(withinPath ? { withinPath } : {}),
    now: actor.now(),
    ...(options.feverThreshold !== undefined ? { feverThreshold: options.feverThreshold } : {}),
  };
  const asId = parseDocument('resident_id', q);
  const typedId = asId.ok
    ? idNumberInClear(cipher, 'resident_id', asId.value.number)
    : /^[A-Z0-9]{6,20}$/i.test(normaliseIdInput(q)) && !/^\d+$/.test(q)
      ? idNumberInClear(cipher, 'passport', normaliseIdInput(q))
      : null;
  if (typedId) search.documentHash = typedId.hash;
  const asPhone = q ? normalisePhone(q) : null;
  const typedPhone = asPhone?.ok ? phoneInClear(cipher, asPhone.value) : null;
  if (typedPhone) search.phoneHash = typedPhone.hash;
  // A whole number typed into the search tests it against the register, like a lookup.
  const tested = typedId
    ? { documentHash: typedId.hash, documentMasked: typedId.masked }
    : typedPhone
      ? { phoneHash: typedPhone.hash, phoneMasked: typedPhone.masked }
      : null;
  if (tested) await spendNumberLookup(db, actor, tested);
  const page = await repo.searchPersons(read, actor.viewer, search);
  if (tested)
    await recordAudit(db, actor, {
      action: 'person.search_number',
      entityType: 'person',
      after: { ...tested, matches: page.total },
    });
  return { ...page, items: page.items.map(presentPerson) };
}

async function personToWrite(db: Db, viewer: Viewer, id: number): Promise<PersonRow> {
  const row = await repo.findPersonInScope(db, viewer, 'person.read', id);
  if (!row) throw PERSON_NOT_FOUND(id);
  if (!row.area_path || !can(viewer, 'person.write', row.area_path))
    throw forbidden('You may view this person but not change the record');
  return row;
}

export async function updatePerson(
  db: Db,
  actor: Actor,
  cipher: FieldCipher,
  id: number,
  body: UpdatePersonBody,
): Promise<PersonView> {
  const row = await personToWrite(db, actor.viewer, id);
  const fields = {
    name: body.name?.trim(),
    hukou_address: body.hukouAddress === undefined ? undefined : body.hukouAddress?.trim() || null,
    current_address: body.currentAddress === undefined ? undefined : body.currentAddress?.trim() || null,
    residence_type: body.residenceType,
    relation: body.relation === undefined ? undefined : body.relation?.trim() || null,
    arrival_date: body.arrivalDate,
    arrival_reason: body.arrivalReason === undefined ? undefined : body.arrivalReason?.trim() || null,
    arrived_from: body.arrivedFrom === undefined ? undefined : body.arrivedFrom?.trim() || null,
    expected_departure: body.expectedDeparture,
    workplace: body.workplace === undefined ? undefined : body.workplace?.trim() || null,
    tags: body.tags,
  };
  const changes = changedFields(row, fields);
  let secretColumns = {};
  if (body.phone !== undefined) {
    const secrets = decryptSecrets(cipher, row.secret);
    const phone = checkedPhone(body.phone);
    if (phone !== secrets.phone) {
      changes.phone = { from: secrets.phone ? 'previous' : null, to: phone ? 'new' : null };
      secretColumns = protectPerson(cipher, row.document_type as DocumentType, { ...secrets, phone });
    }
  }
  if (Object.keys(changes).length === 0) return presentPerson(row);
  const now = actor.now();
  await repo.updatePersonRow(db, id, {
    ...Object.fromEntries(Object.entries(fields).filter(([, v]) => v !== undefined)),
    ...secretColumns,
    updated_at: now,
  });
  await repo.recordHistory(db, [
    { personId: id, kind: 'updated', at: now, actorName: viewerName(actor.viewer), changes, source: 'api' },
  ]);
  await recordAudit(db, actor, {
    action: 'person.update',
    entityType: 'person',
    entityId: id,
    areaPath: row.area_path,
    after: { fields: Object.keys(changes) },
  });
  return presentPerson((await repo.findPersonInScope(db, actor.viewer, 'person.read', id))!);
}

/** Moves a person to another house or area of the caller's scope; the old place stays in the history. */
export async function movePerson(
  db: Db,
  actor: Actor,
  id: number,
  body: MovePersonBody,
): Promise<PersonView> {
  const row = await personToWrite(db, actor.viewer, id);
  const place = await resolvePlace(db, actor.viewer, body);
  const now = actor.now();
  await repo.updatePersonRow(db, id, {
    area_id: place.areaId,
    area_path: place.areaPath,
    house_id: place.houseId,
    current_address: place.address ?? row.current_address,
    updated_at: now,
  });
  await repo.recordHistory(db, [
    {
      personId: id,
      kind: 'changed_area',
      at: now,
      actorName: viewerName(actor.viewer),
      fromAreaId: row.area_id,
      toAreaId: place.areaId,
      fromHouseId: row.house_id,
      toHouseId: place.houseId,
      changes: body.reason ? { reason: body.reason } : null,
      source: 'api',
    },
  ]);
  await personsRegistered(db, [id], now);
  await recordAudit(db, actor, {
    action: 'person.move',
    entityType: 'person',
    entityId: id,
    areaPath: place.areaPath,
    before: { areaId: row.area_id, houseId: row.house_id },
    after: { areaId: place.areaId, houseId: place.houseId },
  });
  return presentPerson((await repo.findPersonInScope(db, actor.viewer, 'person.read', id))!);
}

/** 走时注销: the person leaves; the record stays (with its area, for the history), marked departed. */
export async function departPerson(
  db: Db,
  actor: Actor,
  id: number,
  body: DepartPersonBody,
  source = 'api',
): Promise<PersonView> {
  const row = await personToWrite(db, actor.viewer, id);
  if (row.status !== 'active') throw invalid('PERSON_NOT_ACTIVE', `Person ${id} is already ${row.status}`);
  const now = actor.now();
  await repo.updatePersonRow(db, id, {
    status: 'departed',
    departed_on: body.departedOn,
    departure_destination: body.destination?.trim() || null,
    house_id: null,
    updated_at: now,
  });
  await repo.recordHistory(db, [
    {
      personId: id,
      kind: 'moved_out',
      at: now,
      actorName: viewerName(actor.viewer),
      fromAreaId: row.area_id,
      fromHouseId: row.house_id,
      changes: { departedOn: body.departedOn, destination: body.destination ?? null },
      source,
    },
  ]);
  await recordAudit(db, actor, {
    action: 'person.depart',
    entityType: 'person',
    entityId: id,
    areaPath: row.area_path,
    after: { departedOn: body.departedOn },
  });
  return presentPerson((await repo.findPersonInScope(db, actor.viewer, 'person.read', id))!);
}

/** Shows the full document number and phone to someone with the right, and records who, when and why. */
export async function revealPerson(db: Db, actor: Actor, cipher: FieldCipher, id: number, reason: string) {
  const row = await repo.findPersonInScope(db, actor.viewer, 'person.read', id);
  if (!row) throw PERSON_NOT_FOUND(id);
  if (!row.area_path || !can(actor.viewer, 'person.reveal', row.area_path))
    throw forbidden('You may not see unmasked identity numbers or phones here');
  await recordAudit(db, actor, {
    action: 'person.reveal',
    entityType: 'person',
    entityId: id,
    areaPath: row.area_path,
    reason,
  });
  return decryptSecrets(cipher, row.secret);
}

/**
 * The phone alone, for a worker calling the household from the doorstep: the least a call needs (no
 * ID number, no birth date). Audit-logged as person.call with the reason when there is a number to show.
 */
export async function phoneToCall(
  db: Db,
  actor: Actor,
  cipher: FieldCipher,
  id: number,
  reason: string,
): Promise<{ phone: string | null }> {
  const row = await repo.findPersonInScope(db, actor.viewer, 'person.read', id);
  if (!row) throw PERSON_NOT_FOUND(id);
  if (!row.area_path || !can(actor.viewer, 'person.reveal', row.area_path))
    throw forbidden('You may not see unmasked phones here');
  const phone = decryptSecrets(cipher, row.secret).phone;
  if (phone)
    await recordAudit(db, actor, {
      action: 'person.call',
      entityType: 'person',
      entityId: id,
      areaPath: row.area_path,
      reason: reason.trim(),
    });
  return { phone };
}
