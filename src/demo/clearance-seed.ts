import type { Transaction } from 'kysely';
import type { DB } from '../db/schema.js';
import type { AreaRow } from '../hierarchy/repository.js';
import { inSubtrees } from '../auth/scope.js';
import type { FieldCipher } from '../privacy/field-crypto.js';
import { maskName } from '../privacy/masking.js';

/** Enterprises given a roster, and employees on each. */
const ROSTERS = 6;
const EMPLOYEES = 15;

/**
 * Rosters for a few demo enterprises (#14 clearance): residents of the village as their employees,
 * as an upload would leave them. Their clearance follows from the demo's health data (codes, the
 * screening round's tests, key persons), so the statuses are a mix. Two multi-row inserts.
 */
export async function seedDemoRosters(
  trx: Transaction<DB>,
  cipher: FieldCipher,
  village: AreaRow,
  now: Date,
): Promise<{ rosters: number; employees: number }> {
  const units = await trx
    .selectFrom('units')
    .select(['id', 'area_path'])
    .where('category', '=', 'enterprise')
    .where(inSubtrees([village.path], 'area_path'))
    .orderBy('id')
    .limit(ROSTERS)
    .execute();
  const persons = await trx
    .selectFrom('persons')
    .select(['name', 'document_hash', 'document_masked', 'secret'])
    .where(inSubtrees([village.path], 'area_path'))
    .where('document_type', '=', 'resident_id')
    .orderBy('id')
    .limit(units.length * EMPLOYEES * 7)
    .execute();
  const rows = units.flatMap((unit, u) =>
    // Every seventh resident, a different stretch per enterprise: working-age and elderly alike.
    persons
      .filter(
        (_, i) =>
          i % 7 === u % 7 && Math.floor(i / 7) >= u * EMPLOYEES && Math.floor(i / 7) < (u + 1) * EMPLOYEES,
      )
      .map((p) => {
        const documentNumber = String(cipher.decryptRecord(p.secret).documentNumber ?? '');
        return {
          unit_id: unit.id,
          area_path: unit.area_path,
          document_hash: p.document_hash,
          document_masked: p.document_masked,
          name_masked: maskName(p.name),
          phone_masked: null,
          secret: cipher.encryptRecord({ name: p.name, documentNumber }),
          source: 'roster' as const,
          upload_id: null,
          created_at: now,
          updated_at: now,
        };
      }),
  );
  if (rows.length > 0) await trx.insertInto('roster_employees').values(rows).execute();
  return { rosters: units.length, employees: rows.length };
}
