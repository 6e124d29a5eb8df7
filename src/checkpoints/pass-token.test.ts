import { describe, expect, it } from 'vitest';
import {
  generatePassKeyPair,
  isPassToken,
  type PassPayload,
  signPassToken,
  verifyPassToken,
} from './pass-token.js';

const NOW = 1_796_000_000;
const payload = (over: Partial<PassPayload> = {}): PassPayload => ({
  v: 1,
  kid: 'k1',
  pid: 42,
  code: 'TX-0042',
  name: '张*',
  doc: '3301**********1234',
  purpose: '上班',
  cps: [],
  area: '/1/2/',
  nbf: NOW - 3600,
  exp: NOW + 3600,
  ...over,
});

describe('pass tokens', async () => {
  const pair = await generatePassKeyPair();
  const keys = [{ kid: 'k1', jwk: pair.publicJwk }];
  const none = new Set<number>();

  it('verify when signed, valid now, not revoked and for this gate', async () => {
    const token = await signPassToken(payload(), pair.privateJwk);
    expect(isPassToken(token)).toBe(true);
    const checked = await verifyPassToken(token, keys, {
      now: NOW,
      revoked: none,
      checkpoint: { id: 7, areaPath: '/1/2/3/' },
    });
    expect(checked).toEqual({ ok: true, payload: payload() });
  });

  it('refuse a forged signature, an altered payload and an unknown key', async () => {
    const token = await signPassToken(payload(), pair.privateJwk);
    const other = await generatePassKeyPair();
    const forged = await signPassToken(payload(), other.privateJwk);
    expect(await verifyPassToken(forged, keys, { now: NOW, revoked: none })).toEqual({
      ok: false,
      problem: 'PASS_FORGED',
    });
    const [prefix, , signature] = token.split('.');
    const altered = Buffer.from(JSON.stringify(payload({ exp: NOW + 86_400 * 365 }))).toString('base64url');
    expect(
      (await verifyPassToken(`${prefix}.${altered}.${signature}`, keys, { now: NOW, revoked: none })).ok,
    ).toBe(false);
    const stranger = await signPassToken(payload({ kid: 'k9' }), pair.privateJwk);
    expect(await verifyPassToken(stranger, keys, { now: NOW, revoked: none })).toEqual({
      ok: false,
      problem: 'PASS_UNKNOWN_KEY',
    });
  });

  it('refuse expired, not yet valid, revoked and wrong-gate passes, naming the holder', async () => {
    const token = await signPassToken(payload(), pair.privateJwk);
    const at = (now: number) => verifyPassToken(token, keys, { now, revoked: none });
    expect(await at(NOW + 3600 + 60)).toMatchObject({ ok: true }); // within the clock skew
    expect(await at(NOW + 3600 + 600)).toMatchObject({
      ok: false,
      problem: 'PASS_EXPIRED',
      payload: { pid: 42 },
    });
    expect(await at(NOW - 7200)).toMatchObject({ ok: false, problem: 'PASS_NOT_YET_VALID' });
    expect(await verifyPassToken(token, keys, { now: NOW, revoked: new Set([42]) })).toMatchObject({
      ok: false,
      problem: 'PASS_REVOKED',
    });
    expect(
      await verifyPassToken(token, keys, {
        now: NOW,
        revoked: none,
        checkpoint: { id: 7, areaPath: '/1/9/' },
      }),
    ).toMatchObject({ ok: false, problem: 'PASS_WRONG_CHECKPOINT' });
    const listed = await signPassToken(payload({ cps: [3, 4] }), pair.privateJwk);
    const gate = (id: number) =>
      verifyPassToken(listed, keys, { now: NOW, revoked: none, checkpoint: { id, areaPath: '/1/2/' } });
    expect(await gate(4)).toMatchObject({ ok: true });
    expect(await gate(5)).toMatchObject({ ok: false, problem: 'PASS_WRONG_CHECKPOINT' });
  });

  it('call anything that is not a well-formed pass malformed, never throwing', async () => {
    for (const text of [
      '',
      'hello',
      'GGP1..',
      'GGP1.e30.AAAA',
      'GGP1.!!!.???',
      `GGP1.${'A'.repeat(3000)}.x`,
    ]) {
      expect(await verifyPassToken(text, keys, { now: NOW, revoked: none })).toEqual({
        ok: false,
        problem: 'PASS_MALFORMED',
      });
    }
  });
});
