import { startPeriodicJob } from './core/periodic.js';
import { startEventEscalation } from './events/escalation.js';
import { createChannelAdapters } from './notifications/channels/index.js';
import { loadNotificationConfig } from './notifications/config.js';
import { startNotificationDelivery } from './notifications/delivery.js';
import type { FastifyInstance } from 'fastify';
import { buildApp } from './app.js';
import { removeOwnStaging, sweepStaging, touchStaging } from './imports/staging.js';
import type { Config } from './config.js';
import { type Database, openDatabase } from './db/database.js';
import { migrateToLatest } from './db/migrate.js';
import { createFieldCipher } from './privacy/field-crypto.js';
import { isEmptyInstallation, seedDemo, type DemoLogin } from './demo/seed.js';
import { sealBirthDates } from './register/seal.js';

export interface RunningServer {
  app: FastifyInstance;
  database: Database;
  url: string;
  demoLogins: DemoLogin[] | null;
  close(): Promise<void>;
}

/** Opens the database, migrates, seeds the demo village into an empty embedded database, and listens. */
export async function startServer(
  config: Config,
  log: (line: string) => void = console.log,
): Promise<RunningServer> {
  const database = await openDatabase(config, 'gridguard serve');
  try {
    const applied = await migrateToLatest(database.db);
    if (applied.length > 0) log(`Applied migrations: ${applied.join(', ')}`);
    const sealed = await sealBirthDates(database.db, createFieldCipher(config.keys));
    if (sealed > 0) log(`Moved ${sealed} clear birth dates into the encrypted register records`);
    let demoLogins: DemoLogin[] | null = null;
    // Demo data only ever goes into an empty embedded database; PostgreSQL needs `gridguard seed demo`.
    if (database.backend === 'pglite' && config.demo && (await isEmptyInstallation(database.db))) {
      log('Empty database: generating the demo village 星火村 …');
      demoLogins = (
        await seedDemo(database.db, {
          password: config.demoPassword,
          demoMode: true,
          log,
          cipher: createFieldCipher(config.keys),
        })
      ).logins;
    }
    const notificationChannels = loadNotificationConfig(process.env);
    const app = await buildApp({ database, config, notificationChannels });
    // Uploads a killed process left staged (ID numbers, phones) go before anything else runs.
    const swept = await sweepStaging(config.dataDir);
    if (swept.length > 0) log(`Removed uploads left by ${swept.length} stopped process(es)`);
    const staging = startPeriodicJob({
      intervalMs: 60_000,
      run: async () => {
        await touchStaging(config.dataDir);
        await sweepStaging(config.dataDir);
      },
      onError: (error) => app.log.warn({ err: error }, 'staging sweep failed'),
    });
    app.addHook('onClose', async () => {
      await staging.stop();
      await removeOwnStaging(config.dataDir);
    });
    if (database.raw.kind === 'pglite') {
      // PGlite has no autovacuum: keep the planner's statistics and free space fresh ourselves.
      const pglite = database.raw.pglite;
      const maintenance = startPeriodicJob({
        intervalMs: 6 * 3600_000,
        run: () => pglite.exec('vacuum analyze'),
        onError: (error) => app.log.warn({ err: error }, 'vacuum failed'),
      });
      app.addHook('onClose', () => maintenance.stop());
    }
    // Step deadlines live in the database: the timer may run in every app process, and each
    // overdue event still climbs exactly one tier per overrun.
    const escalation = startEventEscalation({
      db: app.db,
      clock: app.clock,
      intervalMs: 60_000,
      firstRunMs: 5_000,
      onError: (error) => app.log.error({ err: error }, 'event escalation failed'),
    });
    app.addHook('onClose', () => escalation.stop());
    // SMS, webhook and voice deliveries: claimed with a lease, so every app node may run this.
    const delivery = startNotificationDelivery({
      db: app.db,
      adapters: createChannelAdapters(notificationChannels, (fields, message) =>
        app.log.info(fields, message),
      ),
      cipher: app.cipher,
      clock: app.clock,
      intervalMs: 5_000,
      onError: (error) => app.log.warn({ err: error }, 'notification delivery failed'),
    });
    app.addHook('onClose', () => delivery.stop());
    const address = await app.listen({ port: config.port, host: config.host });
    const url = address.replace('[::1]', 'localhost').replace('127.0.0.1', 'localhost');
    return {
      app,
      database,
      url,
      demoLogins,
      close: async () => {
        await app.close();
        await database.close();
      },
    };
  } catch (error) {
    await database.close();
    throw error;
  }
}
