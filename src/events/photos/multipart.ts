import type { FastifyRequest } from 'fastify';
import { AppError } from '../../core/errors.js';
import { type PreparedPhoto, preparePhoto } from './photos.js';

export interface PhotoFormOptions {
  maxPhotos: number;
  maxPhotoBytes: number;
  /** Text fields accepted (default 20). */
  maxFields?: number;
  /** Bytes of one text field (default 16 KiB: a 4,000-character Chinese description fits). */
  maxFieldBytes?: number;
}

export interface PhotoForm {
  fields: Record<string, string>;
  photos: PreparedPhoto[];
}

/** A form whose files are checked by `prepare` (e.g. prepareDocument, which also takes PDFs). */
export interface FileForm<T> {
  fields: Record<string, string>;
  files: T[];
}

const tooMany = (maxPhotos: number) =>
  new AppError('PHOTO_TOO_MANY', 400, `At most ${maxPhotos} photos may be attached`, [
    { field: 'photos', code: 'maxItems', params: { max: maxPhotos }, message: `at most ${maxPhotos}` },
  ]);

/**
 * Reads a multipart form: its text fields, and every file part as a photo checked and re-encoded by
 * preparePhoto (in the order sent; a photo is named "<field>[<index>]" in errors, e.g. "photos[2]").
 * Limits are this request's own, overriding the app-wide `files: 1`. Errors: not multipart 415
 * MULTIPART_REQUIRED; more than maxPhotos 400 PHOTO_TOO_MANY; a photo over maxPhotoBytes 413
 * PHOTO_TOO_LARGE (the parser stops reading it at the limit); too many or too long text fields 400
 * FORM_TOO_MANY_FIELDS / FORM_FIELD_TOO_LONG. A repeated text field keeps its last value.
 */
export async function readFormWithPhotos(
  request: FastifyRequest,
  options: PhotoFormOptions,
): Promise<PhotoForm> {
  const form = await readFormWithFiles(request, options, preparePhoto);
  return { fields: form.fields, photos: form.files };
}

/** As readFormWithPhotos, each file checked by `prepare` (same limits and error codes). */
export async function readFormWithFiles<T>(
  request: FastifyRequest,
  options: PhotoFormOptions,
  prepare: (data: Buffer, field: string, maxBytes: number) => Promise<T>,
): Promise<FileForm<T>> {
  if (!request.isMultipart())
    throw new AppError(
      'MULTIPART_REQUIRED',
      415,
      'Send the form as multipart/form-data (text fields and photo files)',
    );
  const maxFields = options.maxFields ?? 20;
  const fields: Record<string, string> = {};
  const photos: T[] = [];
  let currentPhoto = 'photos';
  try {
    const parts = request.parts({
      limits: {
        // One more than allowed, so the extra photo is seen and answered with PHOTO_TOO_MANY.
        files: options.maxPhotos + 1,
        fileSize: options.maxPhotoBytes,
        fields: maxFields,
        fieldSize: options.maxFieldBytes ?? 16 * 1024,
        parts: maxFields + options.maxPhotos + 1,
      },
    });
    for await (const part of parts) {
      if (part.type === 'field') {
        if (part.valueTruncated)
          throw new AppError('FORM_FIELD_TOO_LONG', 400, `${part.fieldname} is too long`, [
            { field: part.fieldname, code: 'tooLong', message: 'is too long' },
          ]);
        fields[part.fieldname] = String(part.value);
        continue;
      }
      currentPhoto = `${part.fieldname}[${photos.length}]`;
      const data = await part.toBuffer();
      // A file input left empty still sends a part with no name and no bytes.
      if (data.length === 0 && !part.filename) continue;
      if (photos.length >= options.maxPhotos) throw tooMany(options.maxPhotos);
      // Fastify's own check, kept in case the size error is turned off app-wide.
      if (part.file.truncated)
        throw new AppError(
          'PHOTO_TOO_LARGE',
          413,
          `${currentPhoto} is larger than ${options.maxPhotoBytes} bytes`,
        );
      photos.push(await prepare(data, currentPhoto, options.maxPhotoBytes));
    }
  } catch (error) {
    throw translateParserError(error, currentPhoto, options);
  }
  return { fields, files: photos };
}

/** The multipart parser's own errors, in this module's codes. */
function translateParserError(error: unknown, photo: string, options: PhotoFormOptions): unknown {
  if (error instanceof AppError) return error;
  const code = (error as { code?: unknown }).code;
  switch (code) {
    case 'FST_REQ_FILE_TOO_LARGE':
      return new AppError('PHOTO_TOO_LARGE', 413, `${photo} is larger than ${options.maxPhotoBytes} bytes`, [
        {
          field: photo,
          code: 'fileTooLarge',
          params: { max: options.maxPhotoBytes },
          message: `must be at most ${options.maxPhotoBytes} bytes`,
        },
      ]);
    case 'FST_FILES_LIMIT':
      return tooMany(options.maxPhotos);
    case 'FST_FIELDS_LIMIT':
    case 'FST_PARTS_LIMIT':
      return new AppError('FORM_TOO_MANY_FIELDS', 400, 'The form has too many fields');
    case 'FST_PROTO_VIOLATION':
    case 'FST_INVALID_JSON_FIELD_ERROR':
      return new AppError('FORM_INVALID', 400, 'The form has an invalid field');
    case 'FST_MP_PREMATURE_CLOSE':
      return new AppError('FORM_INCOMPLETE', 400, 'The form ended before all of it arrived');
    default:
      if (
        error instanceof Error &&
        /multipart|boundary|unexpected end of form|malformed part header|part terminated/i.test(error.message)
      )
        return new AppError('FORM_INVALID', 400, 'The multipart form is malformed');
      return error;
  }
}
