import type { FastifyError, FastifyInstance } from 'fastify';

/** Stable error codes: clients branch on these, never on the human message. */
export type ErrorCode =
  | 'VALIDATION_FAILED'
  | 'UNAUTHENTICATED'
  | 'FORBIDDEN'
  | 'NOT_FOUND'
  | 'CONFLICT'
  | 'CSRF_TOKEN_INVALID'
  | 'LOGIN_FAILED'
  | 'ACCOUNT_LOCKED'
  | 'PASSWORD_CHANGE_REQUIRED'
  | 'PASSWORD_TOO_WEAK'
  | 'RATE_LIMITED'
  | 'PAYLOAD_TOO_LARGE'
  | 'UNSUPPORTED_MEDIA_TYPE'
  | 'AREA_NOT_FOUND'
  | 'AREA_PARENT_NOT_FOUND'
  | 'AREA_CODE_CONFLICT'
  | 'AREA_CODE_INVALID'
  | 'AREA_LEVEL_INVALID'
  | 'AREA_MOVE_INVALID'
  | 'AREA_RETIRED'
  | 'GEOJSON_INVALID'
  | 'IMPORT_FILE_INVALID'
  | 'IMPORT_ROW_INVALID'
  | 'USER_NOT_FOUND'
  | 'USERNAME_TAKEN'
  | 'ROLE_NOT_GRANTABLE'
  | 'INTERNAL_ERROR'
  | (string & {});

export interface FieldProblem {
  field: string;
  message: string;
}

export class AppError extends Error {
  constructor(
    readonly code: ErrorCode,
    readonly statusCode: number,
    message: string,
    readonly details?: unknown,
  ) {
    super(message);
    this.name = 'AppError';
  }
}

export const notFound = (code: ErrorCode, message: string) => new AppError(code, 404, message);
export const forbidden = (message = 'You do not have the right to do this here') =>
  new AppError('FORBIDDEN', 403, message);
export const conflict = (code: ErrorCode, message: string, details?: unknown) =>
  new AppError(code, 409, message, details);
export const invalid = (code: ErrorCode, message: string, details?: FieldProblem[]) =>
  new AppError(code, 400, message, details);

export interface ErrorBody {
  error: { code: string; message: string; details?: unknown };
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

/** The one error serializer: stable code + message; unknown errors never leak internals. */
export function registerErrorHandler(app: FastifyInstance): void {
  app.setErrorHandler((error: FastifyError | AppError, request, reply) => {
    if (error instanceof AppError) {
      // A 429 says when to come back, for clients that wait politely.
      const retryAfter = (error.details as { retryAfterSeconds?: unknown } | undefined)?.retryAfterSeconds;
      if (error.statusCode === 429 && typeof retryAfter === 'number')
        reply.header('retry-after', String(retryAfter));
      const body: ErrorBody = { error: { code: error.code, message: error.message } };
      if (error.details !== undefined) body.error.details = error.details;
      return reply.status(error.statusCode).send(body);
    }
    const fastifyError = error as FastifyError & {
      validation?: Array<{ instancePath?: string; message?: string; params?: Record<string, unknown> }>;
      validationContext?: string;
    };
    if (fastifyError.validation) {
      const details: FieldProblem[] = fastifyError.validation.map((item) => ({
        field: fieldOf(fastifyError.validationContext, item),
        message: item.message ?? 'is invalid',
      }));
      const first = details[0];
      return reply.status(400).send({
        error: {
          code: 'VALIDATION_FAILED',
          message: first ? `${first.field} ${first.message}` : 'The request is invalid',
          details,
        },
      } satisfies ErrorBody);
    }
    const status = fastifyError.statusCode ?? 500;
    if (status === 413) {
      return reply
        .status(413)
        .send({ error: { code: 'PAYLOAD_TOO_LARGE', message: 'The request body is too large' } });
    }
    if (status === 415) {
      return reply
        .status(415)
        .send({ error: { code: 'UNSUPPORTED_MEDIA_TYPE', message: 'Unsupported content type' } });
    }
    if (status === 429) {
      return reply
        .status(429)
        .send({ error: { code: 'RATE_LIMITED', message: 'Too many requests; try again later' } });
    }
    if (status >= 400 && status < 500) {
      return reply
        .status(status)
        .send({ error: { code: fastifyError.code ?? 'BAD_REQUEST', message: fastifyError.message } });
    }
    const refused = inputDatabaseError(error);
    if (refused) {
      // A schema let bad data through to the database: refuse it, and say so in the log to fix the schema.
      request.log.warn({ err: error }, 'database refused request data');
      return reply.status(400).send({ error: { code: refused.code, message: refused.message } });
    }
    request.log.error({ err: error }, 'unhandled error');
    return reply
      .status(500)
      .send({ error: { code: 'INTERNAL_ERROR', message: 'Something went wrong on the server' } });
  });
}
