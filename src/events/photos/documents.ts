import { createHash } from 'node:crypto';
import { AppError } from '../../core/errors.js';
import { type PhotoMime, preparePhoto, sniffPhotoType } from './photos.js';

export type DocumentMime = PhotoMime | 'application/pdf';

/** An uploaded document checked by its content: a PDF kept as sent, an image re-encoded like a photo. */
export interface PreparedDocument {
  mime: DocumentMime;
  bytes: number;
  sha256: string;
  content: Buffer;
}

export const DOCUMENT_EXTENSIONS: Record<DocumentMime, string> = {
  'application/pdf': 'pdf',
  'image/jpeg': 'jpg',
  'image/png': 'png',
  'image/webp': 'webp',
};

/** A PDF starts with "%PDF-" (some writers put a few bytes before it; the specification allows 1024). */
export function isPdf(data: Buffer): boolean {
  const head = data.subarray(0, 1024).toString('latin1');
  return head.includes('%PDF-');
}

/**
 * Checks one uploaded document: a PDF by its magic bytes and size (stored as sent and only ever
 * served as an attachment), or a JPEG/PNG/WebP image through preparePhoto (re-encoded, metadata
 * dropped). Anything else is 400 DOCUMENT_TYPE_INVALID naming `field`; more than `maxBytes` is 413
 * PHOTO_TOO_LARGE as for photos.
 */
export async function prepareDocument(
  data: Buffer,
  field: string,
  maxBytes: number,
): Promise<PreparedDocument> {
  if (data.length > maxBytes)
    throw new AppError('PHOTO_TOO_LARGE', 413, `${field} is larger than ${maxBytes} bytes`, [
      {
        field,
        code: 'fileTooLarge',
        params: { max: maxBytes },
        message: `must be at most ${maxBytes} bytes`,
      },
    ]);
  if (data.length > 0 && isPdf(data))
    return {
      mime: 'application/pdf',
      bytes: data.length,
      sha256: createHash('sha256').update(data).digest('hex'),
      content: data,
    };
  if (data.length === 0 || !sniffPhotoType(data))
    throw new AppError('DOCUMENT_TYPE_INVALID', 400, `${field} is not a PDF, JPEG, PNG or WebP file`, [
      { field, code: 'notDocument', message: 'must be a PDF or an image' },
    ]);
  const photo = await preparePhoto(data, field, maxBytes);
  return { mime: photo.mime, bytes: photo.bytes, sha256: photo.sha256, content: photo.content };
}
