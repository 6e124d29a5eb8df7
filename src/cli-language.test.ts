import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { runGridguard } from './test-support/cli.js';
import { afterAll, describe, expect, it } from 'vitest';

/** Stdout, stderr and exit code of one run, refused or not. */
async function gridguard(args: string[], env: { GRIDGUARD_DATA_DIR: string; LANG: string }) {
  try {
    const { stdout, stderr } = await runGridguard(args, { dataDir: env.GRIDGUARD_DATA_DIR, lang: env.LANG });
    return { stdout, stderr, code: 0 };
  } catch (error) {
    const failed = error as { stdout: string; stderr: string; code: number };
    return { stdout: failed.stdout, stderr: failed.stderr, code: failed.code };
  }
}

describe('the command line speaks the caller’s language (not only the imports)', () => {
  const dir = mkdtempSync(path.join(tmpdir(), 'gg-cli-language-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));
  const zh = { LANG: 'zh_CN.UTF-8', GRIDGUARD_DATA_DIR: path.join(dir, 'data') };
  const en = { LANG: 'en_US.UTF-8', GRIDGUARD_DATA_DIR: path.join(dir, 'data') };

  it('create-admin refuses a weak password in Chinese under LANG=zh_CN, in English under LANG=en_US or --lang en', async () => {
    const args = ['create-admin', '--username', 'wang', '--password', 'short'];
    const [chinese, english, flagged] = await Promise.all([
      gridguard(args, zh),
      gridguard(args, en),
      gridguard([...args, '--lang', 'en'], zh),
    ]);
    expect(chinese.code).toBe(1);
    expect(chinese.stderr.trim()).toBe(
      'gridguard：密码强度不足：至少 8 位，须同时包含字母和数字，且不能包含用户名',
    );
    expect(english.code).toBe(1);
    expect(english.stderr.trim()).toBe(
      'gridguard: The password is too weak: at least 8 characters with a letter and a digit, not containing the username',
    );
    expect(flagged.stderr).toBe(english.stderr);
  }, 120_000);

  it('migrate reports in the language of the run; a refusal under --json keeps its code beside the worded message', async () => {
    const first = await gridguard(['migrate'], zh);
    expect(first.code).toBe(0);
    expect(first.stdout).toMatch(/^已应用迁移：\d{8}/);
    const [again, json] = await Promise.all([
      gridguard(['migrate'], en),
      gridguard(['keys', 'rotate', '--batch-size', '0', '--json'], zh),
    ]);
    expect(again.stdout.trim()).toBe('The database is up to date.');
    expect(json.code).toBe(1);
    expect(JSON.parse(json.stderr)).toEqual({
      error: { code: 'INVALID_ARGUMENT', message: '--batch-size 必须在 1 到 100000 之间' },
    });
  }, 180_000);

  it('describes commands and options in the language of the run', async () => {
    const [chinese, english] = await Promise.all([
      gridguard(['create-admin', '--help'], zh),
      gridguard(['create-admin', '--help', '--lang', 'en'], zh),
    ]);
    expect(chinese.stdout).toContain('用法： gridguard create-admin');
    expect(chinese.stdout).toContain('创建绑定到顶层区域的系统管理员');
    expect(chinese.stdout).toMatch(/--username <name>\s+登录名/);
    expect(english.stdout).toContain('Usage: gridguard create-admin');
    expect(english.stdout).toContain('Create a system administrator bound to a top-level area');
    expect(english.stdout).toMatch(/--username <name>\s+sign-in name/);
  }, 120_000);
});
