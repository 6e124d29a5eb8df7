import { sql } from 'kysely';
import { expect, it } from 'vitest';
import { describeEachDatabase } from '../test-support/database.js';
import { MIGRATIONS, migrateDownAll, migrateToLatest } from './migrate.js';

describeEachDatabase('migrations', (database) => {
  const tables = async () =>
    (
      await sql<{
        table_name: string;
      }>`select table_name from information_schema.tables where table_schema = 'public' and table_name not like 'schema_migrations%' order by table_name`.execute(
        database().db,
      )
    ).rows.map((r) => r.table_name);

  it('apply cleanly, roll back to nothing, and apply again', async () => {
    expect(await tables()).toEqual(
      expect.arrayContaining(['app_meta', 'areas', 'audit_log', 'role_assignments', 'sessions', 'users']),
    );
    expect(await migrateToLatest(database().db)).toEqual([]);
    const down = await migrateDownAll(database().db);
    expect(down).toEqual(Object.keys(MIGRATIONS).reverse());
    expect(await tables()).toEqual([]);
    expect(await migrateToLatest(database().db)).toEqual(Object.keys(MIGRATIONS));
  });

  it('keep the audit log append-only in the database itself', async () => {
    await database()
      .db.insertInto('audit_log')
      .values({ actor_name: 't', action: 'auth.login', entity_type: 'user' })
      .execute();
    await expect(
      database().db.updateTable('audit_log').set({ action: 'auth.login_failed' }).execute(),
    ).rejects.toThrow(/append-only/);
    await expect(database().db.deleteFrom('audit_log').execute()).rejects.toThrow(/append-only/);
  });
});
