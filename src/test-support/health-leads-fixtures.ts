// Test data for the lead, contact and report tests: persons and houses through the register's
// own services, place scans stored the way the place-code service stores them.
import { SYSTEM_VIEWER } from '../auth/scope.js';
import type { Actor, Db } from '../auth/context.js';
import type { FieldCipher } from '../privacy/field-crypto.js';
import { protectIdentity } from '../privacy/protect.js';
import { createHouse } from '../register/house-service.js';
import { residentIdCheckCharacter } from '../register/identity/identity-number.js';
import { registerPerson } from '../register/person-service.js';
import type { RegisterPersonBody } from '../register/schema.js';

export const systemActor = (now: () => Date): Actor => ({ viewer: SYSTEM_VIEWER, ip: null, now });

let serial = 0;
/** A valid resident ID number, unique within the process. */
export function nextIdNumber(): string {
  const first17 = `33010619800101${String(100 + (serial++ % 900))}`;
  return first17 + residentIdCheckCharacter(first17);
}

export async function addHouse(db: Db, actor: Actor, areaId: number, address: string): Promise<number> {
  return (await createHouse(db, actor, { areaId, address })).id;
}

export async function addPerson(
  db: Db,
  actor: Actor,
  cipher: FieldCipher,
  fields: Partial<RegisterPersonBody> & ({ areaId: number } | { houseId: number }),
): Promise<{ id: number; documentNumber: string }> {
  const documentNumber = fields.documentNumber ?? nextIdNumber();
  const { person } = await registerPerson(db, actor, cipher, {
    name: '测试人',
    residenceType: 'permanent',
    ...fields,
    documentNumber,
  });
  return { id: person.id, documentNumber };
}

/** A scan of a place code as the public form stores it: hashes, masked copies, encrypted identity. */
export async function addScan(
  db: Db,
  cipher: FieldCipher,
  placeId: number,
  at: Date,
  who: { documentNumber?: string; phone?: string; name?: string },
): Promise<number> {
  const scanned = protectIdentity(
    cipher,
    { documentNumber: who.documentNumber ?? null, phone: who.phone ?? null, name: who.name ?? null },
    { documentType: who.documentNumber ? 'resident_id' : null },
  );
  const row = await db
    .insertInto('place_scans')
    .values({
      place_id: placeId,
      scanned_at: at,
      document_hash: scanned.documentHash,
      phone_hash: scanned.phoneHash,
      document_masked: scanned.documentMasked,
      phone_masked: scanned.phoneMasked,
      name_masked: scanned.nameMasked,
      secret: scanned.secret,
    })
    .returning('id')
    .executeTakeFirstOrThrow();
  return row.id;
}

export async function addPlace(db: Db, area: { id: number; path: string }, name: string): Promise<number> {
  const row = await db
    .insertInto('places')
    .values({ area_id: area.id, area_path: area.path, name, kind: 'shop', address: null })
    .returning('id')
    .executeTakeFirstOrThrow();
  return row.id;
}
