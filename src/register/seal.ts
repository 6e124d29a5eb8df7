import type { Db } from '../auth/context.js';
import type { FieldCipher } from '../privacy/field-crypto.js';
import { revealPerson } from './protect.js';
import { personsWithClearBirthDate, sealBirthDateRows } from './repository.js';

const BATCH = 500;

/**
 * Moves birth dates still held in the clear `persons.birth_date` column (typed for passports and
 * permits before issue #9) into each person's encrypted record, then empties the column. The
 * migration cannot: it has no cipher. Runs after migrating, on every start; a no-op once done.
 * Returns how many people were sealed.
 */
export async function sealBirthDates(db: Db, cipher: FieldCipher): Promise<number> {
  let sealed = 0;
  for (;;) {
    const rows = await personsWithClearBirthDate(db, BATCH);
    if (rows.length === 0) return sealed;
    const ids: number[] = [];
    const secrets: string[] = [];
    const years: number[] = [];
    for (const row of rows) {
      const current = revealPerson(cipher, row.secret);
      const birthDate = row.birth_date!;
      ids.push(row.id);
      secrets.push(cipher.encryptRecord({ ...current, birthDate }));
      years.push(Number(birthDate.slice(0, 4)));
    }
    await sealBirthDateRows(db, { ids, secrets, years });
    sealed += rows.length;
  }
}
