import { AppError } from '../core/errors.js';
import { ERROR_CODES, type ErrorCode } from '../core/vocabulary.js';
import type { Locale, Params } from '../i18n/locale.js';
import { errorMessage } from '../i18n/messages.js';

// Why an import job or a feed batch failed is stored as a code (with its params), not a sentence:
// the clerk who opens the job later reads it in their own language. Rows stored before this
// change hold an English sentence, shown as it is.

interface StoredFailure {
  code: ErrorCode;
  params?: Params;
}

const KNOWN_CODES: ReadonlySet<string> = new Set(ERROR_CODES);

/** The stored form of a failure with `code`. */
export function failureRecord(code: ErrorCode, params?: Params): string {
  return JSON.stringify(params ? { code, params } : { code });
}

/**
 * A job's failure as stored: the clerk's own problem (a 4xx AppError: the file, the mapping) under its
 * code, anything else as `serverCode` — the server's trouble is logged, never shown.
 */
export function failureOf(error: unknown, serverCode: ErrorCode): string {
  return error instanceof AppError && error.statusCode < 500
    ? failureRecord(error.code, error.params)
    : failureRecord(serverCode);
}

/** A stored failure as the API shows it: the code, and the sentence in the reader's language. */
export function presentFailure(
  stored: string | null,
  locale: Locale,
): { error: string | null; errorCode: ErrorCode | null } {
  if (stored === null) return { error: null, errorCode: null };
  let parsed: Partial<StoredFailure> | undefined;
  try {
    parsed = JSON.parse(stored) as Partial<StoredFailure>;
  } catch {
    parsed = undefined;
  }
  if (!parsed || typeof parsed.code !== 'string' || !KNOWN_CODES.has(parsed.code))
    return { error: stored, errorCode: null };
  return { error: errorMessage(locale, parsed.code, parsed.params), errorCode: parsed.code };
}
