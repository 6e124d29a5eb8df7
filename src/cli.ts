import { randomBytes } from 'node:crypto';
import { Command, InvalidArgumentError } from 'commander';
import { hashPassword, passwordProblem } from './auth/password.js';
import { createApiToken } from './auth/repository.js';
import { CAPABILITIES, type Capability } from './auth/rights.js';
import { SYSTEM_VIEWER } from './auth/scope.js';
import { AppError } from './core/errors.js';
import { ConfigError, healthRulesConfig, loadConfig, type Config } from './config.js';
import { recordAudit } from './audit/repository.js';
import { type Database, openDatabase } from './db/database.js';
import { DataDirLockedError } from './db/lock.js';
import { migrateToLatest } from './db/migrate.js';
import { type DemoLogin, demoStepLine, isEmptyInstallation, seedDemo } from './demo/seed.js';
import { importAreaRows } from './hierarchy/import.js';
import { readAreaFile } from './hierarchy/import-file.js';
import { findAreaByCode, findFirstTopArea } from './hierarchy/repository.js';
import { generateCity } from './generate/city.js';
import { createCliProgress } from './imports/progress.js';
import { registerLabelCommand } from './household-codes/cli.js';
import { registerHealthCommands } from './health/rounds/cli.js';
import { registerLeadImportCommand } from './health/leads/cli.js';
import { registerImportCommands } from './register-import/cli.js';
import { registerHealthImportCommands } from './health/feeds/cli.js';
import { matchRecordsOnRegistration } from './health/feeds/service.js';
import { useHealthRules } from './health/rules/settings.js';
import { createFieldCipher } from './privacy/field-crypto.js';
import { registerKeyCommands } from './key-rotation/cli.js';
import { registerBackupCommands } from './backup/cli.js';
import { sealClearNames } from './key-rotation/seal-names.js';
import { sealBirthDates } from './register/seal.js';
import { findCameraByCode } from './events/repository.js';
import { insertAssignments, insertUser } from './users/repository.js';
import { startServer } from './server.js';
import { cliSay } from './i18n/cli.js';
import { type CliHelpKey, cliHelp } from './i18n/cli-help.js';
import { cliLocale, format, type Locale, type Params } from './i18n/locale.js';
import { errorMessage, problemMessage } from './i18n/messages.js';
import { rolesEn } from './i18n/vocabulary.en.js';
import { rolesZhCN } from './i18n/vocabulary.zh-CN.js';
import { localizeRejects } from './imports/report.js';

const ROLE_NAMES = { 'zh-CN': rolesZhCN, en: rolesEn } as const satisfies Record<Locale, unknown>;

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

function printLogins(locale: Locale, url: string, logins: DemoLogin[], password: string) {
  const say = cliSay(locale);
  console.log(say('demoSignIns', { password }));
  for (const login of logins)
    console.log(
      say('demoLoginLine', {
        role: ROLE_NAMES[locale][login.role].padEnd(16),
        username: login.username.padEnd(18),
        displayName: login.displayName,
        area: login.area,
      }),
    );
  console.log(say('openUrl', { url }));
}

