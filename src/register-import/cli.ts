import { type Command, InvalidArgumentError, Option } from 'commander';
import { SYSTEM_VIEWER } from '../auth/scope.js';
import { loadConfig } from '../config.js';
import { openDatabase } from '../db/database.js';
import { migrateToLatest } from '../db/migrate.js';
import type { EncodingOption } from '../imports/encoding.js';
import { createCliProgress } from '../imports/progress.js';
import { createFieldCipher } from '../privacy/field-crypto.js';
import { type CliTextKey, cliText } from '../i18n/cli.js';
import { type CliHelpKey, cliHelp } from '../i18n/cli-help.js';
import { DEFAULT_LOCALE, format, type Locale, type Params } from '../i18n/locale.js';
import { localizeRejects } from '../imports/report.js';
import { IMPORT_KINDS, type ImportKind } from './columns.js';
import { importRegisterFile } from './service.js';
import { writeTemplate } from './template.js';

interface ImportFlags {
  json?: boolean;
  sheet?: string;
  encoding: EncodingOption;
  rejects?: string;
  template?: string;
  dryRun?: boolean;
}

async function runImport(
  locale: Locale,
  kind: ImportKind,
  file: string | undefined,
  flags: ImportFlags,
): Promise<void> {
  const say = (key: CliTextKey, params?: Params) => format(cliText(locale, key), params);
  const what = cliText(locale, kind);
  if (flags.template) {
    await writeTemplate(kind, flags.template);
    if (!flags.json) console.error(say('wroteTemplate', { what, file: flags.template }));
    return;
  }
  if (!file) throw new InvalidArgumentError(say('needFile'));
  const config = loadConfig();
  const database = await openDatabase(config, `gridguard import ${kind}`);
  try {
    await migrateToLatest(database.db);
    const actor = { viewer: SYSTEM_VIEWER, ip: null, now: () => new Date() };
    const result = await importRegisterFile(database.db, actor, createFieldCipher(config.keys), {
      keys: config.keys,
      kind,
      source: { path: file },
      sheet: flags.sheet,
      encoding: flags.encoding,
      dryRun: flags.dryRun,
      progress: createCliProgress({ label: say('importing', { what }), unit: 'bytes' }),
    });
    if (flags.rejects) await result.rejects.writeXlsx(flags.rejects, result.headers, locale);
    // Codes stay stable; the sentences are the caller's language.
    const report = { ...result.report, rejected: localizeRejects(locale, result.report.rejected) };
    if (flags.json) {
      console.log(JSON.stringify(report));
    } else {
      const summary = say('summary', { ...report, rejected: result.rejectedTotal });
      console.log(`${flags.dryRun ? say('dryRun') : ''}${summary}`);
      const shown = report.rejected.slice(0, 20);
      for (const r of shown)
        console.log(say('rejectLine', { row: r.row, field: r.field, code: r.code, message: r.message }));
      if (report.rejected.length > shown.length || result.rejectedTotal > shown.length)
        console.log(
          say('more', { count: result.rejectedTotal - shown.length }) +
            (flags.rejects ? '' : say('moreHint')),
        );
    }
    if (flags.rejects) console.error(say('wroteRejects', { file: flags.rejects }));
    if (result.rejectedTotal > report.rejected.length) {
      console.error(say('onlyFirst', { listed: report.rejected.length, total: result.rejectedTotal }));
    }
  } finally {
    await database.close();
  }
}

/** `gridguard import persons|houses|units FILE`: attaches to an existing `import` command if there is one. */
export function registerImportCommands(program: Command, locale: Locale = DEFAULT_LOCALE): void {
  const help = (key: CliHelpKey, params?: Params) => format(cliHelp(locale, key), params);
  const group =
    program.commands.find((c) => c.name() === 'import') ??
    program.command('import').description(help('import'));
  for (const kind of IMPORT_KINDS) {
    group
      .command(kind)
      .description(help('importRegister', { what: cliText(locale, kind) }))
      .argument('[file]', help('file'))
      .option('--json', help('jsonOnly'))
      .option('--sheet <name>', help('sheet'))
      .addOption(
        new Option('--encoding <encoding>', help('encoding'))
          .choices(['auto', 'utf-8', 'gbk'])
          .default('auto'),
      )
      .option('--rejects <out.xlsx>', help('rejects'))
      .option('--dry-run', help('dryRun'))
      .option('--template <file.xlsx>', help('template'))
      .action((file: string | undefined, flags: ImportFlags) => runImport(locale, kind, file, flags));
  }
}
