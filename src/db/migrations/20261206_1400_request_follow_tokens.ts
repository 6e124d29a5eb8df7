import { type Kysely, sql } from 'kysely';

// The door code hangs on the door, so it no longer opens a household's help requests: each request
// asked for at the door carries its own follow link, given once to the person who asked. Only the
// SHA-256 of the link's 192-bit token is kept (like an event's follow-and-rate link).
export async function up(db: Kysely<any>): Promise<void> {
  await sql`alter table resident_requests add column follow_token_hash text`.execute(db);
  await sql`create unique index resident_requests_follow_idx on resident_requests (follow_token_hash)
    where follow_token_hash is not null`.execute(db);
}

export async function down(db: Kysely<any>): Promise<void> {
  await sql`drop index if exists resident_requests_follow_idx`.execute(db);
  await sql`alter table resident_requests drop column if exists follow_token_hash`.execute(db);
}
