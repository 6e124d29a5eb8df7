import { type Command, InvalidArgumentError, Option } from 'commander';
import { SYSTEM_VIEWER } from '../auth/scope.js';
import { loadConfig } from '../config.js';
import { openDatabase } from '../db/database.js';
import { migrateToLatest } from '../db/migrate.js';
import type { EncodingOption } from '../imports/encoding.js';
import { createCliProgress } from '../imports/progress.js';
import { createFieldCipher } from '../privacy/field-crypto.js';
import { type CliTextKey, cliText, commandLocale } from '../i18n/cli.js';
import { format, type Params } from '../i18n/locale.js';
import { localizeRejects } from '../imports/report.js';
import { IMPORT_KINDS, type ImportKind } from './columns.js';
import { importRegisterFile } from './service.js';
import { writeTemplate } from './template.js';

interface ImportFlags {
  json?: boolean;
  lang?: string;
  sheet?: string;
  encoding: EncodingOption;
  rejects?: string;
  template?: string;
  dryRun?: boolean;
}

const LABELS: Record<ImportKind, string> = {
  persons: 'persons (实有人口)',
  houses: 'houses (实有房屋)',
  units: 'units (实有单位)',
};

async function runImport(kind: ImportKind, file: string | undefined, flags: ImportFlags): Promise<void> {
  const locale = commandLocale(flags.lang);
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
export function registerImportCommands(program: Command): void {
  const group =
    program.commands.find((c) => c.name() === 'import') ??
    program.command('import').description('Import data from XLSX or CSV files');
  for (const kind of IMPORT_KINDS) {
    group
      .command(kind)
      .description(
        `Import ${LABELS[kind]} from XLSX or CSV (UTF-8 or GBK); idempotent, invalid rows are reported`,
      )
      .argument('[file]', 'the .xlsx or .csv file')
      .option('--json', 'print only the report as one JSON object')
      .option('--lang <locale>', 'language of messages: zh-CN or en (default: LANG, else zh-CN)')
      .option('--sheet <name>', 'the worksheet to read (default: the first visible one)')
      .addOption(
        new Option('--encoding <encoding>', 'CSV text encoding')
          .choices(['auto', 'utf-8', 'gbk'])
          .default('auto'),
      )
      .option('--rejects <out.xlsx>', 'write the rejected rows with their reasons to this XLSX file')
      .option('--dry-run', 'check every row against the register, store nothing')
      .option(
        '--template <file.xlsx>',
        'write a blank template with the Chinese headers instead of importing',
      )
      .action((file: string | undefined, flags: ImportFlags) => runImport(kind, file, flags));
  }
}
