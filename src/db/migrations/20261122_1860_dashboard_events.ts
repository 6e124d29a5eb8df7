import { type Kysely, sql } from 'kysely';

// The big screen counts what happened today and in the last hour over a subtree. Closed events and
// device alerts are history (a million rows and more): without these ranges on time, "closed today"
// or "alerts in the last hour" would read every closed event or alert of the subtree. Open
// resident requests get their own partial index for the same reason the open events have one.
export async function up(db: Kysely<any>): Promise<void> {
  await sql`create index events_closed_idx on events (closed_at, area_path) where closed_at is not null`.execute(
    db,
  );
  await sql`create index device_alerts_received_idx on device_alerts (received_at, event_id)`.execute(db);
  await sql`
    create index resident_requests_open_idx on resident_requests (area_path, volunteer_user_id)
      where status in ('open','accepted')`.execute(db);
}

export async function down(db: Kysely<any>): Promise<void> {
  await sql`drop index if exists resident_requests_open_idx`.execute(db);
  await sql`drop index if exists device_alerts_received_idx`.execute(db);
  await sql`drop index if exists events_closed_idx`.execute(db);
}
