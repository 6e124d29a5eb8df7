import type { Transaction } from 'kysely';
import type { DB } from '../db/schema.js';
import type { AreaRow } from '../hierarchy/repository.js';
import type { FieldCipher } from '../privacy/field-crypto.js';
import { maskName } from '../privacy/masking.js';
import * as repo from './repository.js';

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
  const units = await repo.enterprisesOf(trx, village.path, ROSTERS);
  const persons = await repo.residentsWithIds(trx, village.path, units.length * EMPLOYEES * 7);
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
  await repo.insertRosterEmployees(trx, rows);
  return { rosters: units.length, employees: rows.length };
}
