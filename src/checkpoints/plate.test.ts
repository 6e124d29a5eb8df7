import { describe, expect, it } from 'vitest';
import { normalizePlate, parsePlate } from './plate.js';

describe('mainland licence plates', () => {
  it.each([
    ['沪A12345', '沪A12345', 'ordinary'],
    ['京N8P8F8', '京N8P8F8', 'ordinary'],
    ['粤B·D12345', '粤BD12345', 'new_energy_small'],
    ['浙AF1234 5', '浙AF12345', 'new_energy_small'],
    ['苏E12345D', '苏E12345D', 'new_energy_large'],
    ['鄂A1234警', '鄂A1234警', 'suffixed'],
    ['川A1234学', '川A1234学', 'suffixed'],
    ['鲁B1234挂', '鲁B1234挂', 'suffixed'],
    ['沪A0012领', '沪A0012领', 'suffixed'],
    ['粤Z1234港', '粤Z1234港', 'suffixed'],
    ['使014578', '使014578', 'embassy'],
  ])('reads %s as %s (%s)', (input, plate, kind) => {
    expect(parsePlate(input)).toEqual({ ok: true, plate, kind });
  });

  it('makes full-width, lower-case and spaced input one plate', () => {
    for (const typed of ['沪ａ１２３４５', '沪a12345', ' 沪A 12345 ', '沪A-12345', '沪A·12345'])
      expect(parsePlate(typed), typed).toEqual({ ok: true, plate: '沪A12345', kind: 'ordinary' });
    expect(normalizePlate('粤ｂｄ１２３４５')).toBe('粤BD12345');
  });

  it.each([
    ['', 'PLATE_EMPTY'],
    ['  ', 'PLATE_EMPTY'],
    ['A12345', 'PLATE_PROVINCE'],
    ['港A12345', 'PLATE_PROVINCE'],
    ['沪A1234', 'PLATE_FORMAT'],
    ['沪A123456', 'PLATE_FORMAT'],
    ['沪I12345', 'PLATE_FORMAT'],
    ['沪A1O345', 'PLATE_FORMAT'],
    ['沪AI12345', 'PLATE_FORMAT'],
    ['沪A12345X', 'PLATE_FORMAT'],
    ['沪A1234使', 'PLATE_FORMAT'],
    ['使01457', 'PLATE_FORMAT'],
    ['沪12345A', 'PLATE_FORMAT'],
  ])('refuses %j with %s, never guessing', (input, problem) => {
    expect(parsePlate(input)).toEqual({ ok: false, problem });
  });
});
