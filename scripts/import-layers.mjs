#!/usr/bin/env node
// Prints import circles and "upward" imports (a lower layer importing a higher one) among src/
// modules, tests and test support excluded. Type-only imports count: they tie modules as well.
// Usage: node scripts/import-layers.mjs [--issue-layers] [--quiet]; exits 1 when a circle exists.
import { readdirSync, readFileSync, existsSync, statSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import ts from 'typescript';

const ROOT = resolve(dirname(new URL(import.meta.url).pathname), '..', 'src');

// Bottom up, as issue #10 lists them. Each entry: a folder or file under src/ (longest prefix wins).
const ISSUE_LAYERS = [
  ['core', 'i18n'],
  ['db'],
  ['privacy'],
  ['config.ts'],
  ['auth'],
  ['audit'],
  ['hierarchy'],
  ['imports'],
  ['register'],
  // Not in the issue's list: key rotation walks the register's and health's encrypted columns.
  ['household-codes', 'register-import', 'place-codes', 'visits', 'key-rotation'],
  ['health'],
  ['events'],
  ['notifications'],
  ['services', 'teams', 'announcements', 'review', 'open311', 'map', 'checkpoints', 'enterprises'],
  ['app.ts', 'jobs.ts', 'api-schemas.ts'],
  ['server.ts'],
  ['cli.ts', 'dev-cli.ts'],
];

// The same order with the files the issue's list leaves out placed, and a few files placed by what
// they are rather than by their folder (each one says why).
const LAYERS = [
  // Constants with no imports: the cipher suites config.ts validates keys against. The message
  // catalogs (i18n) sit with core: the error serializer words its answers with them.
  ['core', 'privacy/suites.ts', 'i18n'],
  ['config.ts'],
  ['db'],
  ['privacy'],
  ['auth/rights.ts', 'auth/scope.ts', 'auth/password.ts', 'auth/username.ts'],
  // The types every service takes: the database handle (db/schema) and the caller (auth/scope's Viewer).
  ['auth/context.ts'],
  // Sessions, API tokens and the lock-out counters: what the auth plugin reads on every request.
  ['auth'],
  // The generic table toolkit (CSV/XLSX, columns, progress): the hierarchy, register and health import with it.
  ['imports'],
  ['audit'],
  ['hierarchy'],
  // Sign-in, second factor, accounts and API tokens write the audit log and check areas.
  ['auth/service.ts', 'auth/mfa.ts', 'auth/routes.ts', 'users', 'tokens'],
  ['register'],
  // Key rotation walks the register's and health's encrypted columns and recomputes their hashes.
  ['household-codes', 'register-import', 'place-codes', 'visits', 'key-rotation'],
  ['health'],
  // The outbox every domain writes to (notify); it must not know the domains above it.
  ['notifications'],
  ['events'],
  // The dashboard is an overview of health and events.
  ['health/dashboard'],
  ['services', 'teams', 'announcements', 'review', 'open311', 'map', 'checkpoints', 'enterprises'],
  ['app.ts', 'jobs.ts', 'api-schemas.ts'],
  // The demo seeder and the city generator fill every module; the server seeds an empty installation.
  ['demo', 'generate'],
  // Backup and restore copy the whole installation; only the CLI calls them.
  ['backup'],
  ['server.ts'],
  ['key-rotation/cli.ts', 'cli.ts', 'dev-cli.ts'],
];

const layers = process.argv.includes('--issue-layers') ? ISSUE_LAYERS : LAYERS;

const excluded = (path) =>
  path.endsWith('.test.ts') ||
  path.endsWith('.d.ts') ||
  path.startsWith('test-support/') ||
  path.startsWith('e2e/');

function walk(dir) {
  return readdirSync(dir).flatMap((name) => {
    const full = join(dir, name);
    return statSync(full).isDirectory() ? walk(full) : name.endsWith('.ts') ? [full] : [];
  });
}

function layerOf(path) {
  let best = { rank: -1, length: -1 };
  layers.forEach((entries, rank) => {
    for (const entry of entries) {
      const hit = entry.endsWith('.ts') ? path === entry : path.startsWith(`${entry}/`);
      if (hit && entry.length > best.length) best = { rank, length: entry.length };
    }
  });
  return best.rank;
}

const files = walk(ROOT)
  .map((f) => relative(ROOT, f))
  .filter((f) => !excluded(f));

const graph = new Map();
// Shipped files that import the test runner or test support (which the build leaves out).
const testOnly = [];
for (const file of files) {
  const text = readFileSync(join(ROOT, file), 'utf8');
  const targets = new Set();
  for (const { fileName } of ts.preProcessFile(text, true, true).importedFiles) {
    if (fileName === 'vitest' || fileName.includes('/test-support/')) testOnly.push(`${file} -> ${fileName}`);
    if (!fileName.startsWith('.')) continue;
    const target = relative(ROOT, resolve(ROOT, dirname(file), fileName.replace(/\.js$/, '.ts')));
    if (existsSync(join(ROOT, target))) targets.add(target);
  }
  graph.set(file, [...targets]);
}

// Circles: strongly connected components (Tarjan) with more than one file.
const index = new Map();
const low = new Map();
const stack = [];
const onStack = new Set();
const circles = [];
let counter = 0;
function connect(v) {
  index.set(v, counter);
  low.set(v, counter++);
  stack.push(v);
  onStack.add(v);
  for (const w of graph.get(v) ?? []) {
    if (!graph.has(w)) continue;
    if (!index.has(w)) {
      connect(w);
      low.set(v, Math.min(low.get(v), low.get(w)));
    } else if (onStack.has(w)) low.set(v, Math.min(low.get(v), index.get(w)));
  }
  if (low.get(v) === index.get(v)) {
    const component = [];
    let w;
    do {
      w = stack.pop();
      onStack.delete(w);
      component.push(w);
    } while (w !== v);
    if (component.length > 1) circles.push(component.sort());
  }
}
for (const file of graph.keys()) if (!index.has(file)) connect(file);

const unplaced = files.filter((f) => layerOf(f) < 0);
const upward = [];
for (const [from, targets] of graph) {
  for (const to of targets) {
    const a = layerOf(from);
    const b = layerOf(to);
    if (a >= 0 && b > a) upward.push(`${from} -> ${to}`);
  }
}

console.log(
  `files: ${files.length}, circles: ${circles.length}, upward imports: ${upward.length}, test-only imports: ${testOnly.length}`,
);
if (!process.argv.includes('--quiet')) {
  circles.forEach((c, i) => console.log(`circle ${i + 1}: ${c.join(', ')}`));
  upward.sort().forEach((u) => console.log(`upward: ${u}`));
  testOnly.forEach((t) => console.log(`test-only import: ${t}`));
  unplaced.forEach((f) => console.log(`no layer: ${f}`));
}
process.exitCode = circles.length > 0 ? 1 : 0;
