import { ConfigError } from '../config.js';

/** An HTTP gateway (SMS or voice) the server posts to with a bearer key. */
export interface GatewayConfig {
  readonly url: string;
  readonly key: string;
}

/**
 * How notifications leave the server. A channel without configuration is only logged, so a fresh
 * installation sends nothing to anyone until an operator sets these variables:
 *
 * - GRIDGUARD_SMS_URL + GRIDGUARD_SMS_KEY: the SMS gateway (JSON POST, bearer key).
 * - GRIDGUARD_VOICE_URL + GRIDGUARD_VOICE_KEY: the voice-call (TTS) provider.
 * - GRIDGUARD_WEBHOOK_ENABLED=true: post to each user's group-robot webhook (企业微信 style);
 *   GRIDGUARD_WEBHOOK_URL: a default robot for users who gave none (implies enabled);
 *   GRIDGUARD_WEBHOOK_HOSTS: host names users' webhooks may point to (default
 *   qyapi.weixin.qq.com; "*" allows any https host).
 * - GRIDGUARD_NOTIFY_TIMEOUT_MS: how long one send may take (default 5000).
 */
export interface NotificationChannelConfig {
  readonly timeoutMs: number;
  readonly sms: GatewayConfig | null;
  readonly voice: GatewayConfig | null;
  readonly webhook: {
    readonly enabled: boolean;
    readonly defaultUrl: string | null;
    /** Null: any https host. */
    readonly allowedHosts: readonly string[] | null;
  };
}

type Env = Readonly<Record<string, string | undefined>>;

const DEFAULT_WEBHOOK_HOSTS = ['qyapi.weixin.qq.com'];

function httpUrl(env: Env, name: string, httpsOnly: boolean): string | null {
  const raw = env[name]?.trim();
  if (!raw) return null;
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    throw new ConfigError(name, 'is not a valid URL');
  }
  const allowed = httpsOnly ? ['https:'] : ['https:', 'http:'];
  if (!allowed.includes(url.protocol)) {
    throw new ConfigError(name, `must start with ${httpsOnly ? 'https://' : 'http:// or https://'}`);
  }
  return raw;
}

function gateway(env: Env, urlName: string, keyName: string): GatewayConfig | null {
  // Gateways often sit on the government intranet without TLS, so http is accepted here.
  const url = httpUrl(env, urlName, false);
  const key = env[keyName]?.trim() || null;
  if (!url && key) throw new ConfigError(urlName, `is required when ${keyName} is set`);
  if (url && !key) throw new ConfigError(keyName, `is required when ${urlName} is set`);
  if (url && key && /\s/.test(key)) throw new ConfigError(keyName, 'must not contain spaces');
  return url && key ? Object.freeze({ url, key }) : null;
}

function flag(env: Env, name: string): boolean {
  const raw = env[name]?.trim().toLowerCase();
  if (!raw) return false;
  if (['1', 'true', 'yes', 'on'].includes(raw)) return true;
  if (['0', 'false', 'no', 'off'].includes(raw)) return false;
  throw new ConfigError(name, `expected true or false, got "${env[name]}"`);
}

function hosts(env: Env, name: string): readonly string[] | null {
  const raw = env[name]?.trim();
  if (!raw) return DEFAULT_WEBHOOK_HOSTS;
  if (raw === '*') return null;
  const list = raw.split(',').map((h) => h.trim().toLowerCase());
  for (const host of list) {
    if (!/^[a-z0-9]([a-z0-9-]*[a-z0-9])?(\.[a-z0-9]([a-z0-9-]*[a-z0-9])?)*$/.test(host)) {
      throw new ConfigError(name, `"${host}" is not a host name (expected e.g. qyapi.weixin.qq.com)`);
    }
  }
  return Object.freeze(list);
}

/** Reads and validates the channel settings once at boot; a bad value names its variable. */
export function loadNotificationConfig(env: Env = process.env): NotificationChannelConfig {
  const timeoutRaw = env.GRIDGUARD_NOTIFY_TIMEOUT_MS?.trim();
  let timeoutMs = 5000;
  if (timeoutRaw) {
    if (!/^\d+$/.test(timeoutRaw))
      throw new ConfigError('GRIDGUARD_NOTIFY_TIMEOUT_MS', `expected a whole number, got "${timeoutRaw}"`);
    timeoutMs = Number(timeoutRaw);
    if (timeoutMs < 100 || timeoutMs > 60_000)
      throw new ConfigError('GRIDGUARD_NOTIFY_TIMEOUT_MS', `must be between 100 and 60000, got ${timeoutMs}`);
  }
  const defaultUrl = httpUrl(env, 'GRIDGUARD_WEBHOOK_URL', true);
  return Object.freeze({
    timeoutMs,
    sms: gateway(env, 'GRIDGUARD_SMS_URL', 'GRIDGUARD_SMS_KEY'),
    voice: gateway(env, 'GRIDGUARD_VOICE_URL', 'GRIDGUARD_VOICE_KEY'),
    webhook: Object.freeze({
      enabled: flag(env, 'GRIDGUARD_WEBHOOK_ENABLED') || defaultUrl !== null,
      defaultUrl,
      allowedHosts: hosts(env, 'GRIDGUARD_WEBHOOK_HOSTS'),
    }),
  });
}

/** Whether a user-given webhook URL may be posted to: https, and on an allowed host. */
export function webhookUrlProblem(raw: string, allowedHosts: readonly string[] | null): string | null {
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    return 'must be a URL such as https://qyapi.weixin.qq.com/cgi-bin/webhook/send?key=…';
  }
  if (url.protocol !== 'https:') return 'must start with https://';
  if (url.username || url.password) return 'must not contain a user name or password';
  if (allowedHosts && !allowedHosts.includes(url.hostname.toLowerCase())) {
    return `must point to ${allowedHosts.join(' or ')}`;
  }
  return null;
}
