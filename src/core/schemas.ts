import { Type, type TNumberOptions, type TStringOptions } from 'typebox';

/** The largest value of a PostgreSQL `integer` (int4): every id and count the API accepts fits in it. */
export const INT4_MAX = 2147483647;

/** A row id from outside: 1 … INT4_MAX. */
export const Id = (options: TNumberOptions = {}) =>
  Type.Integer({ minimum: 1, maximum: INT4_MAX, ...options });

/** A whole number from outside, bounded on both sides (defaults: 0 … INT4_MAX). */
export const Int = (options: TNumberOptions = {}) =>
  Type.Integer({ minimum: 0, maximum: INT4_MAX, ...options });

/**
 * A required single-line text (names, titles, codes typed by hand): trimmed, then at least one
 * visible character and no line break. A whitespace-only value is refused naming the field,
 * before any database CHECK sees it. Control characters are refused for every string by the
 * input guard (src/core/input-guard.ts).
 */
export const RequiredText = (maxLength: number, options: TStringOptions = {}) =>
  Type.String({ minLength: 1, maxLength, pattern: '^[^\\r\\n]*\\S[^\\r\\n]*$', 'x-trim': true, ...options });

/** A required text that may run over several lines (reasons, notes, announcement bodies): trimmed, then at least one visible character. */
export const RequiredParagraph = (maxLength: number, options: TStringOptions = {}) =>
  Type.String({ minLength: 1, maxLength, pattern: '\\S', 'x-trim': true, ...options });

export const ErrorResponse = Type.Object(
  {
    error: Type.Object({
      code: Type.String(),
      message: Type.String(),
      details: Type.Optional(Type.Unknown()),
    }),
  },
  { $id: 'ErrorResponse' },
);

export const IdParams = Type.Object({ id: Id() }, { $id: 'IdParams' });

/** Standard error responses every route documents, by status. */
export const errors = (...statuses: number[]) =>
  Object.fromEntries(statuses.map((s) => [s, Type.Ref('ErrorResponse')]));

/** GET /api/health: the server answers and which database it runs on. */
export const HealthStatus = Type.Object(
  { status: Type.Literal('ok'), database: Type.Enum(['pglite', 'postgres']) },
  { $id: 'HealthStatus' },
);
