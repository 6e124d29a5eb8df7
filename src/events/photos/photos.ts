import { createHash } from 'node:crypto';
import sharp, { type Metadata, type OutputInfo, type SharpOptions } from 'sharp';
import { AppError } from '../../core/errors.js';

export type PhotoMime = 'image/jpeg' | 'image/png' | 'image/webp';

/** A photo checked by its content and re-encoded: no metadata left, longest side bounded. */
export interface PreparedPhoto {
  mime: PhotoMime;
  width: number;
  height: number;
  bytes: number;
  sha256: string;
  content: Buffer;
}

/** The longest side kept: enough to read a licence plate or a sign, small enough for a phone link. */
export const MAX_PHOTO_SIDE = 2048;
/**
 * Pixels a photo may have before it is decoded (a 50-megapixel phone camera gives ~51 M). Guards
 * against decompression bombs: a tiny PNG can declare 100,000 × 100,000 pixels.
 */
export const MAX_INPUT_PIXELS = 70_000_000;
const JPEG_QUALITY = 82;
const WEBP_QUALITY = 82;

export const PHOTO_EXTENSIONS: Record<PhotoMime, string> = {
  'image/jpeg': 'jpg',
  'image/png': 'png',
  'image/webp': 'webp',
};

/** The real type from the first bytes; the client's file name and declared type are never trusted. */
export function sniffPhotoType(data: Buffer): PhotoMime | null {
  if (data.length >= 3 && data[0] === 0xff && data[1] === 0xd8 && data[2] === 0xff) return 'image/jpeg';
  if (
    data.length >= 8 &&
    data.subarray(0, 8).equals(Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]))
  )
    return 'image/png';
  if (
    data.length >= 12 &&
    data.subarray(0, 4).toString('latin1') === 'RIFF' &&
    data.subarray(8, 12).toString('latin1') === 'WEBP'
  )
    return 'image/webp';
  return null;
}

const notImage = (field: string, why: string) =>
  new AppError('PHOTO_NOT_IMAGE', 400, `${field} is not a JPEG, PNG or WebP image (${why})`, [
    { field, code: 'notImage', message: why },
  ]);

/**
 * Checks one uploaded photo and re-encodes it.
 *
 * - Type by content: magic bytes of JPEG, PNG or WebP, then a full decode by sharp; anything else
 *   (text renamed .jpg, HEIC, GIF, SVG, a corrupt file) is 400 PHOTO_NOT_IMAGE naming `field`.
 * - More than `maxBytes` is 413 PHOTO_TOO_LARGE; more than MAX_INPUT_PIXELS declared pixels is 400
 *   PHOTO_DIMENSIONS_TOO_LARGE, checked from the header before any pixel is decoded.
 * - Animated or multi-page images keep only their first frame (a still photo is what a report needs).
 * - Re-encoding turns the image upright by its EXIF orientation, then drops ALL metadata (EXIF with
 *   GPS position and camera serial, XMP, ICC profile: colours become sRGB), and shrinks the longest
 *   side to MAX_PHOTO_SIDE. JPEG stays JPEG (quality 82), PNG stays PNG (screenshots keep sharp
 *   text), WebP stays WebP (quality 82): every browser that can send WebP can show it.
 */
export async function preparePhoto(data: Buffer, field: string, maxBytes: number): Promise<PreparedPhoto> {
  if (data.length > maxBytes)
    throw new AppError('PHOTO_TOO_LARGE', 413, `${field} is larger than ${maxBytes} bytes`, [
      {
        field,
        code: 'fileTooLarge',
        params: { max: maxBytes },
        message: `must be at most ${maxBytes} bytes`,
      },
    ]);
  if (data.length === 0) throw notImage(field, 'the file is empty');
  const mime = sniffPhotoType(data);
  if (!mime) throw notImage(field, 'its content is not an image of these types');

  const options: SharpOptions = { limitInputPixels: MAX_INPUT_PIXELS, failOn: 'error', pages: 1 };
  let metadata: Metadata;
  try {
    // The header alone, without the pixel limit, so an oversized image gets its own answer below.
    metadata = await sharp(data, { ...options, limitInputPixels: false }).metadata();
  } catch {
    throw notImage(field, 'the image cannot be read');
  }
  const width = metadata.width ?? 0;
  const height = metadata.pageHeight ?? metadata.height ?? 0;
  if (width * height > MAX_INPUT_PIXELS)
    throw new AppError(
      'PHOTO_DIMENSIONS_TOO_LARGE',
      400,
      `${field} is ${width} × ${height} pixels; at most ${MAX_INPUT_PIXELS} pixels are accepted`,
      [
        {
          field,
          code: 'tooManyPixels',
          params: { max: MAX_INPUT_PIXELS },
          message: `must have at most ${MAX_INPUT_PIXELS} pixels`,
        },
      ],
    );
  if (width < 1 || height < 1) throw notImage(field, 'the image has no pixels');

  let pipeline = sharp(data, options)
    .rotate()
    .resize({ width: MAX_PHOTO_SIDE, height: MAX_PHOTO_SIDE, fit: 'inside', withoutEnlargement: true });
  pipeline =
    mime === 'image/jpeg'
      ? pipeline.jpeg({ quality: JPEG_QUALITY, mozjpeg: true })
      : mime === 'image/png'
        ? pipeline.png({ compressionLevel: 8 })
        : pipeline.webp({ quality: WEBP_QUALITY });
  let output: { data: Buffer; info: OutputInfo };
  try {
    // No withMetadata()/keepMetadata(): sharp writes none of the input's metadata.
    output = await pipeline.toBuffer({ resolveWithObject: true });
  } catch {
    throw notImage(field, 'the image cannot be decoded');
  }
  return {
    mime,
    width: output.info.width,
    height: output.info.height,
    bytes: output.data.length,
    sha256: createHash('sha256').update(output.data).digest('hex'),
    content: output.data,
  };
}
