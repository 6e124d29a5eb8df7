import { type Insertable, sql } from 'kysely';
import type { Db } from '../../auth/context.js';
import { inScope, inSubtrees, type Viewer } from '../../auth/scope.js';
import type { CertificateKind, CertificatesTable } from '../../db/schema.js';

// All SQL of commitment letters and certificates (复工承诺书, 健康证明, 居住证明).

export interface SignerRow {
  id: number;
  name: string;
  sex: 'male' | 'female' | 'unknown';
  birth_year: number | null;
  area_path: string;
  house_id: number | null;
  document_masked: string;
}

const signerColumns = [
  'p.id',
  'p.name',
  'p.sex',
  'p.birth_year',
  'p.house_id',
  'p.document_masked',
  sql<string>`p.area_path`.as('area_path'),
] as const;

/** The active residents of the house a live household door code opens, in door-page order (成员1, 成员2, …). */
export async function doorMembers(db: Db, tokenHash: string): Promise<SignerRow[] | undefined> {
  const code = await db
    .selectFrom('access_codes as c')
    .innerJoin('houses as h', (j) => j.onRef('h.id', '=', 'c.house_id').on('h.retired_at', 'is', null))
    .select('h.id')
    .where('c.token_hash', '=', tokenHash)
    .where('c.kind', '=', 'household')
    .where('c.status', '=', 'active')
    .executeTakeFirst();
  if (!code) return undefined;
  return db
    .selectFrom('persons as p')
    .select(signerColumns)
    .where('p.house_id', '=', code.id)
    .where('p.status', '=', 'active')
    .where('p.area_path', 'is not', null)
    .orderBy('p.id')
    .execute();
}

/** An active person of the viewer's `right` subtrees. */
export async function personInScope(
  db: Db,
  viewer: Viewer,
  right: 'person.read' | 'person.write',
  id: number,
) {
  return db
    .selectFrom('persons as p')
    .select(signerColumns)
    .where('p.id', '=', id)
    .where('p.status', '=', 'active')
    .where('p.area_path', 'is not', null)
    .where(inScope(viewer, right, 'p.area_path'))
    .executeTakeFirst();
}

/** The latest signature of each of these persons. */
export async function latestSignatures(db: Db, personIds: readonly number[]) {
  if (personIds.length === 0) return new Map<number, Date>();
  const rows = await db
    .selectFrom('commitment_letters')
    .select(['person_id', (eb) => eb.fn.max('signed_at').as('signed_at')])
    .where('person_id', 'in', [...personIds])
    .groupBy('person_id')
    .execute();
  return new Map(rows.map((r) => [r.person_id, new Date(r.signed_at)]));
}

export async function insertCommitment(
  db: Db,
  row: {
    personId: number;
    areaPath: string;
    version: string;
    channel: 'door' | 'desk';
    recordedBy: number | null;
    signedAt: Date;
  },
) {
  return db
    .insertInto('commitment_letters')
    .values({
      person_id: row.personId,
      area_path: row.areaPath,
      text_version: row.version,
      channel: row.channel,
      recorded_by: row.recordedBy,
      signed_at: row.signedAt,
    })
    .returning(['id', 'signed_at'])
    .executeTakeFirstOrThrow();
}

const LIST_LIMIT = 200;

/** Signed letters under `within` that the viewer may read, newest first (at most 200, and whether more exist). */
export async function listCommitments(
  db: Db,
  viewer: Viewer,
  filter: { within: string | null; personId: number | null },
) {
  let query = db
    .selectFrom('commitment_letters as c')
    .innerJoin('persons as p', 'p.id', 'c.person_id')
    .select(['c.id', 'c.person_id', 'c.text_version', 'c.channel', 'c.signed_at', 'p.name'])
    .where(inScope(viewer, 'person.read', 'c.area_path'));
  if (filter.within) query = query.where(inSubtrees([filter.within], 'c.area_path'));
  if (filter.personId) query = query.where('c.person_id', '=', filter.personId);
  const rows = await query
    .orderBy('c.signed_at', 'desc')
    .orderBy('c.id', 'desc')
    .limit(LIST_LIMIT + 1)
    .execute();
  return { rows: rows.slice(0, LIST_LIMIT), truncated: rows.length > LIST_LIMIT };
}

/** One signed letter with what its PDF prints, if the viewer may read it. */
export async function commitmentInScope(db: Db, viewer: Viewer, id: number) {
  return db
    .selectFrom('commitment_letters as c')
    .innerJoin('persons as p', 'p.id', 'c.person_id')
    .select([
      'c.id',
      'c.area_path',
      'c.text_version',
      'c.channel',
      'c.signed_at',
      'p.name',
      'p.document_masked',
    ])
    .where('c.id', '=', id)
    .where(inScope(viewer, 'person.read', 'c.area_path'))
    .executeTakeFirst();
}

/** The nearest village/community (村委会, 居委会) at or above a path: the committee that issues certificates. */
export async function issuingArea(db: Db, path: string) {
  const ids = path.split('/').filter(Boolean).map(Number);
  return db
    .selectFrom('areas')
    .select(['id', 'code', 'name', 'path'])
    .where('id', 'in', ids)
    .where('level', '=', 'village')
    .orderBy('depth', 'desc')
    .executeTakeFirst();
}

/** A live house under `within`. */
export async function liveHouseUnder(db: Db, houseId: number, within: string) {
  return db
    .selectFrom('houses')
    .select(['id', 'address'])
    .where('id', '=', houseId)
    .where('retired_at', 'is', null)
    .where(inSubtrees([within], 'area_path'))
    .executeTakeFirst();
}

