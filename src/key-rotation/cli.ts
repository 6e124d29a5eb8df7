import { randomBytes } from 'node:crypto';
import { type Command, Option } from 'commander';
import { SYSTEM_VIEWER } from '../auth/scope.js';
import { loadConfig } from '../config.js';
import { openDatabase } from '../db/database.js';
import { migrateToLatest } from '../db/migrate.js';
import { createCliProgress } from '../imports/progress.js';
import { createFieldCipher } from '../privacy/field-crypto.js';
import { rotateKeys } from './reencrypt.js';
import { CIPHER_SUITES, type CipherSuite, SUITE_KEY_BYTES } from '../privacy/suites.js';

/** `gridguard keys generate|rotate`: key material for the environment, and re-encryption to the current key. */
export function registerKeyCommands(program: Command): void {
  const keys = program
    .command('keys')
    .description('Key material for GRIDGUARD_ENCRYPTION_KEYS and GRIDGUARD_HMAC_KEY, and key rotation');

  keys
    .command('generate')
    .description('Print a fresh encryption key and HMAC key as environment lines')
    .addOption(
      new Option('--cipher <suite>', 'suite of the encryption key').choices(CIPHER_SUITES).default('aes'),
    )
    .option('--id <keyId>', 'key id (letters, digits, _ or -; at most 16)', 'k1')
    .action((options: { cipher: CipherSuite; id: string }) => {
      const key = randomBytes(SUITE_KEY_BYTES[options.cipher]).toString('base64');
      console.log(`GRIDGUARD_CIPHER=${options.cipher}`);
      console.log(`GRIDGUARD_ENCRYPTION_KEYS=${options.id}:${options.cipher}:${key}`);
      console.log(`GRIDGUARD_HMAC_KEY=${randomBytes(32).toString('base64')}`);
    });

  keys
    .command('rotate')
    .description(
      'Re-encrypt every encrypted column to the current key and suite and recompute the lookup hashes (resumable; rows already current are skipped)',
    )
    .option('--batch-size <n>', 'rows per transaction', (v) => Number.parseInt(v, 10), 1000)
    .option('--json', 'print the report as one JSON object')
    .action(async (options: { batchSize: number; json?: boolean }) => {
      if (!(options.batchSize >= 1 && options.batchSize <= 100_000))
        throw new Error('--batch-size must be between 1 and 100000');
      const config = loadConfig();
      const cipher = createFieldCipher(config.keys);
      const database = await openDatabase(config, 'gridguard keys rotate');
      try {
        await migrateToLatest(database.db);
        const actor = { viewer: SYSTEM_VIEWER, ip: null, now: () => new Date() };
        const report = await rotateKeys(database.db, actor, cipher, {
          batchSize: options.batchSize,
          progress: options.json ? undefined : createCliProgress({ label: 'Rotating', unit: 'rows' }),
        });
        if (options.json) {
          console.log(JSON.stringify(report));
          return;
        }
        console.log(
          `Key ${report.keyId} (${report.suite})${report.resumed ? ', resumed' : ''}: ` +
            `${report.carried} hash copies carried over elsewhere`,
        );
        for (const table of report.tables.filter((t) => t.scanned > 0))
          console.log(
            `  ${table.table.padEnd(26)} ${table.scanned} rows, ${table.reencrypted} re-encrypted, ${table.rehashed} re-hashed`,
          );
      } finally {
        await database.close();
      }
    });
}
