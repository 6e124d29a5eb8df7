import { sql } from 'kysely';
import type { Db } from '../../auth/context.js';

export async function latestPositiveTest(db: Db, personId: number) {
  return db
    .selectFrom('health_records')
    .select(['id', 'occurred_at'])
    .where('person_id', '=', personId)
    .where('kind', '=', 'test')
    .where('result', '=', 'positive')
    .orderBy('occurred_at', 'desc')
    .limit(1)
    .executeTakeFirst();
}

export interface Identity {
  documentHash: string;
  phoneHash: string | null;
}

/** Where the person scanned in the period: their scans by ID hash or phone hash. */
export async function caseScans(db: Db, who: Identity, from: Date, to: Date) {
  return db
    .selectFrom('place_scans as s')
    .innerJoin('places as pl', 'pl.id', 's.place_id')
    .select(['s.id', 's.place_id', 's.scanned_at', 'pl.name as place_name'])
    .where((eb) =>
      eb.or([
        eb('s.document_hash', '=', who.documentHash),
        ...(who.phoneHash ? [eb('s.phone_hash', '=', who.phoneHash)] : []),
      ]),
    )
    .where('s.scanned_at', '>=', from)
    .where('s.scanned_at', '<', to)
    .orderBy('s.scanned_at')
    .orderBy('s.id')
    .execute();
}

export interface ContactScanRow {
  case_scan_id: number;
  case_at: Date;
  place_id: number;
  place_name: string;
  id: number;
  scanned_at: Date;
  document_hash: string | null;
  phone_hash: string | null;
  document_masked: string | null;
  phone_masked: string | null;
  name_masked: string | null;
  secret: string;
}

/**
 * Everyone else who scanned the same place within ±`seconds` of one of the case's scans
 * (one index range per case scan on place_scans (place_id, scanned_at)).
 */
export async function contactScans(
  db: Db,
  caseScanIds: readonly number[],
  who: Identity,
  seconds: number,
): Promise<ContactScanRow[]> {
  if (caseScanIds.length === 0) return [];
  const result = await sql<ContactScanRow>`
    select c.id as case_scan_id, c.scanned_at as case_at, c.place_id, pl.name as place_name,
      o.id, o.scanned_at, o.document_hash, o.phone_hash, o.document_masked, o.phone_masked, o.name_masked, o.secret
    from place_scans c
    join places pl on pl.id = c.place_id
    join place_scans o on o.place_id = c.place_id
      and o.scanned_at >= c.scanned_at - make_interval(secs => ${seconds}::double precision)
      and o.scanned_at <= c.scanned_at + make_interval(secs => ${seconds}::double precision)
    where c.id = any(${[...caseScanIds]}::bigint[])
      and not coalesce(o.document_hash = ${who.documentHash} or o.phone_hash = ${who.phoneHash}, false)
    order by o.scanned_at, o.id, c.scanned_at`.execute(db);
  return result.rows;
}

function personsWithArea(db: Db) {
  return db
    .selectFrom('persons as p')
    .leftJoin('areas as a', 'a.id', 'p.area_id')
    .leftJoin('houses as h', 'h.id', 'p.house_id')
    .select([
      'p.id',
      'p.name',
      'p.document_hash',
      'p.document_masked',
      'p.phone_hash',
      'p.phone_masked',
      'p.secret',
      'p.status',
      'p.area_id',
      'p.area_path',
      'p.house_id',
      'p.current_address',
      'h.address as house_address',
      'a.code as area_code',
      'a.name as area_name',
    ]);
}
export type ContactPersonRow = NonNullable<
  Awaited<ReturnType<ReturnType<typeof personsWithArea>['executeTakeFirst']>>
>;

export async function personsByDocumentHash(db: Db, hashes: readonly string[]) {
  if (hashes.length === 0) return [];
  return personsWithArea(db)
    .where('p.document_hash', 'in', [...new Set(hashes)])
    .execute();
}

export async function activePersonsByPhoneHash(db: Db, hashes: readonly string[]) {
  if (hashes.length === 0) return [];
  return personsWithArea(db)
    .where('p.phone_hash', 'in', [...new Set(hashes)])
    .where('p.status', '=', 'active')
    .execute();
}

/** The other active residents of the house. */
export async function householdMembers(db: Db, houseId: number, exceptPersonId: number) {
  return personsWithArea(db)
    .where('p.house_id', '=', houseId)
    .where('p.status', '=', 'active')
    .where('p.id', '<>', exceptPersonId)
    .orderBy('p.id')
    .execute();
}

export async function findPerson(db: Db, id: number) {
  return personsWithArea(db).where('p.id', '=', id).executeTakeFirst();
}
