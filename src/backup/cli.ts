import { existsSync, readFileSync } from 'node:fs';
import { writeFile } from 'node:fs/promises';
import path from 'node:path';
import { type Command, InvalidArgumentError } from 'commander';
import { loadConfig, storageTarget } from '../config.js';
import { type Database, openPglite, openPostgres } from '../db/database.js';
import { migrateToLatest } from '../db/migrate.js';
import { createCliProgress, formatAmount } from '../imports/progress.js';
import { createFieldCipher } from '../privacy/field-crypto.js';
import { cliSay } from '../i18n/cli.js';
import { cliHelp } from '../i18n/cli-help.js';
import { DEFAULT_LOCALE, type Locale } from '../i18n/locale.js';
import { archiveKind, sha256File, writeAtomically } from './archive.js';
import {
  backupEmbedded,
  type BackupStage,
  EmbeddedArchiveError,
  holdsDatabase,
  KEYS_FILE,
  restoreEmbedded,
  RestoreTargetNotEmptyError,
} from './embedded.js';
import { backupPostgres, restorePostgres, ToolFailedError } from './postgres.js';
import { headline } from './repository.js';
import { auditBackupStep, checkKeysOpenData } from './service.js';

const envKeys = () => Boolean(process.env.GRIDGUARD_ENCRYPTION_KEYS?.trim());

/** A keys file as the embedded database writes it (config.ts); checked before it is copied anywhere. */
function isKeysFile(text: string): boolean {
  try {
    const value = JSON.parse(text) as { currentKeyId?: unknown; encryption?: unknown; hmac?: unknown } | null;
    return (
      typeof value?.currentKeyId === 'string' &&
      typeof value.hmac === 'string' &&
      typeof value.encryption === 'object' &&
      value.encryption !== null &&
      value.currentKeyId in value.encryption
    );
  } catch {
    return false;
  }
}

