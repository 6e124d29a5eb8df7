// Test data for screening and key-person tests: persons registered through the register's own
// service (so the counter triggers fire as in production) and test records stored the way the
// feed importer stores them, then counted.
import { SYSTEM_VIEWER } from '../auth/scope.js';
import type { Actor, Db } from '../auth/context.js';
import { createFieldCipher } from '../privacy/field-crypto.js';
import { residentIdCheckCharacter } from '../register/identity/identity-number.js';
import { registerPerson } from '../register/person-service.js';
import type { RegisterPersonBody } from '../register/schema.js';
import { testConfig } from './factories.js';
import { countNewTests } from '../health/rounds/counters-repository.js';

export const cipher = createFieldCipher(testConfig().keys);

export const systemActor = (now = () => new Date('2026-11-02T08:00:00+08:00')): Actor => ({
  viewer: SYSTEM_VIEWER,
  ip: null,
  now,
});

let serial = 0;
/** A valid, unique resident ID number (per process: births spread over days, sequence per day). */
export function nextIdNumber(region = '110101'): string {
  const n = serial++;
  const birth = new Date(Date.UTC(1960, 0, 1) + Math.floor(n / 900) * 86_400_000);
  const first17 = `${region}${birth.toISOString().slice(0, 10).replaceAll('-', '')}${String((n % 900) + 100)}`;
  return first17 + residentIdCheckCharacter(first17);
}

export async function addPerson(
  db: Db,
  areaId: number,
  fields: Partial<RegisterPersonBody> & { name?: string } = {},
  actor = systemActor(),
): Promise<{ id: number; documentNumber: string }> {
  const documentNumber = fields.documentNumber ?? nextIdNumber();
  const { person } = await registerPerson(db, actor, cipher, {
    name: '测试人',
    ...fields,
    documentNumber,
    areaId,
  });
  return { id: person.id, documentNumber };
}

let recordSerial = 0;
/** Stores a test record (matched to `personId`, or unmatched when null) and counts it, as the importer does. */
export async function addTestRecord(
  db: Db,
  personId: number | null,
  occurredAt: Date,
  options: { count?: boolean; result?: string } = {},
): Promise<number> {
  const person = personId
    ? await db.selectFrom('persons').select('area_path').where('id', '=', personId).executeTakeFirstOrThrow()
    : null;
  const area =
    person?.area_path ?? (await db.selectFrom('areas').select('path').executeTakeFirstOrThrow()).path;
  const row = await db
    .insertInto('health_records')
    .values({
      kind: 'test',
      source: 'lab-test',
      record_key: `r${++recordSerial}-${Math.random().toString(36).slice(2, 8)}`,
      person_id: personId,
      area_path: area,
      occurred_at: occurredAt,
      result: options.result ?? 'negative',
      unmatched_reason: personId ? null : 'unknown_number',
      inbox_status: personId ? null : 'open',
    })
    .returning('id')
    .executeTakeFirstOrThrow();
  if (personId && options.count !== false) await countNewTests(db, { recordIds: [row.id] });
  return row.id;
}
