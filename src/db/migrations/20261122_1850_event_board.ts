import { type Kysely, sql } from 'kysely';

// The event board reads one page of events, newest first, out of years of history. Two covering
// indexes let it find that page from the index alone (visibility map permitting) and fetch only
// the page's rows: one for every event of a subtree, one for the open events (the usual board,
// a community's overdue list, a worker's open list). The filter columns ride along as INCLUDE.
export async function up(db: Kysely<any>): Promise<void> {
  await sql`
    create index events_board_idx on events (area_path, created_at desc, id desc)
      include (status, category_id, tier, source)`.execute(db);
  // Superseded by events_board_idx (same keys).
  await sql`drop index if exists events_area_path_created_idx`.execute(db);
  await sql`
    create index events_open_board_idx on events (area_path, created_at desc, id desc)
      include (status, step_deadline, category_id, tier, source)
      where status in ('collected','registered','dispatched','handling','reported','suspended')`.execute(db);
}

export async function down(db: Kysely<any>): Promise<void> {
  await sql`drop index if exists events_open_board_idx`.execute(db);
  await sql`create index events_area_path_created_idx on events (area_path, created_at desc, id desc)`.execute(
    db,
  );
  await sql`drop index if exists events_board_idx`.execute(db);
}
