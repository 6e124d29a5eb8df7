import { readdirSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import { expect, it } from 'vitest';

// Every statement lives in a repository (`repository.ts` or `*-repository.ts` of its module) or in
// the database infrastructure (`src/db/`: migrations, opening the database); services, routes,
// seeders and the CLI call named repository functions.
const ROOT = path.resolve(import.meta.dirname);

/** Files that may hold SQL without being a repository, each with the reason. */
const ALLOWED: Record<string, string> = {
  // The scope filter fragments every repository composes (inScope, inSubtrees, inOrAbove): they
  // build a WHERE condition and run no statement; the auth layer owns them so rights and scope stay together.
  'auth/scope.ts': 'scope filter fragments',
};

// Starting a query, raw SQL, and the builder steps only a query has (arrays have no `.where`).
const QUERY =
  /\.(selectFrom|selectNoFrom|insertInto|updateTable|deleteFrom|mergeInto|replaceInto|where|orderBy|groupBy|innerJoin|leftJoin|executeTakeFirst|executeTakeFirstOrThrow)\(|\.execute\(\)|\bsql(`|<|\.[a-z]+\()/;

function shippedFiles(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const full = path.join(dir, name);
    if (statSync(full).isDirectory()) return shippedFiles(full);
    return name.endsWith('.ts') && !name.endsWith('.test.ts') && !name.endsWith('.d.ts') ? [full] : [];
  });
}

const isRepository = (file: string) => /(^|[/-])repository\.ts$/.test(path.basename(file));

/** `file:line` of every line of code (comments left out) that builds or runs a query. */
function querySites(files: readonly string[]): string[] {
  return files.flatMap((file) =>
    readFileSync(file, 'utf8')
      .split('\n')
      .flatMap((line, index) => {
        const code = line.trim();
        if (code.startsWith('//') || code.startsWith('*') || code.startsWith('/*')) return [];
        return QUERY.test(code) ? [`${path.relative(ROOT, file)}:${index + 1}: ${code}`] : [];
      }),
  );
}

const files = shippedFiles(ROOT)
  .map((file) => path.relative(ROOT, file))
  .filter((file) => !/^(db|e2e|test-support)\//.test(file))
  .map((file) => path.join(ROOT, file));

it('runs SQL only in repository files and src/db/', () => {
  const outside = files.filter((file) => !isRepository(file) && !(path.relative(ROOT, file) in ALLOWED));
  expect(querySites(outside)).toEqual([]);
});

it('finds the queries it looks for: in repositories, and in each allowed file', () => {
  // A scanner that matched nothing would pass the test above for the wrong reason.
  expect(querySites([path.join(ROOT, 'hierarchy/repository.ts')]).length).toBeGreaterThan(10);
  expect(querySites([path.join(ROOT, 'health/rounds/counters-repository.ts')]).length).toBeGreaterThan(3);
  // An allow-list entry whose file no longer holds SQL goes.
  for (const file of Object.keys(ALLOWED)) expect(querySites([path.join(ROOT, file)]), file).not.toEqual([]);
});
