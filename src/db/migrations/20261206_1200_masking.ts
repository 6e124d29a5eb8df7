import { type Kysely, sql } from 'kysely';

/*
 * Masking that cannot be undone (issue #9). A masked ID number that kept the region code and the
 * last four, stored beside the birth date in clear, was the whole number. From here on:
 * - ID numbers of 15 or 18 characters are masked to their first and last character, everywhere
 *   a masked copy is kept. The old mask holds both, so SQL converts it without the cipher.
 * - persons keep only the birth year in clear; the full date lives in the encrypted record.
 *   A resident ID or HMT residence permit number carries its birth date, so for those the clear
 *   date is simply dropped here. Other documents' typed dates need the cipher to move into the
 *   record: `sealBirthDates` (src/register/seal.ts) does that at every start, then clears them.
 * - Birth dates recorded in person_history changes are removed.
 * - lookup_budgets counts document lookups per caller (POST /api/persons/lookup, full-number search).
 */

const TABLES_WITH_MASKED_IDS = ['persons', 'pending_changes', 'place_scans', 'health_records', 'leads'];

/** SQL for the new mask of a column that holds an old one. */
const remask = (column: string) =>
  sql.raw(`case when char_length(${column}) in (15, 18)
    then left(${column}, 1) || repeat('*', char_length(${column}) - 2) || right(${column}, 1)
    else ${column} end`);

export async function up(db: Kysely<any>): Promise<void> {
  // Document lookups per caller and window (a minute, a day), shared by every app node.
  await sql`
    create table lookup_budgets (
      caller text not null,
      window_seconds integer not null,
      window_start timestamptz not null,
      used integer not null default 0,
      primary key (caller, window_seconds, window_start)
    )`.execute(db);

  await sql`alter table persons add column birth_year smallint check (birth_year between 1800 and 2200)`.execute(
    db,
  );
  await sql`update persons set birth_year = extract(year from birth_date)::int where birth_date is not null`.execute(
    db,
  );
  await sql`update persons set birth_date = null
    where document_type in ('resident_id', 'hmt_residence_permit') and birth_date is not null`.execute(db);
  // Import content hashes were unkeyed SHA-256 over clear fields and the birth date: trying the
  // 366 days of the stored year found it. They only spare work on re-import; imports rebuild them.
  await sql`update persons set content_hash = null where content_hash is not null`.execute(db);

  for (const table of TABLES_WITH_MASKED_IDS) {
    await sql`update ${sql.table(table)} set document_masked = ${remask('document_masked')}
      where char_length(document_masked) in (15, 18) and substr(document_masked, 2, 1) <> '*'`.execute(db);
  }

  await sql`update person_history set changes = changes - 'birth_date' where changes ? 'birth_date'`.execute(
    db,
  );

  // The audit log is append-only; this one redaction of personal data is recorded in it.
  const audited = await sql<{ n: number }>`
    select count(*)::int as n from audit_log
    where after ? 'documentMasked' and char_length(after ->> 'documentMasked') in (15, 18)
      and substr(after ->> 'documentMasked', 2, 1) <> '*'`.execute(db);
  const count = audited.rows[0]?.n ?? 0;
  if (count > 0) {
    await sql`alter table audit_log disable trigger audit_log_no_change`.execute(db);
    await sql`update audit_log
      set after = jsonb_set(after, '{documentMasked}', to_jsonb(${remask("after ->> 'documentMasked'")}))
      where after ? 'documentMasked' and char_length(after ->> 'documentMasked') in (15, 18)
        and substr(after ->> 'documentMasked', 2, 1) <> '*'`.execute(db);
    await sql`alter table audit_log enable trigger audit_log_no_change`.execute(db);
    await sql`insert into audit_log (actor_name, action, entity_type, after)
      values ('system', 'privacy.remask', 'audit_log', ${JSON.stringify({ entries: count })}::jsonb)`.execute(
      db,
    );
  }
}

export async function down(db: Kysely<any>): Promise<void> {
  // Masks and birth dates stay protected: the removed digits were never meant to be kept.
  await sql`alter table persons drop column if exists birth_year`.execute(db);
  await sql`drop table if exists lookup_budgets`.execute(db);
}
