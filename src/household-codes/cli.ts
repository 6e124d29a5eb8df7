import { writeFile } from 'node:fs/promises';
import { type Command, InvalidArgumentError } from 'commander';
import { SYSTEM_VIEWER } from '../auth/scope.js';
import { loadConfig } from '../config.js';
import { openDatabase } from '../db/database.js';
import { migrateToLatest } from '../db/migrate.js';
import { findAreaByCode } from '../hierarchy/repository.js';
import { createFieldCipher } from '../privacy/field-crypto.js';
import { doorLabels, issueHouseholdCodesForArea } from './code-service.js';
import { LABELS_PER_PAGE, renderDoorLabels } from './labels.js';
import { cliSay } from '../i18n/cli.js';
import { cliHelp } from '../i18n/cli-help.js';
import { DEFAULT_LOCALE, type Locale } from '../i18n/locale.js';
import { problemMessage } from '../i18n/messages.js';

/** `gridguard labels --area CODE --out FILE.pdf`: the door-label sheet of an area, as the web action makes it. */
export function registerLabelCommand(program: Command, locale: Locale = DEFAULT_LOCALE): void {
  const say = cliSay(locale);
  program
    .command('labels')
    .description(cliHelp(locale, 'labels'))
    .requiredOption('--area <code>', cliHelp(locale, 'labelsArea'))
    .requiredOption('--out <file>', cliHelp(locale, 'labelsOut'))
    .action(async (options: { area: string; out: string }) => {
      const config = loadConfig();
      const database = await openDatabase(config, 'gridguard labels');
      try {
        await migrateToLatest(database.db);
        const area = await findAreaByCode(database.db, options.area.trim());
        if (!area)
          throw new InvalidArgumentError(problemMessage(locale, 'unknownArea', { code: options.area }));
        const actor = { viewer: SYSTEM_VIEWER, ip: null, now: () => new Date() };
        const cipher = createFieldCipher(config.keys);
        // The operator at the console may issue: missing codes first, then the sheet, in one transaction.
        const { issued, sheet } = await database.db.transaction().execute(async (trx) => {
          const { issued } = await issueHouseholdCodesForArea(trx, actor, cipher, area.id, false);
          return {
            issued,
            sheet: await doorLabels(trx, actor, cipher, { areaId: area.id }, config.publicUrl),
          };
        });
        await writeFile(options.out, await renderDoorLabels(sheet.labels, sheet.name));
        const pages = Math.ceil(sheet.labels.length / LABELS_PER_PAGE);
        console.log(
          say('wroteLabels', {
            labels: sheet.labels.length,
            area: area.name,
            pages,
            file: options.out,
            issued,
          }),
        );
      } finally {
        await database.close();
      }
    });
}
