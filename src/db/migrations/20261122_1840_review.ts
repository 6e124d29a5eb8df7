import { type Kysely, sql } from 'kysely';

// The performance review (考核) reads the events handled in a period: the moment an event was
// reported back, or closed without a report. With a million historical events per district the
// (area_path, created_at) index would scan every event ever created in the subtree; this one seeks
// the period and filters the subtree on the index entries.
export async function up(db: Kysely<any>): Promise<void> {
  await sql`
    create index events_handled_idx on events ((coalesce(reported_at, closed_at)), area_path)
      where coalesce(reported_at, closed_at) is not null`.execute(db);
}

export async function down(db: Kysely<any>): Promise<void> {
  await sql`drop index if exists events_handled_idx`.execute(db);
}
