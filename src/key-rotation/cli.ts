import { randomBytes } from 'node:crypto';
import { type Command, InvalidArgumentError, Option } from 'commander';
import { SYSTEM_VIEWER } from '../auth/scope.js';
import { loadConfig } from '../config.js';
import { openDatabase } from '../db/database.js';
import { migrateToLatest } from '../db/migrate.js';
import { createCliProgress } from '../imports/progress.js';
import { createFieldCipher } from '../privacy/field-crypto.js';
import { rotateKeys } from './reencrypt.js';
import { CIPHER_SUITES, type CipherSuite, SUITE_KEY_BYTES } from '../privacy/suites.js';
import { cliSay } from '../i18n/cli.js';
import { cliHelp } from '../i18n/cli-help.js';
import { DEFAULT_LOCALE, type Locale } from '../i18n/locale.js';

/** `gridguard keys generate|rotate`: key material for the environment, and re-encryption to the current key. */
export function registerKeyCommands(program: Command, locale: Locale = DEFAULT_LOCALE): void {
  const say = cliSay(locale);
  const keys = program.command('keys').description(cliHelp(locale, 'keys'));

  keys
    .command('generate')
    .description(cliHelp(locale, 'keysGenerate'))
    .addOption(
      new Option('--cipher <suite>', cliHelp(locale, 'cipher')).choices(CIPHER_SUITES).default('aes'),
    )
    .option('--id <keyId>', cliHelp(locale, 'keyId'), 'k1')
    .action((options: { cipher: CipherSuite; id: string }) => {
      const key = randomBytes(SUITE_KEY_BYTES[options.cipher]).toString('base64');
      console.log(`GRIDGUARD_CIPHER=${options.cipher}`);
      console.log(`GRIDGUARD_ENCRYPTION_KEYS=${options.id}:${options.cipher}:${key}`);
      console.log(`GRIDGUARD_HMAC_KEY=${randomBytes(32).toString('base64')}`);
    });

  keys
    .command('rotate')
    .description(cliHelp(locale, 'keysRotate'))
    .option('--batch-size <n>', cliHelp(locale, 'batchSize'), (v) => Number.parseInt(v, 10), 1000)
    .option('--json', cliHelp(locale, 'json'))
    .action(async (options: { batchSize: number; json?: boolean }) => {
      if (!(options.batchSize >= 1 && options.batchSize <= 100_000))
        throw new InvalidArgumentError(say('batchSizeRange'));
      const config = loadConfig();
      const cipher = createFieldCipher(config.keys);
      const database = await openDatabase(config, 'gridguard keys rotate');
      try {
        await migrateToLatest(database.db);
        const actor = { viewer: SYSTEM_VIEWER, ip: null, now: () => new Date() };
        const report = await rotateKeys(database.db, actor, cipher, {
          batchSize: options.batchSize,
          progress: options.json ? undefined : createCliProgress({ label: say('rotating'), unit: 'rows' }),
        });
        if (options.json) {
          console.log(JSON.stringify(report));
          return;
        }
        console.log(
          say('rotated', {
            keyId: report.keyId,
            suite: report.suite,
            resumed: report.resumed ? say('rotationResumed') : '',
            carried: report.carried,
          }),
        );
        for (const table of report.tables.filter((t) => t.scanned > 0))
          console.log(say('rotatedTable', { ...table, table: table.table.padEnd(26) }));
      } finally {
        await database.close();
      }
    });
}
