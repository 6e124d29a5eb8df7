import { execFile } from 'node:child_process';
import { promisify } from 'node:util';

const run = promisify(execFile);

/**
 * Runs `gridguard` from source in a child process, as a user would: its own data directory, the
 * embedded database (no DATABASE_URL), and the language LANG names (zh-CN unless told).
 */
export function runGridguard(
  args: readonly string[],
  options: { dataDir: string; lang?: string; env?: Readonly<Record<string, string>>; timeout?: number },
) {
  return run(process.execPath, ['--import', 'tsx', 'src/dev-cli.ts', ...args], {
    env: {
      ...process.env,
      GRIDGUARD_DATA_DIR: options.dataDir,
      DATABASE_URL: '',
      LOG_LEVEL: 'warn',
      LC_ALL: '',
      LC_MESSAGES: '',
      LANG: options.lang ?? 'zh_CN.UTF-8',
      ...options.env,
    },
    timeout: options.timeout ?? 90_000,
  });
}
