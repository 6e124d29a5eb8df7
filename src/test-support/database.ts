import { randomBytes } from 'node:crypto';
import pg from 'pg';
import { afterAll, beforeAll, describe } from 'vitest';
import { type Database, openPglite, openPostgres } from '../db/database.js';
import { migrateToLatest } from '../db/migrate.js';

export type TestBackend = 'pglite' | 'postgres';

/** PGlite always; PostgreSQL too when TEST_DATABASE_URL is set (CI sets it). */
export function testBackends(): TestBackend[] {
  return process.env.TEST_DATABASE_URL ? ['pglite', 'postgres'] : ['pglite'];
}

/**
 * A fresh, migrated database: in-memory PGlite, or a throw-away PostgreSQL database
 * (CREATE DATABASE gg_<random>) dropped again by `close`.
 */
export async function openTestDatabase(backend: TestBackend): Promise<Database> {
  if (backend === 'pglite') {
    const database = await openPglite(null);
    await migrateToLatest(database.db);
    return database;
  }
  const adminUrl = process.env.TEST_DATABASE_URL;
  if (!adminUrl) throw new Error('TEST_DATABASE_URL is not set');
  const name = `gg_${randomBytes(6).toString('hex')}`;
  const admin = new pg.Client({ connectionString: adminUrl });
  await admin.connect();
  await admin.query(`create database ${name}`);
  await admin.end();
  const url = new URL(adminUrl);
  url.pathname = `/${name}`;
  const database = await openPostgres(url.toString(), { max: 4 });
  await migrateToLatest(database.db);
  return {
    ...database,
    close: async () => {
      await database.close();
      const dropper = new pg.Client({ connectionString: adminUrl });
      await dropper.connect();
      await dropper.query(`drop database if exists ${name} with (force)`);
      await dropper.end();
    },
  };
}

/** Runs a suite once per backend, handing it a getter for that backend's database. */
export function describeEachDatabase(
  title: string,
  suite: (db: () => Database, backend: TestBackend) => void,
): void {
  for (const backend of testBackends()) {
    describe(`${title} [${backend}]`, () => {
      let database: Database | undefined;
      beforeAll(async () => {
        database = await openTestDatabase(backend);
      });
      afterAll(async () => {
        await database?.close();
      });
      suite(() => {
        if (!database) throw new Error('database not open yet');
        return database;
      }, backend);
    });
  }
}
