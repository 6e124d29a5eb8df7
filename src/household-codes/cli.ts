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

/** `gridguard labels --area CODE --out FILE.pdf`: the door-label sheet of an area, as the web action makes it. */
export function registerLabelCommand(program: Command): void {
  program
    .command('labels')
    .description(
      'Write an A4 PDF of door labels (一户一码) for every house of an area; issues codes for houses without one ' +
        '(the operator acts as the system). QR codes point at GRIDGUARD_PUBLIC_URL (demo mode: http://localhost:PORT)',
    )
    .requiredOption('--area <code>', 'area code (grid, micro-grid, community…)')
    .requiredOption('--out <file>', 'PDF file to write')
    .action(async (options: { area: string; out: string }) => {
      const config = loadConfig();
      const database = await openDatabase(config, 'gridguard labels');
      try {
        await migrateToLatest(database.db);
        const area = await findAreaByCode(database.db, options.area.trim());
        if (!area) throw new InvalidArgumentError(`No area with code ${options.area}`);
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
          `Wrote ${sheet.labels.length} door labels of ${area.name} on ${pages} page(s) to ${options.out} (${issued} codes newly issued)`,
        );
      } finally {
        await database.close();
      }
    });
}
