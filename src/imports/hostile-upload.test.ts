import { type ChildProcess, execFileSync, spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import ExcelJS from 'exceljs';
import JSZip from 'jszip';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ERRORS_ZH_CN } from '../i18n/errors.zh-CN.js';
import { residentIdCheckCharacter } from '../register/identity/identity-number.js';
import { hostileSharedStringXlsx } from '../test-support/hostile-xlsx.js';
import { ImportLimitError } from './limits.js';
import { TablePool } from './table-thread.js';

const id = (first17: string) => first17 + residentIdCheckCharacter(first17);

interface Server {
  url: string;
  pid: number;
  headers: Record<string, string>;
  gridCode: string;
}

/** The app as its own process (tsx), so its RSS and event loop are measured apart from vitest's. */
async function startServer(dataDir: string): Promise<{ child: ChildProcess; server: Server }> {
  const child = spawn('npx', ['tsx', path.resolve('src/test-support/upload-server.ts'), dataDir], {
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  const server = await new Promise<Server>((resolve, reject) => {
    let out = '';
    child.stdout!.on('data', (chunk: Buffer) => {
      out += chunk.toString();
      if (out.includes('\n')) resolve(JSON.parse(out.split('\n')[0]!) as Server);
    });
    child.on('exit', (code) => reject(new Error(`upload server exited ${code}`)));
  });
  return { child, server };
}

/** Resident memory of a process in MiB, from the kernel (the process's own threads included). */
function rssMib(pid: number): number {
  const status = readFileSync(`/proc/${pid}/status`, 'utf8');
  return Number(/VmRSS:\s+(\d+)/.exec(status)![1]) / 1024;
}

describe('hostile spreadsheets', () => {
  let dir: string;
  let child: ChildProcess;
  let server: Server;

  beforeAll(async () => {
    dir = mkdtempSync(path.join(tmpdir(), 'gg-hostile-'));
    ({ child, server } = await startServer(path.join(dir, 'data')));
  });
  afterAll(() => {
    // npx runs the server as a grandchild: end the server itself, then npx.
    if (server) process.kill(server.pid, 'SIGKILL');
    child?.kill('SIGKILL');
    rmSync(dir, { recursive: true, force: true });
  });

  const upload = async (url: string, name: string, content: Buffer, fields: Record<string, string> = {}) => {
    const form = new FormData();
    for (const [key, value] of Object.entries(fields)) form.append(key, value);
    form.append('file', new Blob([new Uint8Array(content)]), name);
    const response = await fetch(`${server.url}${url}`, {
      method: 'POST',
      headers: server.headers,
      body: form,
    });
    return { status: response.status, body: (await response.json()) as Record<string, unknown> };
  };

  const normalXlsx = async () => {
    const workbook = new ExcelJS.Workbook();
    const sheet = workbook.addWorksheet('人员');
    sheet.addRow(['姓名', '证件号码', '手机号码', '网格编码']);
    sheet.addRow(['王五', id('11010119900307451'), '13800000005', server.gridCode]);
    return Buffer.from(await workbook.xlsx.writeBuffer());
  };

  it('refuses three hostile workbooks at once while /api/health answers within 200 ms and RSS stays under 1 GiB', async () => {
    // 100 MiB of one shared string packed into ~100 KiB: refused from the zip's directory.
    const bomb = await hostileSharedStringXlsx(100);
    expect(bomb.length).toBeLessThan(1024 * 1024);
    // 2 MiB in one string passes the directory checks: the stream guard must stop it.
    const longCell = await hostileSharedStringXlsx(2);
    // A running server has warm readers; two normal previews start them.
    const warm = await Promise.all(
      [0, 1].map(async () => upload('/api/imports/persons/preview', '人员.xlsx', await normalXlsx())),
    );
    for (const answer of warm) expect(answer.status).toBe(200);

    let polling = true;
    const latencies: number[] = [];
    const rss: number[] = [];
    const sampler = setInterval(() => rss.push(rssMib(server.pid)), 20);
    const poller = (async () => {
      // While the files are in flight, and at least ten answers: a fast refusal must not leave nothing measured.
      while (polling || latencies.length < 10) {
        const started = performance.now();
        const health = await fetch(`${server.url}/api/health`);
        expect(health.status).toBe(200);
        await health.arrayBuffer();
        latencies.push(performance.now() - started);
        await new Promise((resolve) => setTimeout(resolve, 25));
      }
    })();
    const answers = await Promise.all([
      upload('/api/imports/persons/preview', 'bomb1.xlsx', bomb),
      upload('/api/imports/persons', 'bomb2.xlsx', bomb),
      upload('/api/imports/persons/preview', 'long.xlsx', longCell),
    ]);
    polling = false;
    await poller;
    clearInterval(sampler);

    expect(answers.map((a) => a.status)).toEqual([413, 413, 413]);
    expect(answers[0]!.body.error).toMatchObject({
      code: 'IMPORT_TOO_MUCH_TEXT',
      details: { limit: 'sharedStrings', max: 64 * 1024 * 1024 },
    });
    expect(answers[1]!.body.error).toMatchObject({ code: 'IMPORT_TOO_MUCH_TEXT' });
    expect(answers[2]!.body.error).toMatchObject({
      code: 'IMPORT_CELL_TOO_LONG',
      details: { limit: 'cellLength', max: 32767 },
    });
    // Worded for the clerk from the code, in the server's default language (one upload, one file).
    expect((answers[0]!.body.error as { message: string }).message).toBe(ERRORS_ZH_CN.IMPORT_TOO_MUCH_TEXT);
    expect(latencies.length).toBeGreaterThanOrEqual(10);
    console.log(
      `health: ${latencies.length} answers, max ${Math.round(Math.max(...latencies))} ms; RSS max ${Math.round(Math.max(...rss))} MiB`,
    );
    expect(Math.max(...latencies)).toBeLessThan(200);
    expect(Math.max(...rss)).toBeLessThan(1024);
  });

  it('still previews a normal XLSX and imports a GBK CSV after hostile files', async () => {
    const preview = await upload('/api/imports/persons/preview', '人员.xlsx', await normalXlsx());
    expect(preview.status).toBe(200);
    expect(preview.body).toMatchObject({
      fileName: '人员.xlsx',
      format: 'xlsx',
      headers: ['姓名', '证件号码', '手机号码', '网格编码'],
    });

    const utf8 = path.join(dir, 'gbk-source.csv');
    writeFileSync(
      utf8,
      [
        '姓名,证件号码,手机号码,网格编码,人员类型',
        `赵六,${id('11010119900307452')},13800000006,${server.gridCode},常住`,
      ].join('\n'),
    );
    const gbk = execFileSync('iconv', ['-f', 'utf-8', '-t', 'gbk', utf8]);
    const started = await upload('/api/imports/persons', '人员.csv', gbk);
    expect(started.status, JSON.stringify(started.body)).toBe(202);
    let job = started.body;
    for (let i = 0; i < 200 && job.status === 'running'; i++) {
      await new Promise((resolve) => setTimeout(resolve, 50));
      job = (await (
        await fetch(`${server.url}/api/imports/${String(job.id)}`, { headers: server.headers })
      ).json()) as Record<string, unknown>;
    }
    expect(job).toMatchObject({ status: 'done', processedRows: 1, report: { inserted: 1 } });
  });
});

describe('table reader worker', () => {
  it('reports a worker that runs out of its heap as a file too complex, and keeps serving', async () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'gg-heap-'));
    try {
      // 400,000 distinct shared strings: within every limit, beyond a 16 MiB heap.
      const workbook = new ExcelJS.Workbook();
      workbook.addWorksheet('人员').addRow(['姓名']);
      const zip = await JSZip.loadAsync((await workbook.xlsx.writeBuffer()) as ArrayBuffer);
      const strings: string[] = [];
      for (let i = 0; i < 400_000; i++) strings.push(`<si><t>居民${i}号楼${i * 7}</t></si>`);
      zip.file(
        'xl/sharedStrings.xml',
        `<?xml version="1.0" encoding="UTF-8"?><sst xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">${strings.join('')}</sst>`,
      );
      const file = path.join(dir, 'heavy.xlsx');
      writeFileSync(file, await zip.generateAsync({ type: 'nodebuffer', compression: 'DEFLATE' }));
      const csv = path.join(dir, 'ok.csv');
      writeFileSync(csv, '姓名\n张三\n');

      const pool = new TablePool({ maxWorkers: 1, heapMb: 16, idleMs: 1000 });
      const failure = await pool.open({ path: file }).then(
        () => undefined,
        (error: unknown) => error,
      );
      expect(failure).toBeInstanceOf(ImportLimitError);
      expect(failure).toMatchObject({ code: 'IMPORT_FILE_TOO_COMPLEX', statusCode: 413, limit: 'memory' });

      const table = await pool.open({ path: csv });
      const rows = [];
      for await (const row of table) rows.push(row.values);
      expect(rows).toEqual([{ 姓名: '张三' }]);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
