import { type Command, InvalidArgumentError } from 'commander';
import { recordAudit } from '../../audit/repository.js';
import { SYSTEM_VIEWER } from '../../auth/scope.js';
import { loadConfig } from '../../config.js';
import { type Database, openDatabase } from '../../db/database.js';
import { migrateToLatest } from '../../db/migrate.js';
import { flagReturnees } from '../key-persons/returnees.js';
import { rebuildRoundCounters } from './counters-repository.js';
import { cliSay } from '../../i18n/cli.js';
import { cliHelp } from '../../i18n/cli-help.js';
import { DEFAULT_LOCALE, type Locale } from '../../i18n/locale.js';

async function withDatabase(command: string, work: (database: Database) => Promise<void>): Promise<void> {
  const database = await openDatabase(loadConfig(), `gridguard ${command}`);
  try {
    await migrateToLatest(database.db);
    await work(database);
  } finally {
    await database.close();
  }
}

/** The group command `name` (e.g. "rebuild"), shared with other modules that add their own subcommands. */
function group(program: Command, name: string, description: string): Command {
  return program.commands.find((c) => c.name() === name) ?? program.command(name).description(description);
}

/**
 * `gridguard rebuild counters [--round ID]`: recompute screening-round coverage from source;
 * `gridguard scan returnees`: flag returnees from current risk areas now.
 */
export function registerHealthCommands(program: Command, locale: Locale = DEFAULT_LOCALE): void {
  const say = cliSay(locale);
  group(program, 'rebuild', cliHelp(locale, 'rebuild'))
    .command('counters')
    .description(cliHelp(locale, 'rebuildCounters'))
    .option('--round <id>', cliHelp(locale, 'round'), (v) => {
      const id = Number.parseInt(v, 10);
      if (!(id > 0)) throw new InvalidArgumentError(say('roundIdInvalid'));
      return id;
    })
    .action(async (options: { round?: number }) => {
      await withDatabase('rebuild counters', async ({ db }) => {
        const started = performance.now();
        const result = await db.transaction().execute(async (trx) => {
          const rebuilt = await rebuildRoundCounters(trx, options.round);
          await recordAudit(
            trx,
            { viewer: SYSTEM_VIEWER, ip: null, now: () => new Date() },
            {
              action: 'round.rebuild_counters',
              entityType: 'screening_round',
              entityId: options.round ?? null,
              after: rebuilt,
            },
          );
          return rebuilt;
        });
        const seconds = ((performance.now() - started) / 1000).toFixed(1);
        console.log(say('countersRebuilt', { rounds: result.rounds, seconds }));
      });
    });

  group(program, 'scan', cliHelp(locale, 'scan'))
    .command('returnees')
    .description(cliHelp(locale, 'scanReturnees'))
    .action(async () => {
      await withDatabase('scan returnees', async ({ db }) => {
        const result = await flagReturnees(db, new Date());
        console.log(say('returneesFlagged', { count: result.flagged.length }));
      });
    });
}
