import { randomBytes } from 'node:crypto';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { type Kysely, sql } from 'kysely';
import pg from 'pg';
import { afterAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../config.js';
import { type Database, openPglite, openPostgres } from '../db/database.js';
import { migrateToLatest } from '../db/migrate.js';
import type { DB } from '../db/schema.js';
import { seedDemo } from '../demo/seed.js';
import { createFieldCipher, type FieldCipher } from '../privacy/field-crypto.js';
import { installationKeys } from '../test-support/app-node.js';
import { runGridguard } from '../test-support/cli.js';
import { gunzipSync } from 'node:zlib';
import { tarEntries } from './archive.js';

/** Per table: row count and an md5 over its rows in a stable order: equal fingerprints, equal contents. */
async function fingerprints(db: Kysely<DB>, skipAudit: string): Promise<Record<string, string>> {
  const tables = await sql<{ name: string }>`
    select tablename as name from pg_tables where schemaname = 'public' order by tablename`.execute(db);
  const result: Record<string, string> = {};
  for (const { name } of tables.rows) {
    const where = name === 'audit_log' ? sql`where t.action <> ${skipAudit}` : sql``;
    const { rows } = await sql<{ n: number; sum: string | null }>`
      select count(*)::int as n, md5(string_agg(t::text, '|' order by t::text)) as sum
        from ${sql.table(name)} t ${where}`.execute(db);
    result[name] = `${rows[0]!.n}:${rows[0]!.sum ?? '-'}`;
  }
  return result;
}

/** Every person's decrypted record, by id: the app reads the restored data with the same keys. */
async function decrypted(db: Kysely<DB>, cipher: FieldCipher): Promise<Map<number, string>> {
  const rows = await db.selectFrom('persons').select(['id', 'secret']).orderBy('id').execute();
  return new Map(rows.map((row) => [row.id, JSON.stringify(cipher.decryptRecord(row.secret))]));
}

async function seed(database: Database, cipher: FieldCipher) {
  await migrateToLatest(database.db);
  await seedDemo(database.db, { cipher, password: 'Gridguard2026', demoMode: true, seed: 7 });
}

const counted = (prints: Record<string, string>, table: string) => Number(prints[table]!.split(':')[0]);

async function auditActions(db: Kysely<DB>): Promise<{ action: string; after: unknown }[]> {
  return db
    .selectFrom('audit_log')
    .select(['action', 'after'])
    .where('action', 'in', ['installation.backup', 'installation.restore'])
    .execute();
}

describe('backup and restore drill [pglite]', () => {
  const root = mkdtempSync(path.join(tmpdir(), 'gg-backup-'));
  afterAll(() => rmSync(root, { recursive: true, force: true }));

  it('backs up the embedded database without its keys and restores every row into a fresh data directory', async () => {
    const source = path.join(root, 'source');
    const target = path.join(root, 'target');
    const archive = path.join(root, 'city.tar.gz');
    const keysOut = path.join(root, 'city.keys.json');
    // The installation's own generated keys, as a fresh embedded install writes them.
    const keys = loadConfig({ GRIDGUARD_DATA_DIR: source }).keys;
    const cipher = createFieldCipher(keys);
    const database = await openPglite(source);
    await seed(database, cipher);
    await database.close();

    const backup = await runGridguard(['backup', '--out', archive, '--keys-out', keysOut], {
      dataDir: source,
      lang: 'en_US.UTF-8',
      timeout: 120_000,
    });
    expect(backup.stdout).toContain(`Backup written to ${archive}`);
    expect(backup.stdout).toContain(`Keys written to ${keysOut}`);
    expect(statSync(keysOut).mode & 0o777).toBe(0o600);
    const names = tarEntries(gunzipSync(readFileSync(archive))).map((entry) => entry.name);
    expect(names).toContain('PG_VERSION');
    expect(names.filter((name) => /^(keys\.json|gridguard\.lock|staging)/.test(name))).toEqual([]);
    expect(readdirTemporaries(root)).toEqual([]);

    // Without keys, or from a damaged archive, the restore refuses before it writes anything.
    const damaged = path.join(root, 'damaged.tar.gz');
    const whole = readFileSync(archive);
    writeFileSync(damaged, whole.subarray(0, Math.floor(whole.length / 2)));
    const refused = (error: { code: number; stderr: string }) => error;
    const [keyless, broken] = await Promise.all([
      runGridguard(['restore', archive], { dataDir: target, lang: 'en_US.UTF-8' }).catch(refused),
      runGridguard(['restore', damaged, '--keys', keysOut], { dataDir: target, lang: 'en_US.UTF-8' }).catch(
        refused,
      ),
    ]);
    expect(keyless).toMatchObject({ code: 1 });
    expect((keyless as { stderr: string }).stderr).toContain('--keys FILE');
    expect(broken).toMatchObject({ code: 1 });
    expect((broken as { stderr: string }).stderr).toContain('cannot be read as a backup');
    expect(existsSync(path.join(target, 'PG_VERSION'))).toBe(false);

    const restore = await runGridguard(['restore', archive, '--keys', keysOut], {
      dataDir: target,
      lang: 'en_US.UTF-8',
      timeout: 120_000,
    });
    expect(restore.stdout).toContain('The keys open 200 of 200 sampled persons');

    // A second restore over the now filled directory is refused.
    const again = await runGridguard(['restore', archive, '--keys', keysOut], {
      dataDir: target,
      lang: 'en_US.UTF-8',
    }).catch((error: { code: number; stderr: string }) => error);
    expect(again).toMatchObject({ code: 1 });
    expect((again as { stderr: string }).stderr).toContain('is not empty');

    const before = await openPglite(source);
    const after = await openPglite(target);
    try {
      const restoredKeys = loadConfig({ GRIDGUARD_DATA_DIR: target }).keys;
      const a = await fingerprints(before.db, 'installation.backup');
      const b = await fingerprints(after.db, 'installation.restore');
      expect(b).toEqual(a);
      expect(counted(a, 'persons')).toBeGreaterThan(1000);
      expect(counted(a, 'events')).toBeGreaterThan(100);
      expect(counted(a, 'audit_log')).toBeGreaterThan(0);
      expect(await decrypted(after.db, createFieldCipher(restoredKeys))).toEqual(
        await decrypted(before.db, cipher),
      );
      const [backedUp] = await auditActions(before.db);
      expect(backedUp).toMatchObject({ action: 'installation.backup', after: { file: archive } });
      expect(await auditActions(after.db)).toMatchObject([
        { action: 'installation.restore', after: { file: archive, keysOpened: 200 } },
      ]);
      console.log(
        `backup drill [pglite]: ${Object.keys(a).length} tables equal; persons ${counted(a, 'persons')}, ` +
          `events ${counted(a, 'events')}, audit ${counted(a, 'audit_log')}; archive ${statSync(archive).size} bytes`,
      );
    } finally {
      await before.close();
      await after.close();
    }
  }, 300_000);
});

/** Temporary files left beside the archive: an atomic write leaves none. */
function readdirTemporaries(dir: string): string[] {
  return readdirSync(dir).filter((name) => name.endsWith('.tmp'));
}

describe.runIf(process.env.TEST_DATABASE_URL)('backup and restore drill [postgres]', () => {
  const adminUrl = process.env.TEST_DATABASE_URL ?? '';
  const root = mkdtempSync(path.join(tmpdir(), 'gg-backup-pg-'));
  const suffix = randomBytes(4).toString('hex');
  const names = [`gg_backup_src_${suffix}`, `gg_backup_dst_${suffix}`];
  const urlOf = (name: string) => {
    const url = new URL(adminUrl);
    url.pathname = `/${name}`;
    return url.toString();
  };
  async function admin(statement: string) {
    const client = new pg.Client({ connectionString: adminUrl });
    await client.connect();
    try {
      await client.query(statement);
    } finally {
      await client.end();
    }
  }
  afterAll(async () => {
    for (const name of names) await admin(`drop database if exists ${name} with (force)`);
    rmSync(root, { recursive: true, force: true });
  });

  it('dumps with pg_dump -Fc, refuses a non-empty target, and restores every row into a fresh database', async () => {
    const [sourceName, targetName] = names as [string, string];
    for (const name of names) await admin(`create database ${name}`);
    const env = { ...installationKeys(), GRIDGUARD_PUBLIC_URL: 'https://gg.example.cn' };
    const keys = loadConfig({ ...env, DATABASE_URL: urlOf(sourceName) }).keys;
    const cipher = createFieldCipher(keys);
    const source = await openPostgres(urlOf(sourceName), { max: 2 });
    await seed(source, cipher);
    await source.close();
    const archive = path.join(root, 'city.dump');
    const dataDir = path.join(root, 'data');

    const backup = await runGridguard(['backup', '--out', archive], {
      dataDir,
      lang: 'en_US.UTF-8',
      env: { ...env, DATABASE_URL: urlOf(sourceName) },
      timeout: 120_000,
    });
    expect(backup.stderr).toMatch(/Checked with pg_restore --list: \d+ entries/);
    expect(backup.stdout).toContain('the backup holds no encryption keys');
    expect(readFileSync(archive).subarray(0, 5).toString('latin1')).toBe('PGDMP');

    // A target with something in it is refused, and left as it was.
    const occupied = await openPostgres(urlOf(targetName), { max: 1 });
    await sql`create table leftover (id int)`.execute(occupied.db);
    await occupied.close();
    const refused = await runGridguard(['restore', archive], {
      dataDir,
      lang: 'en_US.UTF-8',
      env: { ...env, DATABASE_URL: urlOf(targetName) },
    }).catch((error: { code: number; stderr: string }) => error);
    expect(refused).toMatchObject({ code: 1 });
    expect((refused as { stderr: string }).stderr).toContain(
      `The restore target ${targetName} is not empty (1 objects)`,
    );
    await admin(`drop database ${targetName} with (force)`);
    await admin(`create database ${targetName}`);

    const restore = await runGridguard(['restore', archive], {
      dataDir,
      lang: 'en_US.UTF-8',
      env: { ...env, DATABASE_URL: urlOf(targetName) },
      timeout: 120_000,
    });
    expect(restore.stdout).toContain('The keys open 200 of 200 sampled persons');

    // Asked explicitly, a restore replaces what the target holds (here: the restore just made).
    const replaced = await runGridguard(['restore', archive, '--replace'], {
      dataDir,
      lang: 'en_US.UTF-8',
      env: { ...env, DATABASE_URL: urlOf(targetName) },
      timeout: 120_000,
    });
    expect(replaced.stderr).toMatch(/The \d+ objects already in the target were replaced/);
    expect(replaced.stdout).toContain('The keys open 200 of 200 sampled persons');

    const before = await openPostgres(urlOf(sourceName), { max: 1 });
    const after = await openPostgres(urlOf(targetName), { max: 1 });
    try {
      const a = await fingerprints(before.db, 'installation.backup');
      const b = await fingerprints(after.db, 'installation.restore');
      expect(b).toEqual(a);
      expect(await decrypted(after.db, cipher)).toEqual(await decrypted(before.db, cipher));
      expect(await auditActions(before.db)).toMatchObject([
        { action: 'installation.backup', after: { file: archive, backend: 'postgres' } },
      ]);
      expect(await auditActions(after.db)).toMatchObject([
        { action: 'installation.restore', after: { file: archive, keysOpened: 200, replaced: true } },
      ]);
      console.log(
        `backup drill [postgres]: ${Object.keys(a).length} tables equal; persons ${counted(a, 'persons')}, ` +
          `events ${counted(a, 'events')}, audit ${counted(a, 'audit_log')}; archive ${statSync(archive).size} bytes`,
      );
    } finally {
      await before.close();
      await after.close();
    }
  }, 300_000);
});
