import { randomBytes } from 'node:crypto';
import { Command, InvalidArgumentError } from 'commander';
import { hashPassword, passwordProblem } from './auth/password.js';
import { createApiToken } from './auth/repository.js';
import { CAPABILITIES, type Capability } from './auth/rights.js';
import { SYSTEM_VIEWER } from './auth/scope.js';
import { AppError } from './core/errors.js';
import { ConfigError, loadConfig, type Config } from './config.js';
import { recordAudit } from './audit/repository.js';
import { type Database, openDatabase } from './db/database.js';
import { DataDirLockedError } from './db/lock.js';
import { migrateToLatest } from './db/migrate.js';
import { isEmptyInstallation, seedDemo } from './demo/seed.js';
import { importAreaRows } from './hierarchy/import.js';
import { readAreaFile } from './hierarchy/import-file.js';
import { findAreaByCode } from './hierarchy/repository.js';
import { generateCity } from './generate/city.js';
import { createCliProgress } from './imports/progress.js';
import { localizeRejects } from './imports/report.js';
import { registerLabelCommand } from './household-codes/cli.js';
import { registerHealthCommands } from './health/rounds/cli.js';
import { registerLeadImportCommand } from './health/leads/cli.js';
import { registerImportCommands } from './register-import/cli.js';
import { registerHealthImportCommands } from './health/feeds/cli.js';
import { matchRecordsOnRegistration } from './health/feeds/service.js';
import { createFieldCipher } from './privacy/field-crypto.js';
import { registerKeyCommands } from './key-rotation/cli.js';
import { sealClearNames } from './key-rotation/seal-names.js';
import { sealBirthDates } from './register/seal.js';
import { startServer } from './server.js';
import { type CliTextKey, cliText, commandLocale } from './i18n/cli.js';
import { cliLocale, format, type Params } from './i18n/locale.js';
import { errorMessage } from './i18n/messages.js';

const systemActor = () => ({ viewer: SYSTEM_VIEWER, ip: null, now: () => new Date() });

/** Opens and migrates the database for one command, and always closes it. */
async function withDatabase<T>(
  config: Config,
  command: string,
  work: (database: Database) => Promise<T>,
): Promise<T> {
  const database = await openDatabase(config, `gridguard ${command}`);
  try {
    await migrateToLatest(database.db);
    await sealBirthDates(database.db, createFieldCipher(config.keys));
    await sealClearNames(database.db, createFieldCipher(config.keys));
    return await work(database);
  } finally {
    await database.close();
  }
}

function printLogins(
  url: string,
  logins: Array<{ role: string; username: string; displayName: string; area: string }>,
  password: string,
) {
  console.log(`\nDemo sign-ins (password: ${password}):`);
  for (const login of logins)
    console.log(
      `  ${login.role.padEnd(16)} ${login.username.padEnd(18)} ${login.displayName} @ ${login.area}`,
    );
  console.log(`\nOpen ${url}\n`);
}

