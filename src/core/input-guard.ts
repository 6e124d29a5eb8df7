import type { Multipart, MultipartFile } from '@fastify/multipart';
import type { FastifyRequest, FastifyServerOptions } from 'fastify';
import fp from 'fastify-plugin';
import { AppError, type FieldProblem } from './errors.js';

/**
 * Control characters no text from outside may hold: C0 but tab, line feed and carriage return, and
 * DEL. PostgreSQL refuses NUL in text and JSON; the others only ever arrive by mistake or attack.
 * Single-line fields refuse line breaks as well, in their own schema (see `RequiredText`).
 */
// eslint-disable-next-line no-control-regex -- matching control characters is the point
const CONTROL = /[\u0000-\u0008\u000B\u000C\u000E-\u001F\u007F]/;
/** A UTF-16 surrogate without its pair: not text, and silently mangled on its way to the database. */
const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;
/** No request of this API nests deeper (GeoJSON multipolygons are five levels). */
const MAX_DEPTH = 32;

function textProblem(text: string, field: string): FieldProblem | undefined {
  if (CONTROL.test(text))
    return { field, code: 'controlChars', message: 'must not contain control characters' };
  if (LONE_SURROGATE.test(text))
    return { field, code: 'invalid', message: 'must be well-formed Unicode text' };
  return undefined;
}

/** The first string (value or object key) in parsed input that is not acceptable text, by field name. */
export function findBadText(value: unknown, field: string): FieldProblem | undefined {
  const stack: Array<{ value: unknown; field: string; depth: number }> = [{ value, field, depth: 0 }];
  while (stack.length) {
    const item = stack.pop()!;
    if (typeof item.value === 'string') {
      const problem = textProblem(item.value, item.field);
      if (problem) return problem;
      continue;
    }
    if (item.value === null || typeof item.value !== 'object') continue;
    if (item.depth >= MAX_DEPTH)
      return { field: item.field, code: 'invalid', message: `must not nest deeper than ${MAX_DEPTH}` };
    if (Buffer.isBuffer(item.value)) continue;
    const entries = Array.isArray(item.value)
      ? item.value.map((v, i) => [String(i), v] as const)
      : Object.entries(item.value);
    for (const [key, inner] of entries) {
      const name = `${item.field}.${key}`;
      const keyProblem = textProblem(key, name);
      if (keyProblem) return keyProblem;
      stack.push({ value: inner, field: name, depth: item.depth + 1 });
    }
  }
  return undefined;
}

/**
 * The first number in validated input that is not finite. AJV coerces a query or path string such
 * as "1e309" to Infinity and then skips its range checks for it (they only run on finite numbers).
 */
export function findInfinite(value: unknown, field: string): FieldProblem | undefined {
  const stack: Array<{ value: unknown; field: string }> = [{ value, field }];
  while (stack.length) {
    const item = stack.pop()!;
    if (typeof item.value === 'number' && !Number.isFinite(item.value))
      return { field: item.field, code: 'number', message: 'must be a finite number' };
    if (item.value === null || typeof item.value !== 'object' || Buffer.isBuffer(item.value)) continue;
    for (const [key, inner] of Object.entries(item.value))
      stack.push({ value: inner, field: `${item.field}.${key}` });
  }
  return undefined;
}

function refuse(problem: FieldProblem): AppError {
  return new AppError('VALIDATION_FAILED', 400, `${problem.field} ${problem.message}`, [problem]);
}

function check(value: unknown, field: string): void {
  const problem = findBadText(value, field);
  if (problem) throw refuse(problem);
}

/** Busboy's own errors (no boundary, truncated data…) are the client's malformed body, not a fault. */
function asMultipartRefusal(error: unknown): unknown {
  if (error instanceof AppError || (error as { statusCode?: unknown } | null)?.statusCode) return error;
  const reason = error instanceof Error ? error.message : String(error);
  return new AppError('VALIDATION_FAILED', 400, `body is not valid multipart/form-data: ${reason}`, [
    {
      field: 'body',
      code: 'format',
      params: { format: 'multipart/form-data' },
      message: 'is not valid multipart/form-data',
    },
  ]);
}

function checkPart(part: Multipart): void {
  check(part.fieldname, 'body');
  if (part.type === 'field') check(part.value, `body.${part.fieldname}`);
  else check(part.filename, `body.${part.fieldname}.filename`);
}

/** Checks the fields a file part carries (those sent before it), once each. */
function checkFieldsOf(part: MultipartFile | undefined): void {
  for (const entry of Object.values(part?.fields ?? {}))
    for (const field of Array.isArray(entry) ? entry : [entry]) if (field) checkPart(field);
}

/**
 * Multipart fields are read by the handler, after validation: wrap the request's readers so every
 * field and file name is checked as it is read, whichever reader a route uses.
 */
function guardMultipart(request: FastifyRequest): void {
  const parts = request.parts.bind(request);
  request.parts = async function* guardedParts(options) {
    const iterator = parts(options)[Symbol.asyncIterator]();
    for (;;) {
      const next = await iterator.next().catch((error: unknown) => Promise.reject(asMultipartRefusal(error)));
      if (next.done) return;
      checkPart(next.value);
      yield next.value;
    }
  };
  const file = request.file.bind(request);
  request.file = async (options) => {
    const part = await file(options).catch((error: unknown) => Promise.reject(asMultipartRefusal(error)));
    checkFieldsOf(part);
    return part;
  };
  const files = request.files.bind(request);
  request.files = async function* guardedFiles(options) {
    const iterator = files(options)[Symbol.asyncIterator]();
    for (;;) {
      const next = await iterator.next().catch((error: unknown) => Promise.reject(asMultipartRefusal(error)));
      if (next.done) return;
      checkFieldsOf(next.value);
      yield next.value;
    }
  };
}

/**
 * The one place text from outside is checked for control characters: headers, path and query
 * parameters before anything reads them (the session lookup does, on request), the parsed body
 * (JSON or form-encoded) before validation, multipart fields as the handler reads them. After
 * validation, no number may be infinite. Answers 400 VALIDATION_FAILED naming the field.
 */
export const inputGuard = fp(
  async (app) => {
    app.addHook('onRequest', async (request) => {
      check(request.headers, 'headers');
      check(request.params, 'params');
      check(request.query, 'querystring');
    });
    app.addHook('preValidation', async (request) => {
      check(request.body, 'body');
      // Known only once the body's parser has run.
      if (request.isMultipart()) guardMultipart(request);
    });
    app.addHook('preHandler', async (request) => {
      for (const [value, field] of [
        [request.params, 'params'],
        [request.query, 'querystring'],
        [request.body, 'body'],
      ] as const) {
        const problem = findInfinite(value, field);
        if (problem) throw refuse(problem);
      }
    });
  },
  { name: 'input-guard' },
);

/**
 * AJV keyword `x-trim`: trims a string in place before it is stored. Its check (`pattern: \S` in
 * `RequiredText`) does not depend on the trimming, so the order AJV applies keywords in is moot.
 */
type AjvPlugin = Extract<
  NonNullable<NonNullable<FastifyServerOptions['ajv']>['plugins']>[number],
  (...args: never[]) => unknown
>;
export const trimKeyword: AjvPlugin = (ajv) =>
  ajv.addKeyword({
    keyword: 'x-trim',
    type: 'string',
    modifying: true,
    schemaType: 'boolean',
    validate: (trim: boolean, data: string, _schema, context) => {
      if (trim && context?.parentData && context.parentDataProperty !== undefined)
        (context.parentData as Record<string | number, unknown>)[context.parentDataProperty] = data.trim();
      return true;
    },
  });
