import { createHash, randomBytes } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { open, rename, rm } from 'node:fs/promises';
import path from 'node:path';

const BLOCK = 512;

/** One entry of a ustar archive: its path without the leading slash PGlite writes, and its type flag. */
export interface TarEntry {
  name: string;
  type: string;
  size: number;
}

function readString(block: Uint8Array, start: number, length: number): string {
  const field = block.subarray(start, start + length);
  const end = field.indexOf(0);
  return Buffer.from(end === -1 ? field : field.subarray(0, end)).toString('utf8');
}

function entryOf(header: Uint8Array): TarEntry | null {
  if (header.every((byte) => byte === 0)) return null;
  const name = readString(header, 0, 100);
  const prefix = readString(header, 345, 155);
  const size = Number.parseInt(readString(header, 124, 12).trim() || '0', 8);
  if (!Number.isFinite(size) || size < 0) throw new Error('not a tar archive');
  const full = prefix ? `${prefix}/${name}` : name;
  return { name: full.replace(/^\/+/, ''), type: readString(header, 156, 1) || '0', size };
}

/** The entries of an uncompressed tar archive, in order. */
export function tarEntries(tar: Uint8Array): TarEntry[] {
  const entries: TarEntry[] = [];
  for (let offset = 0; offset + BLOCK <= tar.length;) {
    const entry = entryOf(tar.subarray(offset, offset + BLOCK));
    if (!entry) break;
    entries.push(entry);
    offset += BLOCK + Math.ceil(entry.size / BLOCK) * BLOCK;
  }
  return entries;
}

/**
 * A copy of a ustar archive without the entries `drop` names (a path, or a folder and all below it).
 * Our data directory's own files (keys, lock, staged uploads) sit beside PGlite's in one folder.
 */
export function withoutEntries(tar: Uint8Array, drop: readonly string[]): Uint8Array<ArrayBuffer> {
  const dropped = (name: string) => drop.some((d) => name === d || name.startsWith(`${d}/`));
  const kept: Uint8Array[] = [];
  let offset = 0;
  while (offset + BLOCK <= tar.length) {
    const entry = entryOf(tar.subarray(offset, offset + BLOCK));
    if (!entry) break;
    const length = BLOCK + Math.ceil(entry.size / BLOCK) * BLOCK;
    // Long-name (GNU 'L') and pax ('x', 'g') records describe the next entry; PGlite writes neither.
    if (['L', 'K', 'x', 'g'].includes(entry.type)) throw new Error('unexpected extended tar header');
    if (!dropped(entry.name)) kept.push(tar.subarray(offset, offset + length));
    offset += length;
  }
  kept.push(new Uint8Array(BLOCK * 2));
  return Buffer.concat(kept);
}

/** SHA-256 of a file, hex. */
export async function sha256File(file: string): Promise<string> {
  const hash = createHash('sha256');
  for await (const chunk of createReadStream(file)) hash.update(chunk as Buffer);
  return hash.digest('hex');
}

/** A temporary name beside `file`: same folder, so the final rename is atomic. */
export function temporaryBeside(file: string): string {
  return path.join(
    path.dirname(file),
    `.${path.basename(file)}.${process.pid}.${randomBytes(4).toString('hex')}.tmp`,
  );
}

/**
 * Writes through `produce` into a temporary file beside `file`, flushes it to disk, checks it, and only
 * then renames it over `file`: a crash or a failed check never leaves a half-written archive under the name.
 */
export async function writeAtomically(
  file: string,
  produce: (temporary: string) => Promise<void>,
  check: (temporary: string) => Promise<void>,
): Promise<void> {
  const temporary = temporaryBeside(file);
  try {
    await produce(temporary);
    const handle = await open(temporary, 'r+');
    try {
      await handle.sync();
    } finally {
      await handle.close();
    }
    await check(temporary);
    await rename(temporary, file);
  } catch (error) {
    await rm(temporary, { force: true });
    throw error;
  }
}

/** What a file starts with: a PostgreSQL custom-format dump, a gzip stream (our embedded archive), or else. */
export async function archiveKind(file: string): Promise<'pg_dump' | 'gzip' | 'unknown'> {
  const handle = await open(file, 'r');
  try {
    const head = Buffer.alloc(5);
    await handle.read(head, 0, 5, 0);
    if (head.toString('latin1') === 'PGDMP') return 'pg_dump';
    if (head[0] === 0x1f && head[1] === 0x8b) return 'gzip';
    return 'unknown';
  } finally {
    await handle.close();
  }
}
