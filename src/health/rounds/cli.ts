import { type Command, InvalidArgumentError } from 'commander';
import { recordAudit } from '../../audit/repository.js';
import { SYSTEM_VIEWER } from '../../auth/scope.js';
import { loadConfig } from '../../config.js';
import { type Database, openDatabase } from '../../db/database.js';
import { migrateToLatest } from '../../db/migrate.js';
import { flagReturnees } from '../key-persons/returnees.js';
import { rebuildRoundCounters } from './counters-repository.js';

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
export function registerHealthCommands(program: Command): void {
  group(program, 'rebuild', 'Recompute precomputed figures from their source data')
    .command('counters')
    .description(
      'Recompute the coverage counters of open screening rounds from the register, test records and marks',
    )
    .option('--round <id>', 'only this round', (v) => {
      const id = Number.parseInt(v, 10);
      if (!(id > 0)) throw new InvalidArgumentError('--round must be a round id');
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
        console.log(`Rebuilt the counters of ${result.rounds} open round(s) in ${seconds} s.`);
      });
    });

  group(program, 'scan', 'Run a background check now')
    .command('returnees')
    .description(
      'Flag persons who arrived in the last 14 days from a current risk area as returnee key persons',
    )
    .action(async () => {
      await withDatabase('scan returnees', async ({ db }) => {
        const result = await flagReturnees(db, new Date());
        console.log(`Flagged ${result.flagged.length} returnee(s).`);
      });
    });
}
