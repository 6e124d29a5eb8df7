import { execFileSync } from 'node:child_process';
import { createReadStream, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import iconv from 'iconv-lite';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { decodeText, detectEncoding, peekBytes } from './encoding.js';
import { ImportFileError } from './errors.js';

async function readAll(text: Readable): Promise<string> {
  let out = '';
  for await (const chunk of text) {
    expect(typeof chunk).toBe('string');
    out += chunk as string;
  }
  return out;
}

/** Splits bytes into chunks of `size` so boundaries fall inside characters. */
function chunked(bytes: Buffer, size: number): Readable {
  const parts: Buffer[] = [];
  for (let i = 0; i < bytes.length; i += size) parts.push(bytes.subarray(i, i + size));
  return Readable.from(parts);
}

const SAMPLE = '姓名,身份证号,联系电话,现住址\n张三,110101199003071234,13800138000,北京市东城区景山街道1号\n';

describe('detectEncoding', () => {
  it('recognises UTF-8, with or without BOM, and pure ASCII', () => {
    expect(detectEncoding(Buffer.from(SAMPLE))).toBe('utf-8');
    expect(detectEncoding(Buffer.from(`\uFEFF${SAMPLE}`))).toBe('utf-8');
    expect(detectEncoding(Buffer.from('a,b\n1,2\n'))).toBe('utf-8');
    expect(detectEncoding(Buffer.alloc(0), { complete: true })).toBe('utf-8');
  });

  it('falls back to GBK when the bytes are not UTF-8', () => {
    expect(detectEncoding(iconv.encode(SAMPLE, 'gbk'))).toBe('gbk');
  });

  it('does not hold a character cut at the end of the sample against UTF-8', () => {
    const bytes = Buffer.from('abc张');
    const cut = bytes.subarray(0, bytes.length - 1);
    expect(detectEncoding(cut)).toBe('utf-8');
    // ...unless the sample is the whole file, where a cut character is invalid.
    expect(detectEncoding(cut, { complete: true })).toBe('gbk');
  });

  it('recognises UTF-16 by its BOM (Excel "Unicode text")', () => {
    expect(detectEncoding(Buffer.from([0xff, 0xfe, 0x41, 0x00]))).toBe('utf-16le');
    expect(detectEncoding(Buffer.from([0xfe, 0xff, 0x00, 0x41]))).toBe('utf-16be');
  });
});

describe('decodeText', () => {
  let dir: string;
  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), 'gridguard-encoding-'));
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('decodes a GBK file made by iconv(1), streaming', async () => {
    const utf8Path = join(dir, 'people.utf8.csv');
    writeFileSync(utf8Path, SAMPLE);
    const gbk = execFileSync('iconv', ['-f', 'utf-8', '-t', 'gbk', utf8Path]);
    const gbkPath = join(dir, 'people.gbk.csv');
    writeFileSync(gbkPath, gbk);
    const { encoding, text } = await decodeText(createReadStream(gbkPath));
    expect(encoding).toBe('gbk');
    expect(await readAll(text)).toBe(SAMPLE);
  });

  it('strips the UTF-8 BOM and survives characters split across chunks', async () => {
    const bytes = Buffer.from(`\uFEFF${SAMPLE.repeat(50)}`);
    const { encoding, text } = await decodeText(chunked(bytes, 7), { sniffBytes: 64 });
    expect(encoding).toBe('utf-8');
    expect(await readAll(text)).toBe(SAMPLE.repeat(50));
  });

  it('splits GBK characters across chunks correctly', async () => {
    const { encoding, text } = await decodeText(chunked(iconv.encode(SAMPLE.repeat(20), 'gbk'), 5), {
      sniffBytes: 16,
    });
    expect(encoding).toBe('gbk');
    expect(await readAll(text)).toBe(SAMPLE.repeat(20));
  });

  it('keeps sniffing past an all-ASCII start so late Chinese text decides', async () => {
    const ascii = 'a,b\n'.repeat(40_000); // 160 KB, beyond the 64 KiB sniff
    const { encoding, text } = await decodeText(
      chunked(iconv.encode(`${ascii}张三,李四\n`, 'gbk'), 16 * 1024),
    );
    expect(encoding).toBe('gbk');
    expect((await readAll(text)).endsWith('张三,李四\n')).toBe(true);
  });

  it('honours an explicit encoding', async () => {
    const { encoding, text } = await decodeText(Readable.from([iconv.encode(SAMPLE, 'gbk')]), {
      encoding: 'gbk',
    });
    expect(encoding).toBe('gbk');
    expect(await readAll(text)).toBe(SAMPLE);
  });

  it('decodes UTF-16LE with BOM', async () => {
    const { encoding, text } = await decodeText(
      Readable.from([Buffer.from([0xff, 0xfe]), Buffer.from(SAMPLE, 'utf16le')]),
    );
    expect(encoding).toBe('utf-16le');
    expect(await readAll(text)).toBe(SAMPLE);
  });

  it('fails loudly when a file that started as UTF-8 turns into GBK later', async () => {
    const head = Buffer.from(`${SAMPLE.repeat(2000)}`); // > 64 KiB of UTF-8
    const tail = iconv.encode('王五,110101199003071234\n', 'gbk');
    const { encoding, text } = await decodeText(Readable.from([head, tail]));
    expect(encoding).toBe('utf-8');
    const error = await readAll(text).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ImportFileError);
    expect((error as ImportFileError).problem).toBe('ENCODING');
  });
});

describe('peekBytes', () => {
  it('gives back every byte after peeking', async () => {
    const parts = ['ab', 'cd', 'ef', 'gh'].map((s) => Buffer.from(s));
    const peeked = await peekBytes(Readable.from(parts), (head) => head.length >= 3);
    expect(peeked.head.toString()).toBe('abcd');
    expect(peeked.ended).toBe(false);
    const all: Buffer[] = [];
    for await (const chunk of peeked.bytes) all.push(chunk);
    expect(Buffer.concat(all).toString()).toBe('abcdefgh');
  });

  it('releases the source when closed without reading on', async () => {
    const source = Readable.from([Buffer.from('a'), Buffer.from('b')]);
    const peeked = await peekBytes(source, (head) => head.length >= 1);
    await peeked.close();
    expect(source.destroyed).toBe(true);
  });
});
