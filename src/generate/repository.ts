import { sql } from 'kysely';
import type { Db } from '../auth/context.js';

/** One batch of generated residents, column by column (the i-th entry of each array is one person). */
export interface GeneratedPersonColumns {
  area_id: number[];
  area_path: string[];
  secret: string[];
  document_hash: string[];
  document_masked: string[];
  phone_hash: (string | null)[];
  phone_masked: (string | null)[];
  name: string[];
  sex: string[];
  birth_year: (number | null)[];
  region_code: string[];
}

/** Stores a batch of generated permanent residents in one statement, from typed arrays. */
export async function insertGeneratedPersons(
  db: Db,
  columns: GeneratedPersonColumns,
  now: Date,
): Promise<void> {
  await sql`
    insert into persons (area_id, area_path, secret, document_type, document_hash, document_masked, phone_hash, phone_masked, name, sex, birth_year, region_code, residence_type, created_at, updated_at)
    select a, p, s, 'resident_id', dh, dm, ph, pm, n, sx, yr, rc, 'permanent', ${now}, ${now}
    from unnest(${columns.area_id}::int[], ${columns.area_path}::text[], ${columns.secret}::text[], ${columns.document_hash}::text[],
      ${columns.document_masked}::text[], ${columns.phone_hash}::text[], ${columns.phone_masked}::text[], ${columns.name}::text[],
      ${columns.sex}::text[], ${columns.birth_year}::int[], ${columns.region_code}::text[])
      as i(a, p, s, dh, dm, ph, pm, n, sx, yr, rc)`.execute(db);
}

/** Refreshes the planner's statistics after a bulk load, so the first queries get good plans. */
export async function analyzePersonsAndAreas(db: Db): Promise<void> {
  await sql`analyze persons`.execute(db);
  await sql`analyze areas`.execute(db);
}
