import { Command } from 'commander';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { loadConfig } from '../config.js';
import { registerKeyCommands } from './cli.js';
import { createFieldCipher } from '../privacy/field-crypto.js';

async function generate(...args: string[]): Promise<Record<string, string>> {
  const lines: string[] = [];
  vi.spyOn(console, 'log').mockImplementation((line: string) => void lines.push(line));
  const program = new Command('gridguard').exitOverride();
  registerKeyCommands(program);
  await program.parseAsync(['keys', 'generate', ...args], { from: 'user' });
  return Object.fromEntries(lines.map((line) => line.split(/=(.*)/s).slice(0, 2) as [string, string]));
}

describe('gridguard keys generate', () => {
  afterEach(() => vi.restoreAllMocks());

  it('prints an SM4 key the configuration takes as the current key', async () => {
    const env = await generate('--cipher', 'sm4', '--id', 's1');
    expect(env.GRIDGUARD_CIPHER).toBe('sm4');
    expect(env.GRIDGUARD_ENCRYPTION_KEYS).toMatch(/^s1:sm4:[A-Za-z0-9+/]{22}==$/);
    const { keys } = loadConfig(env);
    expect(keys.encryption.s1).toHaveLength(16);
    expect(createFieldCipher(keys).encrypt('x')).toMatch(/^v2\.sm4\.s1\./);
  });

  it('prints an AES-256 key by default', async () => {
    const env = await generate();
    expect(env.GRIDGUARD_ENCRYPTION_KEYS).toMatch(/^k1:aes:/);
    expect(loadConfig(env).keys.encryption.k1).toHaveLength(32);
  });
});
