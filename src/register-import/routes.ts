import { rm } from 'node:fs/promises';
import { PassThrough } from 'node:stream';
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { recordAudit } from '../audit/repository.js';
import { can } from '../auth/scope.js';
import { AppError, invalid } from '../core/errors.js';
import { errors } from '../core/schemas.js';
import { assertMappingComplete } from '../imports/columns.js';
import type { EncodingOption } from '../imports/encoding.js';
import { receiveUpload, type Upload } from '../imports/upload.js';
import { type PersonalFieldKind, presentTyped } from '../privacy/present.js';
import { COLUMNS_OF, type ImportKind } from './columns.js';
import { prepareExport } from './export.js';
import { requestLocale } from '../i18n/locale.js';
import { findReadableJob, presentJob, writeJobRejects } from './jobs.js';
import { ExportQuery, ImportJobParams, ImportJobView, ImportKindParams, ImportPreview } from './schema.js';
import { openRegisterTable } from './service.js';
import { writeTemplate } from './template.js';

function tableOptions(fields: Record<string, string>) {
  const encoding = fields.encoding?.trim() || 'auto';
  if (!['auto', 'utf-8', 'gbk'].includes(encoding))
    throw invalid('VALIDATION_FAILED', 'encoding must be auto, utf-8 or gbk', [
      { field: 'body.encoding', code: 'oneOf', message: 'is not auto, utf-8 or gbk' },
    ]);
  let mapping: Record<string, string | null> | undefined;
  if (fields.mapping?.trim()) {
    try {
      const parsed: unknown = JSON.parse(fields.mapping);
      if (
        typeof parsed !== 'object' ||
        parsed === null ||
        Array.isArray(parsed) ||
        !Object.values(parsed).every((v) => v === null || typeof v === 'string')
      )
        throw new Error('shape');
      mapping = parsed as Record<string, string | null>;
    } catch {
      throw invalid(
        'VALIDATION_FAILED',
        'mapping must be a JSON object of column title → field name or null',
        [{ field: 'body.mapping', code: 'format', message: 'is not a JSON object of strings or nulls' }],
      );
    }
  }
  return {
    encoding: encoding as EncodingOption,
    sheet: fields.sheet?.trim() || undefined,
    mapping,
    dryRun: ['true', '1', 'on'].includes(fields.dryRun?.trim().toLowerCase() ?? ''),
  };
}

/** The staged file, named as the clerk named it; the XLSX reader parks sheets beside it. */
const stagedSource = (upload: Upload) => ({
  path: upload.file,
  fileName: upload.fileName,
  scratchDir: upload.tempDir,
});

const SECRET_FIELDS: Record<string, PersonalFieldKind> = {
  documentNumber: 'idNumber',
  phone: 'phone',
  contactPhone: 'phone',
};

async function preview(kind: ImportKind, upload: Upload): Promise<ImportPreview> {
  const options = tableOptions(upload.fields);
  const { table, mapped } = await openRegisterTable(kind, stagedSource(upload), options);
  const columns = COLUMNS_OF[kind];
  try {
    const fieldOf = new Map(
      Object.entries(mapped.mapping).map(([field, header]) => [header as string, field]),
    );
    const rows: ImportPreview['rows'] = [];
    for await (const row of table) {
      const values: Record<string, string> = {};
      for (const header of table.headers) {
        const cell = row.values[header] ?? '';
        const kind = SECRET_FIELDS[fieldOf.get(header) ?? ''];
        values[header] = kind && cell ? presentTyped(kind, cell) : cell;
      }
      rows.push({ row: row.rowNumber, values });
      if (rows.length >= 10) break;
    }
    const defs = columns.defs as Record<string, { labels: readonly string[]; required?: boolean }>;
    return {
      fileName: upload.fileName,
      format: table.format,
      encoding: table.encoding ?? null,
      sheetName: table.sheetName ?? null,
      headers: table.headers,
      mapping: Object.fromEntries(table.headers.map((h) => [h, fieldOf.get(h) ?? null])),
      fields: (columns.fields as readonly string[]).map((field) => ({
        field,
        label: defs[field]!.labels[0] ?? field,
        required: defs[field]!.required === true,
        synonyms: defs[field]!.labels.slice(1) as string[],
      })),
      missingRequired: mapped.missingRequired,
      duplicates: mapped.duplicates,
      rows,
    };
  } finally {
    await table.close();
  }
}

