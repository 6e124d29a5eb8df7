import { loadNotificationConfig } from './notifications/config.js';
import type { FastifyInstance } from 'fastify';
import { buildApp } from './app.js';
import type { Config } from './config.js';
import { type Database, openDatabase } from './db/database.js';
import { migrateToLatest } from './db/migrate.js';
import { createFieldCipher } from './privacy/field-crypto.js';
import { demoStepLine, isEmptyInstallation, seedDemo, type DemoLogin } from './demo/seed.js';
import { sealClearNames } from './key-rotation/seal-names.js';
import { sealBirthDates } from './register/seal.js';
import { cliSay } from './i18n/cli.js';
import { DEFAULT_LOCALE, type Locale } from './i18n/locale.js';

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
  locale: Locale = DEFAULT_LOCALE,
): Promise<RunningServer> {
  const say = cliSay(locale);
  const database = await openDatabase(config, 'gridguard serve');
  try {
    const applied = await migrateToLatest(database.db);
    if (applied.length > 0) log(say('migrationsApplied', { names: applied.join(', ') }));
    const sealed = await sealBirthDates(database.db, createFieldCipher(config.keys));
    if (sealed > 0) log(say('sealedBirthDates', { count: sealed }));
    const names = await sealClearNames(database.db, createFieldCipher(config.keys));
    if (names > 0) log(say('sealedNames', { count: names }));
    let demoLogins: DemoLogin[] | null = null;
    // Demo data only ever goes into an empty embedded database; PostgreSQL needs `gridguard seed demo`.
    if (database.backend === 'pglite' && config.demo && (await isEmptyInstallation(database.db))) {
      log(say('generatingDemo'));
      demoLogins = (
        await seedDemo(database.db, {
          password: config.demoPassword,
          demoMode: true,
          onStep: (step) => log(demoStepLine(locale, step)),
          cipher: createFieldCipher(config.keys),
        })
      ).logins;
    }
    const notificationChannels = loadNotificationConfig(process.env);
    const app = await buildApp({ database, config, notificationChannels });
    // The one place background work starts (src/jobs.ts); the app's close stops it in reverse order.
    // The first job sweeps uploads a killed process left staged (ID numbers, phones) before anything else.
    let address: string;
    try {
      await app.jobs.start();
      address = await app.listen({ port: config.port, host: config.host });
    } catch (error) {
      await app.close();
      throw error;
    }
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
