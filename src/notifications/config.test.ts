import { describe, expect, it } from 'vitest';
import { createChannelAdapters, liveChannels } from './channels/index.js';
import { loadNotificationConfig, webhookUrlProblem } from './config.js';

describe('notification channel configuration', () => {
  it('logs every channel when nothing is configured', () => {
    const config = loadNotificationConfig({});
    expect(config).toMatchObject({ timeoutMs: 5000, sms: null, voice: null });
    expect(config.webhook).toEqual({
      enabled: false,
      defaultUrl: null,
      allowedHosts: ['qyapi.weixin.qq.com'],
    });
    expect(liveChannels(config)).toEqual({ sms: false, voice: false, webhook: false });
    expect(Object.isFrozen(config)).toBe(true);
  });

  it('reads gateways, the default robot and the allowed hosts', () => {
    const config = loadNotificationConfig({
      GRIDGUARD_SMS_URL: 'http://10.1.2.3/sms/send',
      GRIDGUARD_SMS_KEY: 'k1',
      GRIDGUARD_VOICE_URL: 'https://voice.example.cn/call',
      GRIDGUARD_VOICE_KEY: 'k2',
      GRIDGUARD_WEBHOOK_URL: 'https://qyapi.weixin.qq.com/cgi-bin/webhook/send?key=abc',
      GRIDGUARD_WEBHOOK_HOSTS: 'qyapi.weixin.qq.com, oapi.dingtalk.com',
      GRIDGUARD_NOTIFY_TIMEOUT_MS: '8000',
    });
    expect(config.sms).toEqual({ url: 'http://10.1.2.3/sms/send', key: 'k1' });
    expect(config.voice).toEqual({ url: 'https://voice.example.cn/call', key: 'k2' });
    expect(config.webhook).toMatchObject({
      enabled: true,
      allowedHosts: ['qyapi.weixin.qq.com', 'oapi.dingtalk.com'],
    });
    expect(config.timeoutMs).toBe(8000);
    expect(loadNotificationConfig({ GRIDGUARD_WEBHOOK_HOSTS: '*' }).webhook.allowedHosts).toBeNull();
    const adapters = createChannelAdapters(config, () => undefined);
    expect(Object.keys(adapters).sort()).toEqual(['sms', 'voice', 'webhook']);
  });

  it('stops with a message naming the variable', () => {
    const fails = (env: Record<string, string>) => () => loadNotificationConfig(env);
    expect(fails({ GRIDGUARD_SMS_URL: 'http://gw/sms' })).toThrow(
      'GRIDGUARD_SMS_KEY: is required when GRIDGUARD_SMS_URL is set',
    );
    expect(fails({ GRIDGUARD_VOICE_KEY: 'k' })).toThrow('GRIDGUARD_VOICE_URL: is required');
    expect(fails({ GRIDGUARD_SMS_URL: 'ftp://gw/sms', GRIDGUARD_SMS_KEY: 'k' })).toThrow(
      'GRIDGUARD_SMS_URL: must start with http:// or https://',
    );
    expect(fails({ GRIDGUARD_WEBHOOK_URL: 'http://qyapi.weixin.qq.com/x' })).toThrow(
      'GRIDGUARD_WEBHOOK_URL: must start with https://',
    );
    expect(fails({ GRIDGUARD_WEBHOOK_ENABLED: 'maybe' })).toThrow(
      'GRIDGUARD_WEBHOOK_ENABLED: expected true or false',
    );
    expect(fails({ GRIDGUARD_WEBHOOK_HOSTS: 'qyapi.weixin.qq.com,https://x' })).toThrow(
      'GRIDGUARD_WEBHOOK_HOSTS:',
    );
    expect(fails({ GRIDGUARD_NOTIFY_TIMEOUT_MS: '5s' })).toThrow(
      'GRIDGUARD_NOTIFY_TIMEOUT_MS: expected a whole number',
    );
    expect(fails({ GRIDGUARD_NOTIFY_TIMEOUT_MS: '10' })).toThrow(
      'GRIDGUARD_NOTIFY_TIMEOUT_MS: must be between',
    );
  });

  it('accepts only https robots on allowed hosts', () => {
    const hosts = ['qyapi.weixin.qq.com'];
    expect(webhookUrlProblem('https://qyapi.weixin.qq.com/cgi-bin/webhook/send?key=1', hosts)).toBeNull();
    expect(webhookUrlProblem('https://QYAPI.weixin.qq.com/x', hosts)).toBeNull();
    expect(webhookUrlProblem('https://evil.example/x', hosts)).toBe('must point to qyapi.weixin.qq.com');
    expect(webhookUrlProblem('https://user:pw@qyapi.weixin.qq.com/x', hosts)).toMatch(/user name/);
    expect(webhookUrlProblem('not a url', hosts)).toMatch(/^must be a URL/);
    expect(webhookUrlProblem('https://any.example/x', null)).toBeNull();
  });
});
