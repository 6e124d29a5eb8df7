import type { FastifyError, FastifyInstance } from 'fastify';

import type { ErrorCode } from './vocabulary.js';
import { type Locale, type Params, requestLocale } from '../i18n/locale.js';
import { errorMessage, problemMessage } from '../i18n/messages.js';
import { type FieldProblem, isProblemCode, type ProblemCode } from '../i18n/problem-codes.js';

/** Stable error codes (a closed union, listed in vocabulary.ts): clients branch on these, never on the human message. */
export type { ErrorCode } from './vocabulary.js';

export type { FieldProblem };

/**
 * A field problem as a throw site states it: the code is required, so every reader gets a sentence
 * in their language; `message` (English, for logs) is optional.
 */
export type FieldProblemInput = Omit<FieldProblem, 'message'> & { message?: string };

/** What an error carries besides its code: field problems (each with a code), or facts such as `retryAfterSeconds`. */
export type ErrorDetails =
  readonly FieldProblemInput[] | { readonly length?: never; readonly [key: string]: unknown };

export class AppError extends Error {
  constructor(
    readonly code: ErrorCode,
    readonly statusCode: number,
    /** English, for developers and logs; the caller reads the catalog's sentence for `code`. */
    message: string,
    readonly details?: ErrorDetails,
    /** Values the catalog's sentence names ({max}, {code}); also sent to the client. */
    readonly params?: Params,
  ) {
    super(message);
    this.name = 'AppError';
  }
}

export const notFound = (code: ErrorCode, message: string) => new AppError(code, 404, message);
export const forbidden = (message = 'You do not have the right to do this here') =>
  new AppError('FORBIDDEN', 403, message);
export const conflict = (code: ErrorCode, message: string, details?: ErrorDetails, params?: Params) =>
  new AppError(code, 409, message, details, params);
export const invalid = (code: ErrorCode, message: string, details?: FieldProblemInput[]) =>
  new AppError(code, 400, message, details);

export interface ErrorBody {
  error: { code: string; message: string; params?: Params; details?: unknown };
}

/**
 * An AJV error as data: its keyword and params say what is wrong, never its English message.
 * (`allErrors` is off, so a request reports its first problem.)
 */
export function problemOfAjv(item: {
  keyword?: string;
  params?: Record<string, unknown>;
  schema?: unknown;
}): { code: ProblemCode; params?: Params } {
  const p = item.params ?? {};
  const limit = typeof p.limit === 'number' || typeof p.limit === 'string' ? p.limit : null;
  switch (item.keyword ?? '') {
    case 'required':
      return { code: 'required' };
    case 'additionalProperties':
      return { code: 'unknownField' };
    case 'maxLength':
      return { code: 'maxLength', params: { max: limit } };
    case 'minLength':
      return limit === 1 ? { code: 'blank' } : { code: 'minLength', params: { min: limit } };
    case 'pattern':
      // RequiredText's pattern asks for one non-space character: failing it means blank.
      return typeof p.pattern === 'string' && p.pattern.includes('\\S')
        ? { code: 'blank' }
        : { code: 'pattern' };
    case 'format':
      return p.format === 'date' || p.format === 'date-time'
        ? { code: 'date' }
        : { code: 'format', params: { format: typeof p.format === 'string' ? p.format : null } };
    case 'enum':
    case 'const':
    case 'anyOf':
    case 'oneOf':
      return { code: 'oneOf' };
    case 'type':
      return p.type === 'integer'
        ? { code: 'integer' }
        : p.type === 'number'
          ? { code: 'number' }
          : { code: 'type' };
    case 'minimum':
      return { code: 'minimum', params: { limit } };
    case 'maximum':
      return { code: 'maximum', params: { limit } };
    case 'exclusiveMinimum':
      return { code: 'greaterThan', params: { limit } };
    case 'exclusiveMaximum':
      return { code: 'lessThan', params: { limit } };
    case 'minItems':
      return { code: 'minItems', params: { min: limit } };
    case 'maxItems':
      return { code: 'maxItems', params: { max: limit } };
    case 'uniqueItems':
      return { code: 'uniqueItems' };
    default:
      return { code: 'invalid' };
  }
}

/**
 * Field problems in the caller's language. A throw site that named no code keeps its own
 * (English) words for English readers and reads as the generic problem in other languages.
 */
export function localizeProblems(locale: Locale, details: unknown): unknown {
  if (!Array.isArray(details)) return localizeFileProblem(locale, details);
  return details.map((item: unknown) => {
    if (typeof item !== 'object' || item === null || typeof (item as { field?: unknown }).field !== 'string')
      return item;
    const given = item as FieldProblemInput;
    const code: ProblemCode = isProblemCode(given.code) ? given.code : 'invalid';
    const message =
      given.code === undefined && locale === 'en' && given.message
        ? given.message
        : problemMessage(locale, code, given.params);
    const problem: FieldProblem = { field: given.field, code, message };
    if (given.params) problem.params = given.params;
    return problem;
  });
}

/**
 * A whole-file problem (an import that cannot be read: `{problem, code, ...params}`) gets its
 * sentence in the caller's language beside the stable codes.
 */
function localizeFileProblem(locale: Locale, details: unknown): unknown {
  if (typeof details !== 'object' || details === null) return details;
  const { code, problem, ...params } = details as { code?: unknown; problem?: unknown };
  if (typeof problem !== 'string' || !isProblemCode(code)) return details;
  return { ...details, message: problemMessage(locale, code, params as Params) };
}