/** The command line in a language: descriptions, output and refusals (`--lang`, else LC_ALL/LANG, else zh-CN). */
export function buildCli(locale: Locale = cliLocale(process.argv, process.env)): Command {
  // Imports and key rotation run without the app: health still matches records to whom they register.
  matchRecordsOnRegistration();
  // Feed imports from the command line act on readings as the server would (bad values stop here).
  useHealthRules(healthRulesConfig());
  const say = cliSay(locale);
  const help = (key: CliHelpKey, params?: Params) => format(cliHelp(locale, key), params);
  // Commander hands its section titles to `styleTitle`; subcommands inherit the help configuration.
  const titles: Record<string, string> = {
    'Usage:': help('titleUsage'),
    'Arguments:': help('titleArguments'),
    'Options:': help('titleOptions'),
    'Global Options:': help('titleGlobalOptions'),
    'Commands:': help('titleCommands'),
  };
  const program = new Command('gridguard')
    .description(help('program'))
    .option('--lang <locale>', help('lang'))
    .helpOption('-h, --help', help('help'))
    .helpCommand('help [command]', help('helpCommand'))
    .configureHelp({ styleTitle: (title) => titles[title] ?? title })
    .showHelpAfterError();

  program
    .command('serve')
    .description(help('serve'))
    .action(async () => {
      const config = loadConfig();
      const server = await startServer(config, console.log, locale);
      console.log(say('running', { url: server.url, backend: server.database.backend }));
      console.log(say('apiDocs', { url: server.url }));
      if (server.demoLogins) printLogins(locale, server.url, server.demoLogins, config.demoPassword);
      else if (config.demo && server.database.backend === 'pglite')
        console.log(say('demoSignIn', { password: config.demoPassword }));
      const stop = async () => {
        await server.close();
        process.exit(0);
      };
      process.once('SIGINT', () => void stop());
      process.once('SIGTERM', () => void stop());
    });

  program
    .command('migrate')
    .description(help('migrate'))
    .action(async () => {
      const config = loadConfig();
      const database = await openDatabase(config, 'gridguard migrate');
      try {
        const applied = await migrateToLatest(database.db);
        console.log(
          applied.length ? say('migrationsApplied', { names: applied.join(', ') }) : say('upToDate'),
        );
        const sealed = await sealBirthDates(database.db, createFieldCipher(config.keys));
        if (sealed > 0) console.log(say('sealedBirthDates', { count: sealed }));
        const names = await sealClearNames(database.db, createFieldCipher(config.keys));
        if (names > 0) console.log(say('sealedNames', { count: names }));
      } finally {
        await database.close();
      }
    });

  program
    .command('create-admin')
    .description(help('createAdmin'))
    .requiredOption('--username <name>', help('username'))
    .option('--area <code>', help('adminArea'))
    .option('--password <password>', help('password'))
    .action(async (options: { username: string; area?: string; password?: string }) => {
      const password = options.password ?? `${randomBytes(9).toString('base64url')}7a`;
      // A weak password is refused before the database is opened; the sentence comes from the error catalog.
      const problem = passwordProblem(password, options.username);
      if (problem) throw new AppError('PASSWORD_TOO_WEAK', 400, `--password ${problem}`);
      const config = loadConfig();
      await withDatabase(config, 'create-admin', async ({ db }) => {
        const area = options.area ? await findAreaByCode(db, options.area) : await findFirstTopArea(db);
        if (!area)
          throw new InvalidArgumentError(
            options.area ? problemMessage(locale, 'unknownArea', { code: options.area }) : say('noAreasYet'),
          );
        await db.transaction().execute(async (trx) => {
          const user = await insertUser(trx, {
            username: options.username,
            display_name: options.username,
            password_hash: await hashPassword(password),
            must_change_password: !options.password,
          });
          await insertAssignments(trx, [
            { user_id: user.id, role: 'admin', area_id: area.id, categories: [] },
          ]);
          await recordAudit(trx, systemActor(), {
            action: 'user.create',
            entityType: 'user',
            entityId: user.id,
            areaPath: area.path,
            after: { username: options.username, role: 'admin', area: area.code },
          });
        });
        console.log(say('adminCreated', { username: options.username, area: area.name, code: area.code }));
        if (!options.password) console.log(say('temporaryPassword', { password }));
      });
    });

  const seed = program.command('seed').description(help('seed'));
  seed
    .command('demo')
    .description(help('seedDemo'))
    .option('--seed <n>', help('randomSeed'), (v) => Number.parseInt(v, 10), 20220401)
    .action(async (options: { seed: number }) => {
      const config = loadConfig();
      await withDatabase(config, 'seed demo', async ({ db }) => {
        if (!(await isEmptyInstallation(db))) throw new InvalidArgumentError(say('notEmpty'));
        const { logins } = await seedDemo(db, {
          cipher: createFieldCipher(config.keys),
          password: config.demoPassword,
          demoMode: config.demo,
          seed: options.seed,
          onStep: (step) => console.log(demoStepLine(locale, step)),
        });
        printLogins(
          locale,
          `http://${config.host}:${config.port}`,
          logins,
          config.demo ? config.demoPassword : say('mustChangePassword', { password: config.demoPassword }),
        );
      });
    });

  const importCommand = program.command('import').description(help('import'));
  importCommand
    .command('areas')
    .argument('<file>', help('file'))
    .description(help('importAreas'))
    .option('--json', help('json'))
    .action(async (file: string, options: { json?: boolean }) => {
      const config = loadConfig();
      await withDatabase(config, 'import areas', async ({ db }) => {
        const rows = await readAreaFile({ path: file });
        const report = await db
          .transaction()
          .execute((trx) =>
            importAreaRows(trx, systemActor(), { gridCodeWidth: config.gridCodeWidth }, rows, file),
          );
        // Codes stay stable; the sentences are the caller's language.
        const rejected = localizeRejects(locale, report.rejected);
        if (options.json) console.log(JSON.stringify({ ...report, rejected }));
        else {
          console.log(say('areasSummary', { ...report, rejected: rejected.length }));
          for (const r of rejected.slice(0, 50))
            console.log(say('rejectLine', { row: r.row, field: r.field, code: r.code, message: r.message }));
          if (rejected.length > 50) console.log(say('more', { count: rejected.length - 50 }));
        }
        if (report.rejected.length > 0) process.exitCode = 2;
      });
    });

  program
    .command('generate')
    .description(help('generate'))
    .requiredOption('--persons <n>', help('persons'), (v) => Number.parseInt(v, 10))
    .requiredOption('--grids <n>', help('grids'), (v) => Number.parseInt(v, 10))
    .option('--seed <n>', help('randomSeed'), (v) => Number.parseInt(v, 10), 1)
    .action(async (options: { persons: number; grids: number; seed: number }) => {
      if (!(options.persons > 0) || !(options.grids > 0))
        throw new InvalidArgumentError(say('positiveCounts'));
      const config = loadConfig();
      await withDatabase(config, 'generate', async ({ db }) => {
        const progress = createCliProgress({ label: say('generating'), unit: 'rows' });
        const city = await db.transaction().execute((trx) =>
          generateCity(trx, createFieldCipher(config.keys), {
            ...options,
            onProgress: (done, total) => progress.update(done, total),
          }),
        );
        progress.finish();
        console.log(
          say('generated', {
            persons: city.persons,
            grids: city.grids.length,
            city: city.city.name,
            code: city.city.code,
          }),
        );
      });
    });

  const token = program.command('token').description(help('token'));
  token
    .command('create')
    .description(help('tokenCreate'))
    .requiredOption('--name <name>', help('tokenName'))
    .requiredOption('--area <code>', help('tokenArea'))
    .requiredOption('--capability <capability>', help('capability', { choices: CAPABILITIES.join(', ') }))
    .option('--camera <code>', help('camera'))
    .action(async (options: { name: string; area: string; capability: string; camera?: string }) => {
      if (!(CAPABILITIES as readonly string[]).includes(options.capability))
        throw new InvalidArgumentError(say('capabilityChoice', { choices: CAPABILITIES.join(', ') }));
      if (options.camera !== undefined && options.capability !== 'device.alerts')
        throw new InvalidArgumentError(say('cameraNeedsDeviceAlerts'));
      const config = loadConfig();
      await withDatabase(config, 'token create', async ({ db }) => {
        const area = await findAreaByCode(db, options.area);
        if (!area)
          throw new InvalidArgumentError(problemMessage(locale, 'unknownArea', { code: options.area }));
        let cameraId: number | null = null;
        if (options.camera !== undefined) {
          const camera = await findCameraByCode(db, options.camera);
          if (!camera) throw new InvalidArgumentError(say('noCamera', { code: options.camera }));
          if (!camera.area_path.startsWith(area.path))
            throw new InvalidArgumentError(
              say('cameraOutsideArea', { camera: options.camera, area: options.area }),
            );
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

  registerKeyCommands(program, locale);
  registerBackupCommands(program, locale);
  registerImportCommands(program, locale);
  registerHealthImportCommands(program, locale);
  registerLabelCommand(program, locale);
  registerHealthCommands(program, locale);
  registerLeadImportCommand(program, locale);
  return program;
}

/** A refusal in the caller's language with a stable code: AppErrors from their code, the known kinds from their fields. */
function refusal(locale: Locale, error: unknown): { code: string; message: string } | null {
  const say = cliSay(locale);
  if (error instanceof AppError)
    return { code: error.code, message: errorMessage(locale, error.code, error.params) };
  if (error instanceof ConfigError)
    return {
      code: 'CONFIG_INVALID',
      message: say('configInvalid', { variable: error.variable, detail: error.detail }),
    };
  if (error instanceof DataDirLockedError) {
    const holder = error.holder ? say('lockHolder', { ...error.holder }) : say('lockHolderUnknown');
    return { code: 'DATA_DIR_LOCKED', message: say('dataDirLocked', { dir: error.dataDir, holder }) };
  }
  // Our own InvalidArgumentErrors are worded in the locale already.
  if (error instanceof InvalidArgumentError) return { code: 'INVALID_ARGUMENT', message: error.message };
  return null;
}

export async function runCli(argv: string[]): Promise<void> {
  const locale = cliLocale(argv, process.env);
  const say = cliSay(locale);
  try {
    await buildCli(locale).parseAsync(argv);
  } catch (error) {
    const refused = refusal(locale, error);
    // Machine readers (--json) get the stable code beside the sentence, as one JSON line on stderr.
    if (refused && argv.includes('--json')) console.error(JSON.stringify({ error: refused }));
    else if (refused) console.error(say('error', { message: refused.message }));
    else {
      console.error(say('error', { message: error instanceof Error ? error.message : String(error) }));
      if (process.env.LOG_LEVEL === 'debug') console.error(error);
    }
    process.exitCode = 1;
  }
}
