/** Unified social credit code (统一社会信用代码, GB 32100-2015): 18 characters, the last a check character. */
const CHARSET = '0123456789ABCDEFGHJKLMNPQRTUWXY';
const WEIGHTS = [1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28];

export function parseCreditCode(input: string): { ok: true; value: string } | { ok: false; message: string } {
  const code = input.trim().toUpperCase().replace(/\s/g, '');
  if (!/^[0-9A-HJ-NPQRTUWXY]{2}\d{6}[0-9A-HJ-NPQRTUWXY]{10}$/.test(code)) {
    return {
      ok: false,
      message:
        'must be 18 characters: 2 registration codes, a 6-digit region code, 10 characters (no I, O, S, V, Z)',
    };
  }
  const sum = WEIGHTS.reduce((total, weight, i) => total + CHARSET.indexOf(code[i]!) * weight, 0);
  const expected = CHARSET[(31 - (sum % 31)) % 31]!;
  if (code[17] !== expected)
    return { ok: false, message: `check character should be ${expected}, got ${code[17]}` };
  return { ok: true, value: code };
}
