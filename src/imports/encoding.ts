import { Readable } from 'node:stream';
import iconv from 'iconv-lite';
import { ImportFileError } from './errors.js';

/** What the caller may ask for; 'gbk' is decoded as GB18030, its superset. */
export type EncodingOption = 'auto' | 'utf-8' | 'gbk';

/** What was actually used to decode the bytes. */
export type TextEncodingName = 'utf-8' | 'gbk' | 'utf-16le' | 'utf-16be';

export type ByteSource = Readable | AsyncIterable<Uint8Array | string>;

/** Enough bytes to hold a header line plus many rows; one fs read chunk. */
export const DEFAULT_SNIFF_BYTES = 64 * 1024;
/** A pure-ASCII start proves nothing, so sniffing goes on, but never past this. */
const MAX_SNIFF_BYTES = 1024 * 1024;

const UTF8_BOM = [0xef, 0xbb, 0xbf] as const;

function startsWith(bytes: Uint8Array, prefix: readonly number[]): boolean {
  return prefix.every((b, i) => bytes[i] === b);
}

function hasNonAscii(bytes: Uint8Array): boolean {
  for (const b of bytes) if (b >= 0x80) return true;
  return false;
}

/**
 * Guesses the encoding of a CSV from its first bytes. `complete` says the sample
 * is the whole file; otherwise a multi-byte character cut at the end of the
 * sample is not held against UTF-8.
 */
export function detectEncoding(sample: Uint8Array, options: { complete?: boolean } = {}): TextEncodingName {
  if (startsWith(sample, UTF8_BOM)) return 'utf-8';
  // Excel's "Unicode text" export is UTF-16LE with a BOM.
  if (startsWith(sample, [0xff, 0xfe])) return 'utf-16le';
  if (startsWith(sample, [0xfe, 0xff])) return 'utf-16be';
  try {
    // stream: true keeps an incomplete trailing sequence pending instead of failing on it.
    new TextDecoder('utf-8', { fatal: true }).decode(sample, { stream: !options.complete });
    return 'utf-8';
  } catch {
    return 'gbk';
  }
}

/** Normalizes a stream chunk to bytes (strings are taken as UTF-8). */
export function toBuffer(chunk: unknown): Buffer {
  if (Buffer.isBuffer(chunk)) return chunk;
  if (chunk instanceof Uint8Array) return Buffer.from(chunk.buffer, chunk.byteOffset, chunk.byteLength);
  if (typeof chunk === 'string') return Buffer.from(chunk, 'utf8');
  throw new TypeError('expected a byte stream');
}

export interface Peeked {
  /** The first bytes, at least as many as asked for unless the stream ended. */
  head: Buffer;
  /** Whether `head` is the whole stream. */
  ended: boolean;
  /** The whole stream again, head included; consume it once. */
  bytes: AsyncIterable<Buffer>;
  /** Releases the source when `bytes` will not be consumed to the end. */
  close(): Promise<void>;
}

/**
 * Reads the start of a stream without losing it, so the format and encoding can
 * be decided before parsing. `enough` is asked after each chunk.
 */
export async function peekBytes(source: ByteSource, enough: (head: Buffer) => boolean): Promise<Peeked> {
  const iterator = (source as AsyncIterable<unknown>)[Symbol.asyncIterator]();
  const chunks: Buffer[] = [];
  let ended = false;
  let head: Buffer = Buffer.alloc(0);
  try {
    while (!enough(head)) {
      const next = await iterator.next();
      if (next.done) {
        ended = true;
        break;
      }
      const chunk = toBuffer(next.value);
      chunks.push(chunk);
      head = chunks.length === 1 ? chunk : Buffer.concat(chunks);
    }
  } catch (error) {
    await iterator.return?.();
    throw error;
  }
  let closed = false;
  const close = async () => {
    if (closed || ended) return;
    closed = true;
    await iterator.return?.();
  };
  async function* replay(): AsyncGenerator<Buffer> {
    try {
      yield* chunks.splice(0);
      if (ended) return;
      for (;;) {
        const next = await iterator.next();
        if (next.done) {
          ended = true;
          return;
        }
        yield toBuffer(next.value);
      }
    } finally {
      // Stopping early must release the file (a Readable's iterator destroys it).
      await close();
    }
  }
  return { head, ended, bytes: replay(), close };
}

function sniffIsEnough(sniffBytes: number) {
  return (head: Buffer) => head.length >= MAX_SNIFF_BYTES || (head.length >= sniffBytes && hasNonAscii(head));
}

interface TextDecoderLike {
  write(chunk: Buffer): string;
  end(): string;
}

function makeDecoder(encoding: TextEncodingName): TextDecoderLike {
  if (encoding === 'utf-8') {
    // Fatal, so a file that turns out not to be UTF-8 after the sniffed part fails
    // loudly instead of importing mojibake. The BOM is dropped by default.
    const decoder = new TextDecoder('utf-8', { fatal: true });
    let offset = 0;
    const fail = (): never => {
      throw new ImportFileError(
        'ENCODING',
        `the file is not valid UTF-8 (near byte ${offset}); save it again as "CSV UTF-8" or as .xlsx`,
        { byte: offset },
      );
    };
    return {
      write(chunk) {
        try {
          const text = decoder.decode(chunk, { stream: true });
          offset += chunk.length;
          return text;
        } catch {
          return fail();
        }
      },
      end() {
        try {
          return decoder.decode();
        } catch {
          return fail();
        }
      },
    };
  }
  const decoder = iconv.getDecoder(
    encoding === 'gbk' ? 'gb18030' : encoding === 'utf-16le' ? 'utf16le' : 'utf16be',
    {
      stripBOM: true,
    },
  );
  return {
    write: (chunk) => decoder.write(chunk),
    end: () => decoder.end() ?? '',
  };
}

export interface DecodeOptions {
  encoding?: EncodingOption;
  /** How many bytes to look at before deciding (default 64 KiB). */
  sniffBytes?: number;
}

export interface DecodedText {
  encoding: TextEncodingName;
  /** Readable in object mode whose chunks are strings. */
  text: Readable;
}

/**
 * Decodes a CSV byte stream to text, detecting UTF-8 vs GBK from the first
 * chunk(s) unless told. Streams: only the sniffed prefix is ever buffered.
 */
export async function decodeText(source: ByteSource, options: DecodeOptions = {}): Promise<DecodedText> {
  const wanted = options.encoding ?? 'auto';
  // Nothing to sniff when told the encoding.
  const enough = wanted === 'auto' ? sniffIsEnough(options.sniffBytes ?? DEFAULT_SNIFF_BYTES) : () => true;
  const peeked = await peekBytes(source, enough);
  let encoding: TextEncodingName;
  if (wanted === 'auto') encoding = detectEncoding(peeked.head, { complete: peeked.ended });
  else encoding = wanted;
  const text = decodeChunks(peeked.bytes, encoding);
  // Destroying the text before it was read must still release the source.
  text.once('close', () => void peeked.close());
  return { encoding, text };
}

/** Decodes bytes already known to be in `encoding` into a Readable of strings. */
export function decodeChunks(bytes: AsyncIterable<Buffer>, encoding: TextEncodingName): Readable {
  async function* run(): AsyncGenerator<string> {
    // Both decoders drop a leading BOM themselves.
    const decoder = makeDecoder(encoding);
    for await (const chunk of bytes) {
      const text = decoder.write(chunk);
      if (text.length > 0) yield text;
    }
    const tail = decoder.end();
    if (tail.length > 0) yield tail;
  }
  return Readable.from(run(), { objectMode: true });
}
