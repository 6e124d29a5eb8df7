import { sql } from 'kysely';
import { expect, it } from 'vitest';
import * as masking from '../db/migrations/20261206_1200_masking.js';
import { createFieldCipher } from '../privacy/field-crypto.js';
import { describeEachDatabase } from '../test-support/database.js';
import { createAreaTree, testConfig } from '../test-support/factories.js';
import { residentIdCheckCharacter } from './identity/identity-number.js';
import { documentHash } from '../privacy/protect.js';
import { revealPerson } from './protect.js';
import { sealBirthDates } from './seal.js';

const cipher = createFieldCipher(testConfig().keys);

/*
 * An installation from before issue #9 upgrades into the safe state: the masking migration
 * converts what needs no key, and sealBirthDates (run at every start) the rest.
 */
describeEachDatabase('register: an existing register upgrades to masks that hold', (database) => {
  it('re-masks every copy, keeps the birth year in clear and moves typed birth dates into the encrypted record', async () => {
    const db = database().db;
    const tree = await createAreaTree(db);
    // Back to the schema before the masking migration, with rows as the old code wrote them.
    await masking.down(db);
    const first17 = '31011619540912921';
    const number = `${first17}${residentIdCheckCharacter(first17)}`;
    const insert = async (type: string, doc: string, masked: string, birth: string) =>
      (
        await sql<{ id: number }>`
          insert into persons (area_id, area_path, document_type, document_hash, document_masked, secret, name, sex,
            birth_date, content_hash)
          values (${tree.cellA.id}, ${tree.cellA.path}, ${type}, ${documentHash(cipher, type as 'passport', doc)},
            ${masked}, ${cipher.encryptRecord({ documentNumber: doc, phone: null })}, '老住户', 'female', ${birth},
            'unkeyed-hash-over-clear-fields')
          returning id`.execute(db)
      ).rows[0]!.id;
    const resident = await insert('resident_id', number, `310116********${number.slice(-4)}`, '1954-09-12');
    const passport = await insert('passport', 'E12345678', '*******78', '1988-02-29');
    await sql`insert into person_history (person_id, kind, at, actor_name, changes)
      values (${resident}, 'updated', now(), 'worker', ${JSON.stringify({ birth_date: { from: null, to: '1954-09-12' }, name: { from: 'a', to: 'b' } })}::jsonb)`.execute(
      db,
    );
    await sql`insert into audit_log (actor_name, action, entity_type, entity_id, after)
      values ('worker', 'person.register', 'person', ${String(resident)},
        ${JSON.stringify({ name: '老住户', documentMasked: `310116********${number.slice(-4)}` })}::jsonb)`.execute(
      db,
    );

    await masking.up(db);
    expect(await sealBirthDates(db, cipher)).toBe(1);
    // Idempotent: the next start has nothing to do.
    expect(await sealBirthDates(db, cipher)).toBe(0);

    const rows = (
      await sql<
        Record<string, unknown>
      >`select id, document_masked, birth_date, birth_year, content_hash, secret
        from persons where id in (${resident}, ${passport}) order by id`.execute(db)
    ).rows;
    expect(rows.map((r) => [r.document_masked, r.birth_date, r.birth_year, r.content_hash])).toEqual([
      [`3****************${number.slice(-1)}`, null, 1954, null],
      ['*******78', null, 1988, null],
    ]);
    // Revealers still get the whole date: from the number, or from the record it was sealed into.
    expect(revealPerson(cipher, rows[0]!.secret as string).birthDate).toBe('1954-09-12');
    expect(revealPerson(cipher, rows[1]!.secret as string)).toEqual({
      documentNumber: 'E12345678',
      phone: null,
      birthDate: '1988-02-29',
    });
    const history = await sql<{
      changes: object;
    }>`select changes from person_history where person_id = ${resident}`.execute(db);
    expect(history.rows[0]!.changes).toEqual({ name: { from: 'a', to: 'b' } });
    const audit = await sql<{ action: string; after: Record<string, unknown> }>`
      select action, after from audit_log where action in ('person.register', 'privacy.remask') order by id`.execute(
      db,
    );
    expect(audit.rows).toEqual([
      {
        action: 'person.register',
        after: { name: '老住户', documentMasked: `3****************${number.slice(-1)}` },
      },
      { action: 'privacy.remask', after: { entries: 1 } },
    ]);
    // The audit log is append-only again.
    await expect(sql`update audit_log set actor_name = 'x'`.execute(db)).rejects.toThrow(/append-only/);
    const everything = JSON.stringify(
      (await sql`select * from persons`.execute(db)).rows.concat(
        (await sql`select * from person_history`.execute(db)).rows,
        (await sql`select * from audit_log`.execute(db)).rows,
      ),
    );
    for (const clear of ['1954-09-12', '19540912', '1988-02-29', number])
      expect(everything).not.toContain(clear);
  });
});
