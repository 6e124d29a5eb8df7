import { spawn } from 'node:child_process';
import { createInterface } from 'node:readline';
import { queryOnce } from '../db/database.js';
import type { ProgressReporter } from '../imports/progress.js';
import { writeAtomically } from './archive.js';
import { RestoreTargetNotEmptyError } from './embedded.js';

/**
 * The server tools take the URL without its password (the process list shows arguments) and the
 * password through PGPASSWORD.
 */
function connection(url: string): { dbname: string; env: NodeJS.ProcessEnv } {
  const parsed = new URL(url);
  const password = decodeURIComponent(parsed.password);
  parsed.password = '';
  return {
    dbname: parsed.toString(),
    env: { ...process.env, ...(password ? { PGPASSWORD: password } : {}), PGCONNECT_TIMEOUT: '10' },
  };
}

export class ToolFailedError extends Error {
  constructor(
    readonly tool: string,
    readonly detail: string,
  ) {
    super(`${tool}: ${detail}`);
    this.name = 'ToolFailedError';
  }
}

/** Runs pg_dump / pg_restore, handing each stderr line to `onLine`; rejects with its last lines on failure. */
function runTool(
  tool: 'pg_dump' | 'pg_restore',
  args: string[],
  env: NodeJS.ProcessEnv,
  onLine: (line: string) => void = () => undefined,
): Promise<string> {
  return new Promise((resolve, reject) => {
    const child = spawn(tool, args, { env, stdio: ['ignore', 'pipe', 'pipe'] });
    const stdout: Buffer[] = [];
    const tail: string[] = [];
    child.stdout.on('data', (chunk: Buffer) => stdout.push(chunk));
    createInterface({ input: child.stderr }).on('line', (line) => {
      onLine(line);
      if (
        !/^\S+: (dumping|creating|processing|reading|identifying|finding|flagging|saving|last built|executing|setting|entering|connecting|implied|disabling)/.test(
          line,
        )
      )
        tail.push(line);
      if (tail.length > 8) tail.shift();
    });
    child.on('error', (error) => reject(new ToolFailedError(tool, error.message)));
    child.on('close', (code) => {
      if (code === 0) resolve(Buffer.concat(stdout).toString('utf8'));
      else reject(new ToolFailedError(tool, tail.join('\n') || `exit code ${code}`));
    });
  });
}

/** Tables, views, sequences and the like outside the system schemas: a fresh database has none. */
export async function userObjectCount(url: string): Promise<number> {
  const [row] = await queryOnce<{ n: number }>(
    url,
    `select count(*) as n from pg_class c join pg_namespace n on n.oid = c.relnamespace
      where n.nspname not in ('pg_catalog', 'information_schema') and n.nspname not like 'pg\\_%'
        and c.relkind in ('r', 'p', 'v', 'm', 'S', 'f')`,
  );
  return Number(row?.n ?? 0);
}

/** The entries of a custom-format archive (`pg_restore --list`): proves it is whole and readable. */
export async function listArchive(file: string): Promise<{ entries: number; tableData: number }> {
  const listing = await runTool('pg_restore', ['--list', file], process.env);
  const lines = listing.split('\n').filter((line) => line.trim() !== '' && !line.startsWith(';'));
  return { entries: lines.length, tableData: lines.filter((line) => / TABLE DATA /.test(line)).length };
}

/**
 * `pg_dump -Fc` of the whole database into a temporary file beside `out`, checked with
 * `pg_restore --list` (every table's data present) before it is renamed to `out`.
 */
export async function backupPostgres(
  url: string,
  out: string,
  progress: ProgressReporter,
): Promise<{ entries: number; tables: number }> {
  const [counted] = await queryOnce<{ n: number }>(
    url,
    `select count(*) as n from pg_tables where schemaname not in ('pg_catalog', 'information_schema')`,
  );
  const tables = Number(counted?.n ?? 0);
  const { dbname, env } = connection(url);
  let entries = 0;
  await writeAtomically(
    out,
    async (temporary) => {
      let dumped = 0;
      progress.update(0, tables);
      await runTool(
        'pg_dump',
        ['--format=custom', '--verbose', '--no-password', `--file=${temporary}`, `--dbname=${dbname}`],
        env,
        (line) => {
          if (/dumping contents of table/.test(line)) progress.update(++dumped, tables);
        },
      );
      progress.finish();
    },
    async (temporary) => {
      const listed = await listArchive(temporary);
      if (listed.tableData < tables)
        throw new ToolFailedError(
          'pg_restore --list',
          `${listed.tableData} of ${tables} tables in the archive`,
        );
      entries = listed.entries;
    },
  );
  return { entries, tables };
}

/**
 * `pg_restore` into the database at `url` in one transaction (all or nothing), owned by the connecting
 * role. A database with any table is refused unless `replace`, which drops what the archive holds first.
 */
export async function restorePostgres(
  url: string,
  file: string,
  options: { replace: boolean; progress: ProgressReporter },
): Promise<{ entries: number; replaced: number }> {
  const { entries } = await listArchive(file);
  const existing = await userObjectCount(url);
  if (existing > 0 && !options.replace)
    throw new RestoreTargetNotEmptyError(new URL(url).pathname.slice(1), existing);
  const { dbname, env } = connection(url);
  let done = 0;
  options.progress.update(0, entries);
  await runTool(
    'pg_restore',
    [
      '--verbose',
      '--no-password',
      '--exit-on-error',
      '--single-transaction',
      '--no-owner',
      ...(existing > 0 ? ['--clean', '--if-exists'] : []),
      `--dbname=${dbname}`,
      file,
    ],
    env,
    (line) => {
      if (/^pg_restore: (creating|processing data|processing item|executing)/.test(line))
        options.progress.update(Math.min(++done, entries), entries);
    },
  );
  options.progress.finish();
  return { entries, replaced: existing };
}
