import { describe, expect, it } from 'vitest';
import { maskAddress, maskIdNumber, maskName, maskPhone } from './masking.js';

describe('maskIdNumber', () => {
  it('keeps only the first and last character of 18- and 15-character numbers', () => {
    expect(maskIdNumber('110101199003071234')).toBe('1****************4');
    expect(maskIdNumber('11010519491231002X')).toBe('1****************X');
    expect(maskIdNumber('110105491231002')).toBe('1*************2');
  });

  it('hides the birth date and the sequence digits, so a known birth date does not complete it', () => {
    const masked = maskIdNumber('310116195409129216');
    expect(masked.slice(1, 17)).toBe('*'.repeat(16));
    expect(masked).not.toContain('19540912');
    expect(masked).not.toContain('921');
  });

  it('keeps only the last two of anything else, and never returns the whole value', () => {
    expect(maskIdNumber('E12345678')).toBe('*******78');
    expect(maskIdNumber('1101011990030712')).toBe('**************12');
    expect(maskIdNumber('AB')).toBe('**');
    expect(maskIdNumber('7')).toBe('*');
    expect(maskIdNumber('')).toBe('');
  });
});

describe('maskPhone', () => {
  it('masks the middle four digits of a mobile number', () => {
    expect(maskPhone('13812345678')).toBe('138****5678');
    expect(maskPhone(' 138 1234 5678 ')).toBe('138****5678');
    expect(maskPhone('+86 138-1234-5678')).toBe('+86 138****5678');
  });

  it('keeps the area code and last four of a landline', () => {
    expect(maskPhone('0571-88123456')).toBe('0571-****3456');
    expect(maskPhone('057188123456')).toBe('0571-****3456');
    expect(maskPhone('010-6512345')).toBe('010-***2345');
    expect(maskPhone('(021) 6888 1234')).toBe('021-****1234');
    expect(maskPhone('88123456')).toBe('****3456');
  });

  it('keeps only the last two of unrecognised numbers', () => {
    expect(maskPhone('0571-88123456-801')).toBe('***************01');
    expect(maskPhone('12345')).toBe('***45');
    expect(maskPhone('12')).toBe('**');
  });
});

describe('maskName', () => {
  it('keeps the first character', () => {
    expect(maskName('张三丰')).toBe('张**');
    expect(maskName('李四')).toBe('李*');
    expect(maskName('𠮷野家')).toBe('𠮷**');
    expect(maskName('John Smith')).toBe('J*** *****');
    expect(maskName('阿卜杜·热合曼')).toBe('阿**·***');
  });

  it('hides a single character entirely', () => {
    expect(maskName('张')).toBe('*');
    expect(maskName('')).toBe('');
  });
});

describe('maskAddress', () => {
  it('hides door, building and room numbers after the last road-level marker', () => {
    expect(maskAddress('浙江省杭州市西湖区文三路478号华星大厦5幢1202室')).toBe(
      '浙江省杭州市西湖区文三路***号华星大厦*幢****室',
    );
    expect(maskAddress('上海市徐汇区漕溪北路100弄45号601室')).toBe('上海市徐汇区漕溪北路100弄**号***室');
    expect(maskAddress('北京市东城区东四十条胡同12号')).toBe('北京市东城区东四十条胡同**号');
    expect(maskAddress('西湖区北山街道宝石二路３号')).toBe('西湖区北山街道宝石二路*号');
  });

  it('hides every digit when there is no road-level marker', () => {
    expect(maskAddress('华星小区5幢3单元1202室')).toBe('华星小区*幢*单元****室');
  });
});
