import { randomBytes } from 'node:crypto';
import type { Kysely } from 'kysely';
import type { DB } from '../db/schema.js';
import type { AreaRow } from '../hierarchy/repository.js';
import { newToken, tokenHash } from '../household-codes/tokens.js';

/** Test data for the community-service modules, written straight to the tables. */

let houseSerial = 1;
export async function createHouse(
  db: Kysely<DB>,
  area: AreaRow,
  address = `测试路${houseSerial++}号${randomBytes(2).toString('hex')}`,
) {
  return db
    .insertInto('houses')
    .values({ area_id: area.id, area_path: area.path, address })
    .returning(['id', 'address', 'area_id', 'area_path'])
    .executeTakeFirstOrThrow();
}

export async function createHouses(db: Kysely<DB>, area: AreaRow, count: number) {
  const houses = [];
  for (let i = 0; i < count; i++) houses.push(await createHouse(db, area));
  return houses;
}

/** An active resident of the house with the given register tags. */
export async function addResident(
  db: Kysely<DB>,
  house: { id: number; area_id: number; area_path: string },
  tags: string[] = [],
) {
  return db
    .insertInto('persons')
    .values({
      area_id: house.area_id,
      area_path: house.area_path,
      house_id: house.id,
      document_type: 'resident_id',
      document_hash: randomBytes(12).toString('base64url'),
      document_masked: '1****************0',
      secret: 'test',
      name: '测试居民',
      tags,
    })
    .returning('id')
    .executeTakeFirstOrThrow();
}

/** An active household door code (一户一码); returns the token the QR code would carry. */
export async function issueDoorToken(
  db: Kysely<DB>,
  house: { id: number; area_id: number; area_path: string },
) {
  const token = newToken();
  await db
    .insertInto('access_codes')
    .values({
      kind: 'household',
      house_id: house.id,
      area_id: house.area_id,
      area_path: house.area_path,
      token_hash: tokenHash(token),
      token_secret: 'not-printed-in-tests',
      issued_by: 'test',
      issued_at: new Date(),
    })
    .returning('id')
    .executeTakeFirstOrThrow();
  return token;
}