/** Turns AJV's instancePath/params into the name of the offending field ("body.parentId"). */
function fieldOf(
  context: string | undefined,
  item: { instancePath?: string; params?: Record<string, unknown> },
) {
  const base = (item.instancePath ?? '').replace(/^\//, '').replaceAll('/', '.');
  const missing = item.params?.missingProperty ?? item.params?.additionalProperty;
  const name = [base, typeof missing === 'string' ? missing : ''].filter(Boolean).join('.');
  return [context, name].filter(Boolean).join('.') || (context ?? 'request');
}

/**
 * SQLSTATEs a request's data can cause: every data exception (class 22: invalid text
 * representation, numeric value out of range, string too long, NUL in text or JSON…) and the
 * not-null and check violations. The schemas and the input guard refuse such data first; this is
 * the safety net that keeps a missed case a 400 instead of a 500.
 */
function isInputDatabaseError(error: unknown): boolean {
  const code = (error as { code?: unknown } | null)?.code;
  if (typeof code !== 'string' || !/^[0-9A-Z]{5}$/.test(code)) return false;
  return code.startsWith('22') || code === '23502' || code === '23514';
}

/** The refusal for a database error caused by input, or undefined for any other error. */
export function inputDatabaseError(error: unknown): AppError | undefined {
  if (!isInputDatabaseError(error)) return undefined;
  return new AppError('VALIDATION_FAILED', 400, 'A value in the request is not acceptable');
}

/** The sentence with the first field problem named, so a message alone says where to look. */
function withFirstProblem(sentence: string, details: unknown): string {
  const first: unknown = Array.isArray(details) ? details[0] : details;
  if (typeof first !== 'object' || first === null) return sentence;
  const { problem, message: fileMessage } = first as { problem?: unknown; message?: unknown };
  if (typeof problem === 'string' && typeof fileMessage === 'string') return `${sentence}: ${fileMessage}`;
  const { field, message } = first as { field?: unknown; message?: unknown };
  return typeof field === 'string' && typeof message === 'string'
    ? `${sentence} (${field}: ${message})`
    : sentence;
}

/** The one error serializer: stable code + message; unknown errors never leak internals. */
export function registerErrorHandler(app: FastifyInstance): void {
  app.setErrorHandler((error: FastifyError | AppError, request, reply) => {
    const locale = requestLocale(request);
    if (error instanceof AppError) {
      // A 429 says when to come back, for clients that wait politely.
      const retryAfter = (error.details as { retryAfterSeconds?: unknown } | undefined)?.retryAfterSeconds;
      if (error.statusCode === 429 && typeof retryAfter === 'number')
        reply.header('retry-after', String(retryAfter));
      // The developer's English message goes to the log only; the caller reads the catalog's sentence.
      request.log[error.statusCode >= 500 ? 'error' : 'debug']({ code: error.code }, error.message);
      const details = error.details === undefined ? undefined : localizeProblems(locale, error.details);
      const body: ErrorBody = {
        error: {
          code: error.code,
          message: withFirstProblem(errorMessage(locale, error.code, error.params), details),
        },
      };
      if (error.params !== undefined) body.error.params = error.params;
      if (details !== undefined) body.error.details = details;
      return reply.status(error.statusCode).send(body);
    }
    const fastifyError = error as FastifyError & {
      validation?: Array<{
        instancePath?: string;
        keyword?: string;
        message?: string;
        params?: Record<string, unknown>;
      }>;
      validationContext?: string;
    };
    if (fastifyError.validation) {
      const details: FieldProblem[] = fastifyError.validation.map((item) => {
        const { code, params } = problemOfAjv(item);
        const problem: FieldProblem = {
          field: fieldOf(fastifyError.validationContext, item),
          code,
          message: problemMessage(locale, code, params),
        };
        if (params) problem.params = params;
        return problem;
      });
      return reply.status(400).send({
        error: {
          code: 'VALIDATION_FAILED',
          message: withFirstProblem(errorMessage(locale, 'VALIDATION_FAILED'), details),
          details,
        },
      } satisfies ErrorBody);
    }
    const status = fastifyError.statusCode ?? 500;
    if (status === 413) {
      return reply
        .status(413)
        .send({ error: { code: 'PAYLOAD_TOO_LARGE', message: errorMessage(locale, 'PAYLOAD_TOO_LARGE') } });
    }
    if (status === 415) {
      return reply.status(415).send({
        error: { code: 'UNSUPPORTED_MEDIA_TYPE', message: errorMessage(locale, 'UNSUPPORTED_MEDIA_TYPE') },
      });
    }
    if (status === 429) {
      return reply
        .status(429)
        .send({ error: { code: 'RATE_LIMITED', message: errorMessage(locale, 'RATE_LIMITED') } });
    }
    if (status >= 400 && status < 500) {
      return reply.status(status).send({
        error: { code: fastifyError.code ?? 'BAD_REQUEST', message: errorMessage(locale, 'BAD_REQUEST') },
      });
    }
    const refused = inputDatabaseError(error);
    if (refused) {
      // A schema let bad data through to the database: refuse it, and say so in the log to fix the schema.
      request.log.warn({ err: error }, 'database refused request data');
      return reply
        .status(400)
        .send({ error: { code: refused.code, message: errorMessage(locale, refused.code) } });
    }
    request.log.error({ err: error }, 'unhandled error');
    return reply
      .status(500)
      .send({ error: { code: 'INTERNAL_ERROR', message: errorMessage(locale, 'INTERNAL_ERROR') } });
  });
}
