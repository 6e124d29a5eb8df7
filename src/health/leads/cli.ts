import { type Command, InvalidArgumentError, Option } from 'commander';
import { SYSTEM_VIEWER } from '../../auth/scope.js';
import { loadConfig } from '../../config.js';
import { openDatabase } from '../../db/database.js';
import { migrateToLatest } from '../../db/migrate.js';
import { findAreaByCode } from '../../hierarchy/repository.js';
import type { EncodingOption } from '../../imports/encoding.js';
import { createCliProgress } from '../../imports/progress.js';
import { createFieldCipher } from '../../privacy/field-crypto.js';
import { importLeadFile } from './import.js';
import { type CliTextKey, cliText } from '../../i18n/cli.js';
import { type CliHelpKey, cliHelp } from '../../i18n/cli-help.js';
import { DEFAULT_LOCALE, format, type Locale, type Params } from '../../i18n/locale.js';
import { problemMessage } from '../../i18n/messages.js';
import { localizeRejects } from '../../imports/report.js';

interface LeadImportFlags {
  area: string;
  batch?: string;
  json?: boolean;
  sheet?: string;
  encoding: EncodingOption;
  rejects?: string;
}

async function runLeadImport(locale: Locale, file: string, flags: LeadImportFlags): Promise<void> {
  const say = (key: CliTextKey, params?: Params) => format(cliText(locale, key), params);
  const config = loadConfig();
  const database = await openDatabase(config, 'gridguard import leads');
  try {
    await migrateToLatest(database.db);
    const area = await findAreaByCode(database.db, flags.area);
    if (!area) throw new InvalidArgumentError(problemMessage(locale, 'unknownArea', { code: flags.area }));
    const actor = { viewer: SYSTEM_VIEWER, ip: null, now: () => new Date() };
    const result = await importLeadFile(database.db, actor, createFieldCipher(config.keys), {
      source: { path: file },
      areaId: area.id,
      batchReference: flags.batch,
      sheet: flags.sheet,
      encoding: flags.encoding,
      progress: flags.json
        ? undefined
        : createCliProgress({ label: say('importing', { what: say('leads') }), unit: 'bytes' }),
    });
    if (flags.rejects) await result.rejects.writeXlsx(flags.rejects, result.headers, locale);
    const report = { ...result.report, rejected: localizeRejects(locale, result.report.rejected) };
    if (flags.json) {
      console.log(JSON.stringify(report));
    } else {
      console.log(
        say('leadSummary', {
          batch: result.batchReference,
          inserted: report.inserted,
          unchanged: report.unchanged,
          rejected: report.rejectedTotal,
        }),
      );
      console.log(say('leadRouted', { ...report.routed }));
      for (const r of report.rejected.slice(0, 20))
        console.log(say('rejectLine', { row: r.row, field: r.field, code: r.code, message: r.message }));
      if (report.rejectedTotal > 20)
        console.log(
          say('more', { count: report.rejectedTotal - 20 }) + (flags.rejects ? '' : say('moreHint')),
        );
    }
    if (flags.rejects) console.error(say('wroteRejects', { file: flags.rejects }));
    if (report.rejectedTotal > 0) process.exitCode = 2;
  } finally {
    await database.close();
  }
}

/** `gridguard import leads FILE --area CODE`: attaches to the existing `import` command if there is one. */
export function registerLeadImportCommand(program: Command, locale: Locale = DEFAULT_LOCALE): void {
  const help = (key: CliHelpKey, params?: Params) => format(cliHelp(locale, key), params);
  const group =
    program.commands.find((c) => c.name() === 'import') ??
    program.command('import').description(help('import'));
  group
    .command('leads')
    .description(help('importLeads'))
    .argument('<file>', help('file'))
    .requiredOption('--area <code>', help('leadsArea'))
    .option('--batch <reference>', help('leadsBatch'))
    .option('--json', help('jsonOnly'))
    .option('--sheet <name>', help('sheet'))
    .addOption(
      new Option('--encoding <encoding>', help('encoding')).choices(['auto', 'utf-8', 'gbk']).default('auto'),
    )
    .option('--rejects <out.xlsx>', help('rejects'))
    .action((file: string, flags: LeadImportFlags) => runLeadImport(locale, file, flags));
}
