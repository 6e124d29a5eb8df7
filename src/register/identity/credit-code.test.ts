import { describe, expect, it } from 'vitest';
import { parseCreditCode } from './credit-code.js';

describe('unified social credit code', () => {
  it('accepts real codes and normalises case', () => {
    // Published codes of 华为技术有限公司 and 腾讯科技（深圳）有限公司.
    expect(parseCreditCode('914403001922038216')).toEqual({ ok: true, value: '914403001922038216' });
    expect(parseCreditCode('9144030071526726xg')).toEqual({ ok: true, value: '9144030071526726XG' });
  });

  it('names the problem', () => {
    expect(parseCreditCode('914403001922038217')).toMatchObject({
      ok: false,
      message: 'check character should be 6, got 7',
    });
    expect(parseCreditCode('91440300192203821')).toMatchObject({ ok: false });
    expect(parseCreditCode('9144030019220382IO')).toMatchObject({ ok: false });
  });
});
