import { type Command, InvalidArgumentError, Option } from 'commander';
import { SYSTEM_VIEWER } from '../../auth/scope.js';
import { loadConfig } from '../../config.js';
import { openDatabase } from '../../db/database.js';
import { migrateToLatest } from '../../db/migrate.js';
import { findAreaByCode } from '../../hierarchy/repository.js';
import type { EncodingOption } from '../../imports/encoding.js';
import { createCliProgress } from '../../imports/progress.js';
import { createFieldCipher } from '../../privacy/field-crypto.js';
import { DEFAULT_SOURCE, importHealthFile } from './file-import.js';
import { HEALTH_CODE_SOURCES } from './health-codes.js';
import { FEED_KINDS, type FeedKind } from './kinds.js';
import { type CliTextKey, cliText } from '../../i18n/cli.js';
import { type CliHelpKey, cliHelp } from '../../i18n/cli-help.js';
import { DEFAULT_LOCALE, format, type Locale, type Params } from '../../i18n/locale.js';
import { problemMessage } from '../../i18n/messages.js';
import { localizeRejects } from '../../imports/report.js';

interface HealthImportFlags {
  json?: boolean;
  source: string;
  area?: string;
  sheet?: string;
  encoding: EncodingOption;
  rejects?: string;
}

async function runImport(
  locale: Locale,
  kind: FeedKind,
  file: string,
  flags: HealthImportFlags,
): Promise<void> {
  const say = (key: CliTextKey, params?: Params) => format(cliText(locale, key), params);
  if (!/^[\p{L}\p{N}_.:-]{1,64}$/u.test(flags.source)) throw new InvalidArgumentError(say('sourceInvalid'));
  const config = loadConfig();
  const database = await openDatabase(config, `gridguard import ${kind}`);
  try {
    await migrateToLatest(database.db);
    let areaId: number | undefined;
    if (flags.area) {
      const area = await findAreaByCode(database.db, flags.area.trim());
      if (!area) throw new InvalidArgumentError(problemMessage(locale, 'unknownArea', { code: flags.area }));
      areaId = area.id;
    }
    const result = await importHealthFile(
      database.db,
      { viewer: SYSTEM_VIEWER, ip: null, now: () => new Date() },
      createFieldCipher(config.keys),
      {
        kind,
        source: flags.source,
        areaId,
        file: { path: file },
        sheet: flags.sheet,
        encoding: flags.encoding,
        progress: createCliProgress({ label: say('importing', { what: say('records') }), unit: 'bytes' }),
      },
    );
    if (flags.rejects) await result.rejects.writeXlsx(flags.rejects, result.headers, locale);
    const { inserted, updated, unchanged, matched, unmatched } = result.report;
    const rejected = localizeRejects(locale, result.report.rejected);
    if (flags.json) {
      console.log(JSON.stringify({ inserted, updated, unchanged, rejected, matched, unmatched }));
    } else {
      console.log(
        say('feedSummary', {
          batch: result.batchId,
          inserted,
          updated,
          unchanged,
          rejected: result.rejectedTotal,
          matched,
          unmatched,
        }),
      );
      for (const r of rejected.slice(0, 20))
        console.log(say('rejectLine', { row: r.row, field: r.field, code: r.code, message: r.message }));
      if (result.rejectedTotal > 20)
        console.log(
          say('more', { count: result.rejectedTotal - 20 }) + (flags.rejects ? '' : say('moreHint')),
        );
    }
    if (flags.rejects) console.error(say('wroteRejects', { file: flags.rejects }));
  } finally {
    await database.close();
  }
}

/** `gridguard import tests|vaccinations|temperatures|healthcodes|riskareas FILE`, under the existing `import` command. */
export function registerHealthImportCommands(program: Command, locale: Locale = DEFAULT_LOCALE): void {
  const help = (key: CliHelpKey, params?: Params) => format(cliHelp(locale, key), params);
  const group =
    program.commands.find((c) => c.name() === 'import') ??
    program.command('import').description(help('import'));
  for (const kind of FEED_KINDS) {
    group
      .command(kind)
      .description(help(kind === 'riskareas' ? 'importRiskAreas' : 'importFeed', { what: help(kind) }))
      .argument('<file>', help('file'))
      .option(
        '--source <name>',
        help('feedSource', { sources: Object.keys(HEALTH_CODE_SOURCES).join(', ') }),
        DEFAULT_SOURCE,
      )
      .option('--area <code>', help('feedArea'))
      .option('--json', help('jsonOnly'))
      .option('--sheet <name>', help('sheet'))
      .addOption(
        new Option('--encoding <encoding>', help('encoding'))
          .choices(['auto', 'utf-8', 'gbk'])
          .default('auto'),
      )
      .option('--rejects <out.xlsx>', help('rejects'))
      .action((file: string, flags: HealthImportFlags) => runImport(locale, kind, file, flags));
  }
}
