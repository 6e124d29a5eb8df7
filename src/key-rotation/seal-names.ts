import type { Kysely } from 'kysely';
import type { DB } from '../db/schema.js';
import type { FieldCipher } from '../privacy/field-crypto.js';
import { protectName } from '../privacy/protect.js';
import { type ClearNameColumns, findClearNames, storeSealedNames } from './repository.js';

const BATCH = 500;

/** Tables that once kept a name given outside the register in clear, and where it goes now. */
const CLEAR_NAMES: readonly ClearNameColumns[] = [
  { table: 'events', clear: 'reporter_name', secret: 'reporter_name_secret', masked: 'reporter_name_masked' },
  {
    table: 'resident_requests',
    clear: 'requester_name',
    secret: 'requester_name_secret',
    masked: 'requester_name_masked',
  },
];

/**
 * Moves reporters' and requesters' names still held in clear into their encrypted column, with
 * the mask beside it, then empties the clear column (the migration cannot: it has no cipher).
 * Runs after migrating, on every start; a no-op once done. Returns how many names were sealed.
 */
export async function sealClearNames(db: Kysely<DB>, cipher: FieldCipher): Promise<number> {
  let sealed = 0;
  for (const columns of CLEAR_NAMES) {
    for (;;) {
      const rows = await findClearNames(db, columns, BATCH);
      if (rows.length === 0) break;
      const sealedRows = rows.map((r) => {
        const name = r.name.trim();
        const named = name ? protectName(cipher, name) : null;
        return { id: r.id, secret: named?.encrypted ?? null, masked: named?.masked ?? null };
      });
      await storeSealedNames(db, columns, sealedRows);
      sealed += rows.length;
    }
  }
  return sealed;
}
