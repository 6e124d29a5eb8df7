import { createWriteStream } from 'node:fs';
import { rm, stat } from 'node:fs/promises';
import path from 'node:path';
import { pipeline } from 'node:stream/promises';
import type { FastifyRequest } from 'fastify';
import { AppError } from '../core/errors.js';
import { stagingFolder } from './staging.js';

export interface Upload {
  file: string;
  tempDir: string;
  fileName: string;
  size: number;
  fields: Record<string, string>;
}

/**
 * Saves the multipart field "file" to a private staging folder of its own under the data
 * directory (staging.ts) and collects the other fields. The caller removes `tempDir` when done
 * (finally); on failure it is removed here.
 */
export async function receiveUpload(request: FastifyRequest, prefix = 'upload-'): Promise<Upload> {
  const tempDir = await stagingFolder(request.server.config.dataDir, prefix);
  const fields: Record<string, string> = {};
  let saved: { file: string; fileName: string } | undefined;
  try {
    for await (const part of request.parts()) {
      if (part.type === 'field') {
        fields[part.fieldname] = String(part.value);
        continue;
      }
      if (part.fieldname !== 'file' || saved) {
        part.file.resume();
        continue;
      }
      // The client's name is only shown, never used as a path.
      const fileName = path.basename(part.filename || 'upload').slice(0, 200);
      const file = path.join(tempDir, `upload${path.extname(fileName).slice(0, 10)}`);
      await pipeline(part.file, createWriteStream(file, { mode: 0o600 }));
      if (part.file.truncated)
        throw new AppError('PAYLOAD_TOO_LARGE', 413, 'The file is larger than the upload limit');
      saved = { file, fileName };
    }
    if (!saved) throw new AppError('IMPORT_FILE_INVALID', 400, 'Attach the file as multipart field "file"');
    return { ...saved, tempDir, size: (await stat(saved.file)).size, fields };
  } catch (error) {
    await rm(tempDir, { recursive: true, force: true });
    throw error;
  }
}
