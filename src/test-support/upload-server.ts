/**
 * A real app process for upload tests: migrates a database, creates a grid leader, listens on a
 * loopback port and prints one JSON line (url, session headers, grid code) on stdout.
 * Arguments: the data directory, then a PGlite directory or a postgres:// URL ("memory" for in-memory PGlite).
 */
import { buildApp } from '../app.js';
import { openPglite, openPostgres } from '../db/database.js';
import { migrateToLatest } from '../db/migrate.js';
import { createAreaTree, createUser, TEST_PASSWORD, testConfig } from './factories.js';

const [dataDir, databaseArg = 'memory'] = process.argv.slice(2);
if (!dataDir) throw new Error('usage: upload-server.ts DATA_DIR [PGLITE_DIR|POSTGRES_URL|memory]');
const database = databaseArg.startsWith('postgres')
  ? await openPostgres(databaseArg, { max: 4 })
  : await openPglite(databaseArg === 'memory' ? null : databaseArg, 'upload-server');
await migrateToLatest(database.db);
const tree = await createAreaTree(database.db);
const user = await createUser(database.db, [{ role: 'grid_leader', area: tree.gridA }]);
const app = await buildApp({
  database,
  config: testConfig({ GRIDGUARD_DATA_DIR: dataDir }),
  logger: false,
});
const url = await app.listen({ port: 0, host: '127.0.0.1' });
const login = await app.inject({
  method: 'POST',
  url: '/api/auth/login',
  payload: { username: user.username, password: TEST_PASSWORD },
});
const cookie = login.cookies.find((c) => c.name === 'gg_session');
const csrf = (login.json() as { csrfToken: string }).csrfToken;
process.stdout.write(
  `${JSON.stringify({
    url,
    pid: process.pid,
    headers: { cookie: `gg_session=${cookie?.value ?? ''}`, 'x-csrf-token': csrf },
    gridCode: tree.gridA.code,
  })}\n`,
);
