import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import ts from 'typescript';
import { describe, expect, it } from 'vitest';
import { CLI_HELP } from './cli-help.js';
import { CLI_TEXTS } from './cli.js';

const placeholders = (template: string) => [...template.matchAll(/\{(\w+)\}/g)].map((m) => m[1]).sort();

/** The modules that print to a person at the command line: every `cli.ts`, and the server's start-up. */
function cliModules(): string[] {
  const files = readdirSync('src', { recursive: true, encoding: 'utf8' })
    .filter((file) => path.basename(file) === 'cli.ts' && !file.startsWith('i18n'))
    .map((file) => path.join('src', file));
  return [...files, 'src/server.ts', 'src/demo/seed.ts'].sort();
}

// A word of English: two letters or more with a lower-case one ("GRIDGUARD_CIPHER=" is a key, not prose).
const ENGLISH_WORD = /[A-Za-z]*[a-z][A-Za-z]*[A-Za-z]|[A-Za-z][A-Za-z]*[a-z]/;
const PRINTERS = new Set([
  'console.log',
  'console.error',
  'console.warn',
  'process.stdout.write',
  'process.stderr.write',
]);
const REFUSALS = new Set(['InvalidArgumentError', 'Error']);

/** Literal text handed straight to a printer or a refusal; a nested call (say('key')) is worded elsewhere. */
function literalProse(node: ts.Node, source: ts.SourceFile): string[] {
  if (ts.isCallExpression(node)) return [];
  if (ts.isStringLiteral(node) || ts.isNoSubstitutionTemplateLiteral(node))
    return ENGLISH_WORD.test(node.text) ? [node.getText(source)] : [];
  if (ts.isTemplateExpression(node)) {
    const parts = [node.head.text, ...node.templateSpans.map((span) => span.literal.text)];
    const prose = parts.some((part) => ENGLISH_WORD.test(part)) ? [node.getText(source)] : [];
    return [...prose, ...node.templateSpans.flatMap((span) => literalProse(span.expression, source))];
  }
  return node.getChildren(source).flatMap((child) => literalProse(child, source));
}

/** Every English literal a source text prints or throws, as written. */
function hardCodedProse(file: string, text: string): string[] {
  const source = ts.createSourceFile(file, text, ts.ScriptTarget.Latest, true);
  const found: string[] = [];
  const visit = (node: ts.Node) => {
    const printed = ts.isCallExpression(node) && PRINTERS.has(node.expression.getText(source));
    const thrown = ts.isNewExpression(node) && REFUSALS.has(node.expression.getText(source));
    if (printed || thrown)
      for (const argument of node.arguments ?? []) found.push(...literalProse(argument, source));
    ts.forEachChild(node, visit);
  };
  visit(source);
  return found;
}

describe('command line texts', () => {
  it('have the same placeholders in zh-CN and en, for every line and every description', () => {
    for (const record of [CLI_TEXTS, CLI_HELP]) {
      expect(Object.keys(record.en).sort()).toEqual(Object.keys(record['zh-CN']).sort());
      for (const [key, zh] of Object.entries(record['zh-CN']))
        expect(placeholders((record.en as Record<string, string>)[key]!), key).toEqual(placeholders(zh));
    }
  });

  it('are never English literals printed or thrown by a command line module', () => {
    const modules = cliModules();
    expect(modules).toContain('src/key-rotation/cli.ts');
    expect(modules).toContain('src/health/rounds/cli.ts');
    const found = modules.flatMap((file) =>
      hardCodedProse(file, readFileSync(file, 'utf8')).map((text) => `${file}: ${text}`),
    );
    expect(found).toEqual([]);
  });

  it('catch an English literal handed to a printer, also inside a template or a concatenation', () => {
    const sample = [
      "console.log('Created admin');",
      'console.error(`Wrote ${n} labels`);',
      "console.log('  ' + 'row' + n);",
      "throw new InvalidArgumentError('No area with code ' + code);",
      // Not prose: machine lines, keys looked up elsewhere, JSON.
      'console.log(`GRIDGUARD_CIPHER=${suite}`);',
      "console.log(say('adminCreated', { username }));",
      'console.log(JSON.stringify(report));',
    ].join('\n');
    expect(hardCodedProse('sample.ts', sample)).toEqual([
      "'Created admin'",
      '`Wrote ${n} labels`',
      "'row'",
      "'No area with code '",
    ]);
  });
});
