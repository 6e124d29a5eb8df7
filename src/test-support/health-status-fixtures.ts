import type { Kysely } from 'kysely';
import type { DB, KeyPersonCategory } from '../db/schema.js';

// Test data for the health-status verdict and the gate check: a person's health summary and key-person entries.

const HOUR = 3_600_000;

/** Writes a person's health summary as the feed importer leaves it. */
export async function setHealth(
  db: Kysely<DB>,
  personId: number,
  now: Date,
  h: {
    code?: 'GREEN' | 'YELLOW' | 'RED' | null;
    codeHoursAgo?: number;
    testHoursAgo?: number;
    result?: string;
    doses?: number;
  },
) {
  await db
    .insertInto('person_health')
    .values({
      person_id: personId,
      health_code: h.code ?? null,
      health_code_at: h.code ? new Date(now.getTime() - (h.codeHoursAgo ?? 1) * HOUR) : null,
      last_test_at: h.testHoursAgo !== undefined ? new Date(now.getTime() - h.testHoursAgo * HOUR) : null,
      last_test_result: h.testHoursAgo !== undefined ? (h.result ?? 'negative') : null,
      vaccination_doses: h.doses ?? 0,
      updated_at: now,
    })
    .onConflict((oc) =>
      oc.column('person_id').doUpdateSet((eb) => ({
        health_code: eb.ref('excluded.health_code'),
        health_code_at: eb.ref('excluded.health_code_at'),
        last_test_at: eb.ref('excluded.last_test_at'),
        last_test_result: eb.ref('excluded.last_test_result'),
        vaccination_doses: eb.ref('excluded.vaccination_doses'),
      })),
    )
    .execute();
}

export async function addKeyPerson(
  db: Kysely<DB>,
  personId: number,
  category: KeyPersonCategory,
  today: string,
) {
  const person = await db
    .selectFrom('persons')
    .select('area_path')
    .where('id', '=', personId)
    .executeTakeFirstOrThrow();
  await db
    .insertInto('key_persons')
    .values({
      person_id: personId,
      area_path: person.area_path!,
      category,
      starts_on: today,
      ends_on: today,
      plan: '{}',
      source: 'test',
    })
    .execute();
}