/** Register imports (upload, column mapping, background run, progress, rejects) and the persons export. */
export const registerImportRoutes: FastifyPluginAsyncTypebox = async (app) => {
  const tags = ['imports'];
  const write = app.requireRight('person.write');
  // The queue and its start-up recovery live with the background jobs (src/jobs.ts).
  const runner = app.importJobs;

  app.get(
    '/api/imports/:kind/template.xlsx',
    {
      schema: {
        operationId: 'downloadImportTemplate',
        tags,
        summary: 'A blank import template with the Chinese column titles and a sheet explaining each column',
        params: ImportKindParams,
        response: { ...errors(401, 403) },
      },
      preHandler: write,
    },
    async (request, reply) => {
      const stream = new PassThrough();
      writeTemplate(request.params.kind, stream)
        .then(() => stream.end())
        .catch((error: unknown) => stream.destroy(error as Error));
      return reply
        .type('application/vnd.openxmlformats-officedocument.spreadsheetml.sheet')
        .header(
          'content-disposition',
          `attachment; filename="gridguard-${request.params.kind}-template.xlsx"`,
        )
        .send(stream);
    },
  );

  app.post(
    '/api/imports/:kind/preview',
    {
      schema: {
        operationId: 'previewImport',
        tags,
        summary:
          'Read an uploaded file’s headers and first 10 rows and propose the column mapping (nothing is stored)',
        consumes: ['multipart/form-data'],
        params: ImportKindParams,
        response: { 200: ImportPreview, ...errors(400, 401, 403, 413) },
      },
      preHandler: write,
    },
    async (request) => {
      const upload = await receiveUpload(request, 'import-');
      try {
        return await preview(request.params.kind, upload);
      } finally {
        await rm(upload.tempDir, { recursive: true, force: true });
      }
    },
  );

  app.post(
    '/api/imports/:kind',
    {
      schema: {
        operationId: 'startImport',
        tags,
        summary:
          'Start importing an uploaded XLSX/CSV file (fields: file, optional mapping JSON, dryRun, sheet, encoding); poll the returned job',
        consumes: ['multipart/form-data'],
        params: ImportKindParams,
        response: { 202: ImportJobView, ...errors(400, 401, 403, 413) },
      },
      preHandler: write,
    },
    async (request, reply) => {
      const upload = await receiveUpload(request, 'import-');
      try {
        const options = tableOptions(upload.fields);
        // Unreadable files and missing columns are answered now, not as a failed job.
        const { table, mapped } = await openRegisterTable(request.params.kind, stagedSource(upload), options);
        await table.close();
        assertMappingComplete(mapped, COLUMNS_OF[request.params.kind]);
        const job = await runner.start({
          actor: request.actor(),
          kind: request.params.kind,
          file: upload.file,
          tempDir: upload.tempDir,
          fileName: upload.fileName,
          totalBytes: upload.size,
          ...options,
        });
        return reply.status(202).send(presentJob(job, new Date(), requestLocale(request)));
      } catch (error) {
        await rm(upload.tempDir, { recursive: true, force: true });
        throw error;
      }
    },
  );

  app.get(
    '/api/imports/:id',
    {
      schema: {
        operationId: 'getImport',
        tags,
        summary: 'Progress and report of an import',
        params: ImportJobParams,
        response: { 200: ImportJobView, ...errors(401, 403, 404) },
      },
      preHandler: write,
    },
    async (request) =>
      presentJob(
        await findReadableJob(app.db, request.actor().viewer, request.params.id),
        new Date(),
        requestLocale(request),
      ),
  );

  app.get(
    '/api/imports/:id/rejects.xlsx',
    {
      schema: {
        operationId: 'downloadImportRejects',
        tags,
        summary: 'The rejected rows with row number, column, code and reason (XLSX)',
        params: ImportJobParams,
        response: { ...errors(401, 403, 404, 409) },
      },
      preHandler: write,
    },
    async (request, reply) => {
      const actor = request.actor();
      const job = await findReadableJob(app.db, actor.viewer, request.params.id);
      if (job.status !== 'done') throw new AppError('IMPORT_NOT_DONE', 409, 'The import has not finished');
      // The rows' original cells hold full ID numbers and phones: only for those who may see them, and logged.
      const withCells =
        job.reject_rows !== null && job.scope_paths.every((p) => can(actor.viewer, 'person.reveal', p));
      if (withCells) {
        await recordAudit(app.db, actor, {
          action: 'person.import.rejects',
          entityType: 'import',
          entityId: job.id,
          areaPath: job.scope_paths.length === 1 && job.scope_paths[0] !== '/' ? job.scope_paths[0] : null,
          reason: 'download of rejected import rows',
        });
      }
      const stream = new PassThrough();
      writeJobRejects(
        app.cipher,
        withCells ? job : { ...job, reject_rows: null },
        stream,
        requestLocale(request),
      ).catch((error: unknown) => stream.destroy(error as Error));
      return reply
        .header('content-type', 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet')
        .header('content-disposition', `attachment; filename="rejects-${job.id.slice(0, 8)}.xlsx"`)
        .header('cache-control', 'no-store')
        .send(stream);
    },
  );

  app.get(
    '/api/persons/export.xlsx',
    {
      schema: {
        operationId: 'exportPersons',
        tags: ['register'],
        summary:
          'Export the persons under an area to XLSX (masked unless reveal=true with person.reveal and a reason); audit-logged',
        querystring: ExportQuery,
        response: { ...errors(400, 401, 403, 404) },
      },
      preHandler: app.requireRight('person.export'),
    },
    async (request, reply) => {
      const prepared = await prepareExport(app.db, request.actor(), app.cipher, request.query);
      const stream = new PassThrough();
      prepared.write(stream).catch((error: unknown) => {
        request.log.error({ err: error }, 'export failed');
        stream.destroy(error as Error);
      });
      return reply
        .header('content-type', 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet')
        .header(
          'content-disposition',
          `attachment; filename="persons.xlsx"; filename*=UTF-8''${encodeURIComponent(`人员-${prepared.areaName}.xlsx`)}`,
        )
        .header('cache-control', 'no-store')
        .send(stream);
    },
  );
};