/**
 * Takes the next certificate number of an area and year. The upsert locks the area's row for the rest
 * of the transaction: concurrent issues wait their turn, and a rolled-back issue gives its number back.
 */
export async function nextNumber(db: Db, areaId: number, year: number): Promise<number> {
  const row = await sql<{ last_number: number }>`
    insert into certificate_sequences (area_id, year, last_number) values (${areaId}, ${year}, 1)
    on conflict (area_id, year) do update set last_number = certificate_sequences.last_number + 1
    returning last_number`.execute(db);
  return row.rows[0]!.last_number;
}

export async function insertCertificate(db: Db, row: Insertable<CertificatesTable>) {
  return db.insertInto('certificates').values(row).returning('id').executeTakeFirstOrThrow();
}

const certificateColumns = [
  'c.id',
  'c.number',
  'c.kind',
  'c.person_id',
  'c.house_id',
  'c.area_path',
  'c.issuer_name',
  'c.issued_at',
  'c.valid_until',
  'c.name_masked',
  'c.statement',
  'c.token_secret',
  'c.revoked_at',
  'c.revoke_reason',
  'u.display_name as issued_by_name',
] as const;

/** A certificate the viewer may read (`right` in its person's area at issue). */
export async function certificateInScope(
  db: Db,
  viewer: Viewer,
  right: 'person.read' | 'person.write',
  id: number,
) {
  return db
    .selectFrom('certificates as c')
    .innerJoin('users as u', 'u.id', 'c.issued_by')
    .select(certificateColumns)
    .where('c.id', '=', id)
    .where(inScope(viewer, right, 'c.area_path'))
    .executeTakeFirst();
}
export type CertificateRow = NonNullable<Awaited<ReturnType<typeof certificateInScope>>>;

/** Certificates under `within` the viewer may read, newest first (at most 200, and whether more exist). */
export async function listCertificates(
  db: Db,
  viewer: Viewer,
  filter: { within: string | null; personId: number | null },
) {
  let query = db
    .selectFrom('certificates as c')
    .innerJoin('users as u', 'u.id', 'c.issued_by')
    .select(certificateColumns)
    .where(inScope(viewer, 'person.read', 'c.area_path'));
  if (filter.within) query = query.where(inSubtrees([filter.within], 'c.area_path'));
  if (filter.personId) query = query.where('c.person_id', '=', filter.personId);
  const rows = await query
    .orderBy('c.issued_at', 'desc')
    .orderBy('c.id', 'desc')
    .limit(LIST_LIMIT + 1)
    .execute();
  return { rows: rows.slice(0, LIST_LIMIT), truncated: rows.length > LIST_LIMIT };
}

/** Revokes a certificate unless it already is; answers whether it changed. */
export async function revokeCertificate(
  db: Db,
  id: number,
  by: number | null,
  reason: string,
  at: Date,
): Promise<boolean> {
  const result = await db
    .updateTable('certificates')
    .set({ revoked_at: at, revoked_by: by, revoke_reason: reason })
    .where('id', '=', id)
    .where('revoked_at', 'is', null)
    .executeTakeFirst();
  return Number(result.numUpdatedRows) === 1;
}

/** What the public check shows: nothing but the certificate's face (no person, house or statement). */
export async function publicCertificate(db: Db, tokenHash: string) {
  return db
    .selectFrom('certificates')
    .select(['kind', 'number', 'issuer_name', 'issued_at', 'valid_until', 'name_masked', 'revoked_at'])
    .where('token_hash', '=', tokenHash)
    .executeTakeFirst();
}

export interface AreaCounts {
  area_id: number;
  commitments: number;
  health: number;
  residence: number;
}

/**
 * For the big screen: per child area of `parent` (and the parent itself as the total), the persons who
 * signed a commitment letter and the certificates issued and not revoked, by kind. Two grouped scans
 * over the area's path range, indexed by area_path.
 */
export async function countsByChild(
  db: Db,
  parentPath: string,
  children: ReadonlyArray<{ id: number; path: string }>,
) {
  const [letters, certificates] = await Promise.all([
    db
      .selectFrom('commitment_letters')
      .select(['area_path', (eb) => eb.fn.count<string>(sql`distinct person_id`).as('n')])
      .where(inSubtrees([parentPath], 'area_path'))
      .groupBy('area_path')
      .execute(),
    db
      .selectFrom('certificates')
      .select(['area_path', 'kind', (eb) => eb.fn.countAll<string>().as('n')])
      .where(inSubtrees([parentPath], 'area_path'))
      .where('revoked_at', 'is', null)
      .groupBy(['area_path', 'kind'])
      .execute(),
  ]);
  const tally = (path: string) => {
    const counts = { commitments: 0, health: 0, residence: 0 };
    for (const r of letters) if (r.area_path.startsWith(path)) counts.commitments += Number(r.n);
    for (const r of certificates)
      if (r.area_path.startsWith(path)) counts[r.kind as CertificateKind] += Number(r.n);
    return counts;
  };
  return { total: tally(parentPath), children: children.map((c) => ({ area_id: c.id, ...tally(c.path) })) };
}

/** The live children of an area, by code. */
export async function childAreas(db: Db, parentId: number) {
  return db
    .selectFrom('areas')
    .select(['id', 'code', 'name', 'path'])
    .where('parent_id', '=', parentId)
    .where('retired_at', 'is', null)
    .orderBy('code')
    .execute();
}

/** The demo's first residents living at a house under an area, in register order. */
export async function residentsUnder(db: Db, path: string, limit: number) {
  return db
    .selectFrom('persons')
    .select(['id', 'name'])
    .where('status', '=', 'active')
    .where('house_id', 'is not', null)
    .where(inSubtrees([path], 'area_path'))
    .orderBy('id')
    .limit(limit)
    .execute();
}
