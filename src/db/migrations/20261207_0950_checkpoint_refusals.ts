import { type Kysely, sql } from 'kysely';

// Checkpoints (#12): one staff check per identification, and a refusal (or a fever) at a gate opens an event for the person's grid worker.
// Its own sub-category of the epidemic class, starting at the grid tier like epidemic.fever.
export async function up(db: Kysely<any>): Promise<void> {
  await sql`
    insert into event_categories (parent_id, code, name_zh, name_en, start_tier, limits, public, sort)
    select c.id, 'epidemic.checkpoint_refusal', '卡口劝返', 'Refused at a checkpoint', 'grid',
      ${JSON.stringify({
        register: { amount: 5, unit: 'minutes' },
        dispatch: { amount: 10, unit: 'minutes' },
        handle: { amount: 60, unit: 'minutes' },
        check: { amount: 120, unit: 'minutes' },
      })}::jsonb, false, 60
    from event_categories c
    where c.code = 'epidemic'
      and not exists (select 1 from event_categories x where x.code = 'epidemic.checkpoint_refusal')`.execute(
    db,
  );
  // A staff check is recorded once per identification: its external_id is the nonce of the check
  // handle the gate phone was given, so a double submit (without an Idempotency-Key) is refused.
  await sql`create unique index checkpoint_records_staff_check_idx on checkpoint_records (external_id)
    where source = 'staff' and external_id is not null`.execute(db);
}

export async function down(db: Kysely<any>): Promise<void> {
  await sql`drop index if exists checkpoint_records_staff_check_idx`.execute(db);
  await sql`
    delete from event_categories c
    where c.code = 'epidemic.checkpoint_refusal'
      and not exists (select 1 from events e where e.category_id = c.id)`.execute(db);
}
