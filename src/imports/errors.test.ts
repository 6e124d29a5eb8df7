import Fastify from 'fastify';
import { describe, expect, it } from 'vitest';
import { registerErrorHandler } from '../core/errors.js';
import { ImportFileError } from './errors.js';

describe('a file that cannot be imported', () => {
  it('is told in the caller’s language, with its stable problem and catalog code', async () => {
    const app = Fastify();
    registerErrorHandler(app);
    app.get('/old', () => {
      throw new ImportFileError('LEGACY_XLS', '"old.xls" is an Excel 97-2003 workbook');
    });
    app.get('/utf', () => {
      throw new ImportFileError('ENCODING', 'the file is not valid UTF-8', { byte: 42 });
    });
    const zh = (await app.inject({ url: '/old' })).json().error;
    expect(zh).toMatchObject({
      code: 'IMPORT_FILE_INVALID',
      details: { problem: 'LEGACY_XLS', code: 'fileLegacyXls' },
    });
    expect(zh.details.message).toContain('另存为 .xlsx');
    expect(zh.message).toContain(zh.details.message);
    const en = (await app.inject({ url: '/utf', headers: { 'accept-language': 'en' } })).json().error;
    expect(en.details).toMatchObject({ problem: 'ENCODING', code: 'fileEncoding', byte: 42 });
    expect(en.details.message).toContain('near byte 42');
    expect(en.message).not.toMatch(/\p{Script=Han}/u);
    await app.close();
  });
});