/** `gridguard backup --out FILE` and `gridguard restore FILE`, for the embedded database and PostgreSQL. */
export function registerBackupCommands(program: Command, locale: Locale = DEFAULT_LOCALE): void {
  const say = cliSay(locale);
  const stage = (name: BackupStage) => console.error(say(`stage_${name}`));

  /** Our known failures as sentences in the caller's language. */
  const worded = (error: unknown, file: string): unknown => {
    if (error instanceof RestoreTargetNotEmptyError)
      return new InvalidArgumentError(
        say('restoreNotEmpty', { target: error.target, objects: error.objects }),
      );
    if (error instanceof EmbeddedArchiveError)
      return new InvalidArgumentError(say('archiveUnreadable', { file }));
    if (error instanceof ToolFailedError)
      return new InvalidArgumentError(say('toolFailed', { tool: error.tool, detail: error.detail }));
    return error;
  };

  program
    .command('backup')
    .description(cliHelp(locale, 'backup'))
    .requiredOption('--out <file>', cliHelp(locale, 'backupOut'))
    .option('--keys-out <file>', cliHelp(locale, 'keysOut'))
    .action(async (options: { out: string; keysOut?: string }) => {
      const target = storageTarget();
      const out = path.resolve(options.out);
      const started = Date.now();
      let database: Database;
      let summary: Record<string, unknown>;
      try {
        if (target.databaseUrl) {
          if (options.keysOut) throw new InvalidArgumentError(say('keysOutPostgres'));
          const progress = createCliProgress({ label: say('dumpingTables'), unit: 'rows' });
          const dumped = await backupPostgres(target.databaseUrl, out, progress);
          console.error(say('verifiedList', { entries: dumped.entries, tables: dumped.tables }));
          database = await openPostgres(target.databaseUrl, { max: 1 });
          summary = { backend: 'postgres', format: 'pg_dump custom', entries: dumped.entries };
        } else {
          if (!holdsDatabase(target.dataDir))
            throw new InvalidArgumentError(say('backupNothing', { dir: target.dataDir }));
          database = await openPglite(target.dataDir, 'gridguard backup');
          try {
            const archive = await backupEmbedded(database, out, stage);
            summary = { backend: 'pglite', format: 'tar.gz', entries: archive.entries };
          } catch (error) {
            await database.close();
            throw error;
          }
        }
      } catch (error) {
        throw worded(error, out);
      }
      try {
        const sha256 = await sha256File(out);
        const bytes = readFileSync(out).length;
        const counts = await headline(database.db);
        // Recorded once the archive is whole, so the log never claims a backup that does not exist.
        await auditBackupStep(database.db, 'installation.backup', {
          file: out,
          bytes,
          sha256,
          ...summary,
          ...counts,
        });
        console.log(
          say('backupWritten', {
            file: out,
            size: formatAmount(bytes, 'bytes'),
            seconds: ((Date.now() - started) / 1000).toFixed(1),
            sha256,
          }),
        );
        console.log(say('backupHolds', counts));
      } finally {
        await database.close();
      }
      if (target.databaseUrl) {
        console.log(say('noKeysPostgres'));
        return;
      }
      const keysFile = path.join(target.dataDir, KEYS_FILE);
      if (options.keysOut) {
        if (!existsSync(keysFile)) throw new InvalidArgumentError(say('noKeysFile', { file: keysFile }));
        const keysOut = path.resolve(options.keysOut);
        const text = readFileSync(keysFile, 'utf8');
        await writeAtomically(
          keysOut,
          (temporary) => writeFile(temporary, text, { mode: 0o600, flag: 'wx' }),
          async (temporary) => {
            if (readFileSync(temporary, 'utf8') !== text) throw new Error(keysOut);
          },
        );
        console.log(say('keysWritten', { file: keysOut }));
      } else if (envKeys()) console.log(say('keysFromEnvironment'));
      else console.log(say('noKeysEmbedded', { file: keysFile }));
    });

  program
    .command('restore')
    .description(cliHelp(locale, 'restore'))
    .argument('<file>', cliHelp(locale, 'restoreFile'))
    .option('--keys <file>', cliHelp(locale, 'restoreKeys'))
    .option('--replace', cliHelp(locale, 'restoreReplace'))
    .action(async (fileArgument: string, options: { keys?: string; replace?: boolean }) => {
      const file = path.resolve(fileArgument);
      if (!existsSync(file)) throw new InvalidArgumentError(say('noSuchFile', { file }));
      const target = storageTarget();
      const kind = await archiveKind(file);
      const started = new Date();
      let database: Database;
      let where: string;
      try {
        if (target.databaseUrl) {
          if (options.keys) throw new InvalidArgumentError(say('keysPostgres'));
          if (kind !== 'pg_dump') throw new InvalidArgumentError(say('needsPgDump', { file }));
          // Keys and the rest of the configuration are checked before anything is written.
          const config = loadConfig();
          const progress = createCliProgress({ label: say('restoringItems'), unit: 'rows' });
          const restored = await restorePostgres(target.databaseUrl, file, {
            replace: options.replace === true,
            progress,
          });
          if (restored.replaced > 0) console.error(say('replacedObjects', { objects: restored.replaced }));
          database = await openPostgres(config.databaseUrl ?? target.databaseUrl, { max: 2 });
          where = new URL(target.databaseUrl).pathname.slice(1);
        } else {
          if (kind !== 'gzip') throw new InvalidArgumentError(say('needsEmbedded', { file }));
          let keys: string | null = null;
          if (options.keys && envKeys()) throw new InvalidArgumentError(say('keysTwice'));
          if (options.keys) {
            keys = readFileSync(path.resolve(options.keys), 'utf8');
            if (!isKeysFile(keys)) throw new InvalidArgumentError(say('keysInvalid', { file: options.keys }));
          } else if (!envKeys()) throw new InvalidArgumentError(say('restoreNeedsKeys'));
          const restored = await restoreEmbedded({
            gzipped: readFileSync(file),
            dataDir: target.dataDir,
            replace: options.replace === true,
            keys,
            now: started,
            onStage: stage,
          });
          if (restored.movedAside) console.error(say('movedAside', { dir: restored.movedAside }));
          database = restored.database;
          where = target.dataDir;
        }
      } catch (error) {
        throw worded(error, file);
      }
      try {
        stage('checking');
        const config = loadConfig();
        await migrateToLatest(database.db);
        const check = await checkKeysOpenData(database.db, createFieldCipher(config.keys));
        const counts = await headline(database.db);
        await auditBackupStep(database.db, 'installation.restore', {
          file,
          sha256: await sha256File(file),
          target: where,
          backend: database.backend,
          replaced: options.replace === true,
          keysChecked: check.checked,
          keysOpened: check.opened,
          ...counts,
        });
        console.log(say('restored', { file, target: where, ...counts }));
        if (check.opened < check.checked) throw new InvalidArgumentError(say('keysDoNotOpen', check));
        console.log(say('keysOpen', check));
      } finally {
        await database.close();
      }
    });
}
