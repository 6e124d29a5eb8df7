import { type ChildProcess, spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { createServer } from 'node:net';

/** Key material shared by every node of one test's installation (nodes must read each other's rows). */
export function installationKeys(): Record<string, string> {
  return {
    GRIDGUARD_ENCRYPTION_KEYS: `k1:aes:${randomBytes(32).toString('base64')}`,
    GRIDGUARD_HMAC_KEY: randomBytes(32).toString('base64'),
  };
}

/** One `gridguard serve` process, started from source in a child process as an operator would. */
export interface AppNode {
  readonly port: number;
  readonly url: string;
  readonly process: ChildProcess;
  /** What the process printed so far (stdout and stderr). */
  output(): string;
  /** kill -9: no shutdown hooks, no goodbyes. */
  crash(): Promise<void>;
  /** SIGTERM and wait for the exit. */
  stop(): Promise<void>;
}

export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.unref();
    server.on('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      const port = typeof address === 'object' && address ? address.port : 0;
      server.close(() => resolve(port));
    });
  });
}

/**
 * Starts a node on a free port against `databaseUrl` and waits until `/api/health` answers. `env` adds or
 * overrides variables (keys from `installationKeys()` must be the same for every node of one installation).
 */
export async function startAppNode(options: {
  databaseUrl: string;
  env: Readonly<Record<string, string>>;
  dataDir: string;
  timeoutMs?: number;
  /** Modules preloaded after tsx (`node --import`), e.g. a fault a drill injects: './src/…'. */
  imports?: readonly string[];
}): Promise<AppNode> {
  const port = await freePort();
  const url = `http://127.0.0.1:${port}`;
  const preloads = (options.imports ?? []).flatMap((module) => ['--import', module]);
  const child = spawn(process.execPath, ['--import', 'tsx', ...preloads, 'src/dev-cli.ts', 'serve'], {
    env: {
      ...process.env,
      PORT: String(port),
      HOST: '127.0.0.1',
      DATABASE_URL: options.databaseUrl,
      GRIDGUARD_DATA_DIR: options.dataDir,
      GRIDGUARD_PUBLIC_URL: url,
      GRIDGUARD_DEMO: 'false',
      LOG_LEVEL: 'warn',
      LANG: 'en_US.UTF-8',
      ...options.env,
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let printed = '';
  child.stdout?.on('data', (chunk: Buffer) => (printed += chunk.toString()));
  child.stderr?.on('data', (chunk: Buffer) => (printed += chunk.toString()));
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  const deadline = Date.now() + (options.timeoutMs ?? 60_000);
  for (;;) {
    if (child.exitCode !== null || child.signalCode !== null)
      throw new Error(`app node exited before it answered:\n${printed}`);
    try {
      const response = await fetch(`${url}/api/health`);
      if (response.ok) break;
    } catch {
      // not listening yet
    }
    if (Date.now() > deadline) {
      child.kill('SIGKILL');
      throw new Error(`app node did not answer /api/health in time:\n${printed}`);
    }
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
  return {
    port,
    url,
    process: child,
    output: () => printed,
    async crash() {
      if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
      await exited;
    },
    async stop() {
      if (child.exitCode === null && child.signalCode === null) child.kill('SIGTERM');
      await exited;
    },
  };
}