export function buildCli(): Command {
  // Imports and key rotation run without the app: health still matches records to whom they register.
  matchRecordsOnRegistration();
  const program = new Command('gridguard')
    .description('Gridguard (网格卫士): grid governance and epidemic prevention')
    .showHelpAfterError();

  program
    .command('serve')
    .description(
      'Run the web app and API (migrates first; seeds the demo village into an empty embedded database)',
    )
    .action(async () => {
      const config = loadConfig();
      const server = await startServer(config);
      console.log(`\nGridguard is running at ${server.url}  (database: ${server.database.backend})`);
      console.log(`API docs: ${server.url}/api/docs`);
      if (server.demoLogins) printLogins(server.url, server.demoLogins, config.demoPassword);
      else if (config.demo && server.database.backend === 'pglite')
        console.log(`Demo sign-in: admin / ${config.demoPassword} (other demo users: see README)`);
      const stop = async () => {
        await server.close();
        process.exit(0);
      };
      process.once('SIGINT', () => void stop());
      process.once('SIGTERM', () => void stop());
    });

  program
    .command('migrate')
    .description('Apply pending database migrations')
    .action(async () => {
      const config = loadConfig();
      const database = await openDatabase(config, 'gridguard migrate');
      try {
        const applied = await migrateToLatest(database.db);
        console.log(applied.length ? `Applied: ${applied.join(', ')}` : 'The database is up to date.');
        const sealed = await sealBirthDates(database.db, createFieldCipher(config.keys));
        if (sealed > 0) console.log(`Moved ${sealed} clear birth dates into the encrypted register records.`);
        const names = await sealClearNames(database.db, createFieldCipher(config.keys));
        if (names > 0)
          console.log(`Moved ${names} clear reporter and requester names into encrypted columns.`);
      } finally {
        await database.close();
      }
    });

  program
    .command('create-admin')
    .description('Create a system administrator bound to a top-level area')
    .requiredOption('--username <name>', 'sign-in name')
    .option('--area <code>', 'area code the role is bound to (default: the first top-level area)')
    .option('--password <password>', 'initial password (default: a random one, printed once)')
    .action(async (options: { username: string; area?: string; password?: string }) => {
      const config = loadConfig();
      await withDatabase(config, 'create-admin', async ({ db }) => {
        const area = options.area
          ? await findAreaByCode(db, options.area)
          : await db
              .selectFrom('areas')
              .selectAll()
              .where('parent_id', 'is', null)
              .orderBy('id')
              .executeTakeFirst();
        if (!area)
          throw new InvalidArgumentError(
            options.area
              ? `No area with code ${options.area}`
              : 'No areas yet: import the hierarchy first (gridguard import areas FILE)',
          );
        const password = options.password ?? `${randomBytes(9).toString('base64url')}7a`;
        const problem = passwordProblem(password, options.username);
        if (problem) throw new InvalidArgumentError(`--password ${problem}`);
        await db.transaction().execute(async (trx) => {
          const user = await trx
            .insertInto('users')
            .values({
              username: options.username,
              display_name: options.username,
              password_hash: await hashPassword(password),
              must_change_password: !options.password,
            })
            .returning('id')
            .executeTakeFirstOrThrow();
          await trx
            .insertInto('role_assignments')
            .values({ user_id: user.id, role: 'admin', area_id: area.id, categories: [] })
            .execute();
          await recordAudit(trx, systemActor(), {
            action: 'user.create',
            entityType: 'user',
            entityId: user.id,
            areaPath: area.path,
            after: { username: options.username, role: 'admin', area: area.code },
          });
        });
        console.log(`Created admin ${options.username} on ${area.name} (${area.code}).`);
        if (!options.password) console.log(`Temporary password (change at first sign-in): ${password}`);
      });
    });

  const seed = program.command('seed').description('Load generated data');
  seed
    .command('demo')
    .description('Generate the demo village 星火村 (only into an empty database)')
    .option('--seed <n>', 'random seed', (v) => Number.parseInt(v, 10), 20220401)
    .action(async (options: { seed: number }) => {
      const config = loadConfig();
      await withDatabase(config, 'seed demo', async ({ db }) => {
        if (!(await isEmptyInstallation(db)))
          throw new InvalidArgumentError(
            'The database already holds areas or users; demo data goes only into an empty one.',
          );
        const { logins } = await seedDemo(db, {
          cipher: createFieldCipher(config.keys),
          password: config.demoPassword,
          demoMode: config.demo,
          seed: options.seed,
          log: console.log,
        });
        printLogins(
          `http://${config.host}:${config.port}`,
          logins,
          config.demo ? config.demoPassword : `${config.demoPassword} (must be changed at first sign-in)`,
        );
      });
    });

  const importCommand = program
    .command('import')
    .description('Import data files (CSV, XLSX; GeoJSON for areas)');
  importCommand
    .command('areas <file>')
    .description(
      'Import areas: CSV/XLSX with columns 编码, 名称, 上级编码, 层级, 类型 — or a GeoJSON FeatureCollection',
    )
    .option('--json', 'print the report as one JSON object')
    .option('--lang <locale>', 'language of messages: zh-CN or en (default: LANG, else zh-CN)')
    .action(async (file: string, options: { json?: boolean; lang?: string }) => {
      const locale = commandLocale(options.lang);
      const say = (key: CliTextKey, params?: Params) => format(cliText(locale, key), params);
      const config = loadConfig();
      await withDatabase(config, 'import areas', async ({ db }) => {
        const rows = await readAreaFile({ path: file });
        const imported = await db
          .transaction()
          .execute((trx) =>
            importAreaRows(trx, systemActor(), { gridCodeWidth: config.gridCodeWidth }, rows, file),
          );
        // Codes stay stable; the sentences are the caller's language.
        const report = { ...imported, rejected: localizeRejects(locale, imported.rejected) };
        if (options.json) console.log(JSON.stringify(report));
        else {
          console.log(say('areaSummary', { ...report, rejected: report.rejected.length }));
          const shown = report.rejected.slice(0, 50);
          for (const r of shown)
            console.log(say('rejectLine', { row: r.row, field: r.field, code: r.code, message: r.message }));
          if (report.rejected.length > shown.length)
            console.log(say('more', { count: report.rejected.length - shown.length }));
        }
        if (report.rejected.length > 0) process.exitCode = 2;
      });
    });

  program
    .command('generate')
    .description(
      'Build a synthetic city-sized register for benchmarks (valid, unique, fictitious ID numbers)',
    )
    .requiredOption('--persons <n>', 'how many persons', (v) => Number.parseInt(v, 10))
    .requiredOption('--grids <n>', 'how many unit grids', (v) => Number.parseInt(v, 10))
    .option('--seed <n>', 'random seed', (v) => Number.parseInt(v, 10), 1)
    .action(async (options: { persons: number; grids: number; seed: number }) => {
      if (!(options.persons > 0) || !(options.grids > 0))
        throw new InvalidArgumentError('--persons and --grids must be positive whole numbers');
      const config = loadConfig();
      await withDatabase(config, 'generate', async ({ db }) => {
        const progress = createCliProgress({ label: 'persons', unit: 'rows' });
        const city = await db.transaction().execute((trx) =>
          generateCity(trx, createFieldCipher(config.keys), {
            ...options,
            onProgress: (done, total) => progress.update(done, total),
          }),
        );
        progress.finish();
        console.log(
          `Generated ${city.persons} persons in ${city.grids.length} grids under ${city.city.name} (${city.city.code}).`,
        );
      });
    });

  const token = program
    .command('token')
    .description('API tokens for data feeds, devices and Open311 clients');
  token
    .command('create')
    .requiredOption('--name <name>', 'what the client is')
    .requiredOption('--area <code>', 'area code the token is bound to')
    .requiredOption('--capability <capability>', `one of ${CAPABILITIES.join(', ')}`)
    .option('--camera <code>', 'device.alerts only: the camera or gate this token belongs to')
    .action(async (options: { name: string; area: string; capability: string; camera?: string }) => {
      if (!(CAPABILITIES as readonly string[]).includes(options.capability))
        throw new InvalidArgumentError(`--capability must be one of ${CAPABILITIES.join(', ')}`);
      if (options.camera !== undefined && options.capability !== 'device.alerts')
        throw new InvalidArgumentError('--camera goes with --capability device.alerts only');
      const config = loadConfig();
      await withDatabase(config, 'token create', async ({ db }) => {
        const area = await findAreaByCode(db, options.area);
        if (!area) throw new InvalidArgumentError(`No area with code ${options.area}`);
        let cameraId: number | null = null;
        if (options.camera !== undefined) {
          const camera = await db
            .selectFrom('cameras')
            .select(['id', 'area_path'])
            .where('code', '=', options.camera)
            .executeTakeFirst();
          if (!camera) throw new InvalidArgumentError(`No camera with code ${options.camera}`);
          if (!camera.area_path.startsWith(area.path))
            throw new InvalidArgumentError(`Camera ${options.camera} is not inside area ${options.area}`);
          cameraId = camera.id;
        }
        const created = await db.transaction().execute(async (trx) => {
          const result = await createApiToken(trx, {
            name: options.name,
            areaId: area.id,
            capability: options.capability as Capability,
            createdBy: null,
            cameraId,
          });
          await recordAudit(trx, systemActor(), {
            action: 'token.create',
            entityType: 'api_token',
            entityId: result.id,
            areaPath: area.path,
            after: { name: options.name, capability: options.capability, camera: options.camera ?? null },
          });
          return result;
        });
        console.log(created.token);
      });
    });

  registerKeyCommands(program);
  registerImportCommands(program);
  registerHealthImportCommands(program);
  registerLabelCommand(program);
  registerHealthCommands(program);
  registerLeadImportCommand(program);
  return program;
}

export async function runCli(argv: string[]): Promise<void> {
  try {
    await buildCli().parseAsync(argv);
  } catch (error) {
    if (
      error instanceof ConfigError ||
      error instanceof DataDirLockedError ||
      error instanceof InvalidArgumentError ||
      error instanceof AppError
    ) {
      // An AppError is worded from its code in the caller's language; the others are already sentences.
      const locale = cliLocale(argv, process.env);
      const message =
        error instanceof AppError ? errorMessage(locale, error.code, error.params) : error.message;
      console.error(format(cliText(locale, 'error'), { message }));
    } else {
      console.error('gridguard:', error instanceof Error ? error.message : error);
      if (process.env.LOG_LEVEL === 'debug') console.error(error);
    }
    process.exitCode = 1;
  }
}
