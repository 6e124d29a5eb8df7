/**
 * The cipher suites field encryption offers. `aes`: AES-256-GCM with HMAC-SHA256 lookup hashes
 * (the default). `sm4`: SM4-CTR with HMAC-SM3 authentication and HMAC-SM3 lookup hashes, the
 * national algorithms a GB/T 39786-2021 (密评) assessment expects.
 */
export const CIPHER_SUITES = ['aes', 'sm4'] as const;
export type CipherSuite = (typeof CIPHER_SUITES)[number];

/** Raw key length of each suite's encryption keys. */
export const SUITE_KEY_BYTES: Readonly<Record<CipherSuite, number>> = { aes: 32, sm4: 16 };

export function isCipherSuite(value: string): value is CipherSuite {
  return (CIPHER_SUITES as readonly string[]).includes(value);
}

/** Secret keys: `encryption` by key id (each of one suite), the current key's id, `hmac` for lookups. */
export interface KeyMaterial {
  readonly currentKeyId: string;
  readonly encryption: Readonly<Record<string, Buffer>>;
  /** The cipher suite of each key id; a key id missing here is an AES-256-GCM key. */
  readonly suites?: Readonly<Record<string, CipherSuite>>;
  readonly hmac: Buffer;
}
