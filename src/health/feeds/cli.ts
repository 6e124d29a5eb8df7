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
import { FEED_KINDS, type FeedKind, KIND_LABELS } from './kinds.js';
import { type CliTextKey, cliText, commandLocale } from '../../i18n/cli.js';
import { format, type Params } from '../../i18n/locale.js';
import { problemMessage } from '../../i18n/messages.js';
import { localizeRejects } from '../../imports/report.js';

interface HealthImportFlags {
  json?: boolean;
  lang?: string;
  source: string;
  area?: string;
  sheet?: string;
  encoding: EncodingOption;
  rejects?: string;
}

async function runImport(kind: FeedKind, file: string, flags: HealthImportFlags): Promise<void> {
  if (!/^[\p{L}\p{N}_.:-]{1,64}$/u.test(flags.source))
    throw new InvalidArgumentError('--source must be 1-64 letters, digits, _ . : or -');
  const locale = commandLocale(flags.lang);
  const say = (key: CliTextKey, params?: Params) => format(cliText(locale, key), params);
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
export function registerHealthImportCommands(program: Command): void {
  const group =
    program.commands.find((c) => c.name() === 'import') ??
    program.command('import').description('Import data from XLSX or CSV files');
  for (const kind of FEED_KINDS) {
    group
      .command(kind)
      .description(
        kind === 'riskareas'
          ? `Import ${KIND_LABELS[kind]} from XLSX or CSV (UTF-8 or GBK); idempotent per source, name, level and start`
          : `Import ${KIND_LABELS[kind]} from XLSX or CSV (UTF-8 or GBK); idempotent per source and record id, matched to persons by ID number`,
      )
      .argument('<file>', 'the .xlsx or .csv file')
      .option(
        '--source <name>',
        `the feed's source: record ids are unique per source; health codes are read with its colour table (${Object.keys(HEALTH_CODE_SOURCES).join(', ')})`,
        DEFAULT_SOURCE,
      )
      .option('--area <code>', 'the area the feed belongs to (default: the top area)')
      .option('--json', 'print only the report as one JSON object')
      .option('--lang <locale>', 'language of messages: zh-CN or en (default: LANG, else zh-CN)')
      .option('--sheet <name>', 'the worksheet to read (default: the first visible one)')
      .addOption(
        new Option('--encoding <encoding>', 'CSV text encoding')
          .choices(['auto', 'utf-8', 'gbk'])
          .default('auto'),
      )
      .option('--rejects <out.xlsx>', 'write the rejected rows with their reasons to this XLSX file')
      .action((file: string, flags: HealthImportFlags) => runImport(kind, file, flags));
  }
}
