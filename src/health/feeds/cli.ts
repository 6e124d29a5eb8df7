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

interface HealthImportFlags {
  json?: boolean;
  source: string;
  area?: string;
  sheet?: string;
  encoding: EncodingOption;
  rejects?: string;
}

async function runImport(kind: FeedKind, file: string, flags: HealthImportFlags): Promise<void> {
  if (!/^[\p{L}\p{N}_.:-]{1,64}$/u.test(flags.source))
    throw new InvalidArgumentError('--source must be 1-64 letters, digits, _ . : or -');
  const config = loadConfig();
  const database = await openDatabase(config, `gridguard import ${kind}`);
  try {
    await migrateToLatest(database.db);
    let areaId: number | undefined;
    if (flags.area) {
      const area = await findAreaByCode(database.db, flags.area.trim());
      if (!area) throw new InvalidArgumentError(`no area has the code ${flags.area}`);
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
        progress: createCliProgress({ label: `Importing ${kind}`, unit: 'bytes' }),
      },
    );
    if (flags.rejects) await result.rejects.writeXlsx(flags.rejects, result.headers);
    const { inserted, updated, unchanged, rejected, matched, unmatched } = result.report;
    if (flags.json) {
      console.log(JSON.stringify({ inserted, updated, unchanged, rejected, matched, unmatched }));
    } else {
      console.log(
        `Batch ${result.batchId}: ${inserted} inserted, ${updated} updated, ${unchanged} unchanged, ${result.rejectedTotal} rejected; ${matched} matched, ${unmatched} to the unmatched inbox`,
      );
      for (const r of rejected.slice(0, 20))
        console.log(`  row ${r.row}  ${r.field}  ${r.code}  ${r.message}`);
      if (result.rejectedTotal > 20)
        console.log(
          `  … ${result.rejectedTotal - 20} more${flags.rejects ? '' : ' (write them all with --rejects OUT.xlsx)'}`,
        );
    }
    if (flags.rejects) console.error(`Rejected rows written to ${flags.rejects}`);
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
