import { type Kysely, sql } from 'kysely';

/*
 * Names given outside the register (an event's reporter, a request's requester) follow the rule
 * place scans, door-code submissions, health records and leads already kept: the whole name only
 * encrypted, its mask beside it. These columns receive them; the migration has no cipher, so
 * `sealClearNames` (src/key-rotation/seal-names.ts) moves each clear name in at every start and empties
 * the old column.
 */

export async function up(db: Kysely<any>): Promise<void> {
  await sql`alter table events add column reporter_name_secret text, add column reporter_name_masked text`.execute(
    db,
  );
  await sql`alter table resident_requests
    add column requester_name_secret text, add column requester_name_masked text`.execute(db);
}

export async function down(db: Kysely<any>): Promise<void> {
  await sql`alter table events drop column if exists reporter_name_secret, drop column if exists reporter_name_masked`.execute(
    db,
  );
  await sql`alter table resident_requests
    drop column if exists requester_name_secret, drop column if exists requester_name_masked`.execute(db);
}
