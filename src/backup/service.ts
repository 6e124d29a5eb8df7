import { hostname, userInfo } from 'node:os';
import type { Kysely } from 'kysely';
import { recordAudit } from '../audit/repository.js';
import { SYSTEM_VIEWER } from '../auth/scope.js';
import type { DB } from '../db/schema.js';
import type { FieldCipher } from '../privacy/field-crypto.js';
import { samplePersonSecrets } from './repository.js';

/** How many stored persons the configured keys open, out of a sample spread over the table. */
export async function checkKeysOpenData(
  db: Kysely<DB>,
  cipher: FieldCipher,
  sample = 200,
): Promise<{ checked: number; opened: number }> {
  const rows = await samplePersonSecrets(db, sample);
  let opened = 0;
  for (const row of rows) {
    try {
      cipher.decryptRecord(row.secret);
      opened++;
    } catch {
      // A key missing from the configuration, or another installation's keys.
    }
  }
  return { checked: rows.length, opened };
}

/** Who ran it and where, for the audit entry: the command line has no signed-in user. */
export function operator(): { host: string; osUser: string } {
  let osUser = 'unknown';
  try {
    osUser = userInfo().username;
  } catch {
    // No passwd entry for this uid (some containers).
  }
  return { host: hostname(), osUser };
}

export async function auditBackupStep(
  db: Kysely<DB>,
  action: 'installation.backup' | 'installation.restore',
  after: Record<string, unknown>,
): Promise<void> {
  await recordAudit(
    db,
    { viewer: SYSTEM_VIEWER, ip: null, now: () => new Date() },
    { action, entityType: 'installation', after: { ...operator(), ...after } },
  );
}
