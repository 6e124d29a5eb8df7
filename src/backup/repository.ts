import { type Kysely, sql } from 'kysely';
import type { DB } from '../db/schema.js';

/** Stored person records spread over the table (by a hash of the id), to try the keys on. */
export async function samplePersonSecrets(
  db: Kysely<DB>,
  sample: number,
): Promise<Array<{ secret: string }>> {
  return db
    .selectFrom('persons')
    .select('secret')
    .orderBy(sql`md5(id::text)`)
    .limit(sample)
    .execute();
}

/** The counts a backup and its restore are compared by. */
export async function headline(db: Kysely<DB>): Promise<{ persons: number; events: number; audit: number }> {
  const row = await db
    .selectNoFrom((eb) => [
      eb.selectFrom('persons').select(eb.fn.countAll<number>().as('n')).as('persons'),
      eb.selectFrom('events').select(eb.fn.countAll<number>().as('n')).as('events'),
      eb.selectFrom('audit_log').select(eb.fn.countAll<number>().as('n')).as('audit'),
    ])
    .executeTakeFirstOrThrow();
  return { persons: Number(row.persons), events: Number(row.events), audit: Number(row.audit) };
}
