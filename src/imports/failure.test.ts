import { describe, expect, it } from 'vitest';
import { AppError } from '../core/errors.js';
import { ERRORS_EN } from '../i18n/errors.en.js';
import { ERRORS_ZH_CN } from '../i18n/errors.zh-CN.js';
import { failureOf, failureRecord, presentFailure } from './failure.js';

describe('a stored import failure', () => {
  it("is a code, worded when shown in the reader's language", () => {
    const stored = failureRecord('IMPORT_PROCESS_STOPPED');
    expect(presentFailure(stored, 'zh-CN')).toEqual({
      error: ERRORS_ZH_CN.IMPORT_PROCESS_STOPPED,
      errorCode: 'IMPORT_PROCESS_STOPPED',
    });
    expect(presentFailure(stored, 'en')).toEqual({
      error: ERRORS_EN.IMPORT_PROCESS_STOPPED,
      errorCode: 'IMPORT_PROCESS_STOPPED',
    });
  });

  it("keeps the clerk's own problem under its code and hides the server's trouble behind the fallback", () => {
    const clerks = new AppError('IMPORT_TOO_MANY_ROWS', 413, 'too many rows');
    expect(presentFailure(failureOf(clerks, 'IMPORT_FAILED'), 'en').errorCode).toBe('IMPORT_TOO_MANY_ROWS');
    const servers = failureOf(new Error('connection reset by peer at 10.0.0.5'), 'IMPORT_FAILED');
    expect(servers).not.toContain('10.0.0.5');
    expect(presentFailure(servers, 'zh-CN')).toEqual({
      error: ERRORS_ZH_CN.IMPORT_FAILED,
      errorCode: 'IMPORT_FAILED',
    });
  });

  it('shows an entry stored before codes as it is, and nothing for none', () => {
    expect(presentFailure('the server stopped during the import', 'zh-CN')).toEqual({
      error: 'the server stopped during the import',
      errorCode: null,
    });
    expect(presentFailure('{"code":"NOT_A_CODE"}', 'en').errorCode).toBeNull();
    expect(presentFailure(null, 'en')).toEqual({ error: null, errorCode: null });
  });
});
