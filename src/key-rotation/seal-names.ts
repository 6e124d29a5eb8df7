import { type Kysely, sql } from 'kysely';
import type { DB } from '../db/schema.js';
import type { FieldCipher } from '../privacy/field-crypto.js';
import { protectName } from '../privacy/protect.js';

const BATCH = 500;

/** Tables that once kept a name given outside the register in clear, and where it goes now. */
const CLEAR_NAMES = [
  { table: 'events', clear: 'reporter_name', secret: 'reporter_name_secret', masked: 'reporter_name_masked' },
  {
    table: 'resident_requests',
    clear: 'requester_name',
    secret: 'requester_name_secret',
    masked: 'requester_name_masked',
  },
] as const;

/**
 * Moves reporters' and requesters' names still held in clear into their encrypted column, with
 * the mask beside it, then empties the clear column (the migration cannot: it has no cipher).
 * Runs after migrating, on every start; a no-op once done. Returns how many names were sealed.
 */
export async function sealClearNames(db: Kysely<DB>, cipher: FieldCipher): Promise<number> {
  let sealed = 0;
  for (const { table, clear, secret, masked } of CLEAR_NAMES) {
    for (;;) {
      const rows = (
        await sql<{ id: number; name: string }>`
          select id, ${sql.ref(clear)} as name from ${sql.table(table)}
          where ${sql.ref(clear)} is not null order by id limit ${BATCH}`.execute(db)
      ).rows;
      if (rows.length === 0) break;
      const ids = rows.map((r) => r.id);
      const named = rows.map((r) => r.name.trim()).map((name) => (name ? protectName(cipher, name) : null));
      await sql`
        update ${sql.table(table)} t
        set ${sql.ref(secret)} = i.secret, ${sql.ref(masked)} = i.masked, ${sql.ref(clear)} = null
        from unnest(${ids}::int[], ${named.map((n) => n?.encrypted ?? null)}::text[],
          ${named.map((n) => n?.masked ?? null)}::text[]) as i(id, secret, masked)
        where t.id = i.id`.execute(db);
      sealed += rows.length;
    }
  }
  return sealed;
}
