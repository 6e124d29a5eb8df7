import type { NotificationChannelConfig } from '../config.js';
import { createLoggingAdapter } from './logging.js';
import { createSmsGatewayAdapter } from './sms.js';
import type { ChannelAdapters, ChannelLog } from './types.js';
import { createVoiceCallAdapter } from './voice.js';
import { createWebhookAdapter } from './webhook.js';

export { createLoggingAdapter } from './logging.js';
export { createSmsGatewayAdapter } from './sms.js';
export { createVoiceCallAdapter } from './voice.js';
export { createWebhookAdapter } from './webhook.js';
export * from './types.js';

/** One adapter per channel: the configured gateway, or the logging adapter where none is. */
export function createChannelAdapters(config: NotificationChannelConfig, log: ChannelLog): ChannelAdapters {
  const { timeoutMs } = config;
  return Object.freeze({
    sms: config.sms ? createSmsGatewayAdapter(config.sms, { timeoutMs }) : createLoggingAdapter('sms', log),
    voice: config.voice
      ? createVoiceCallAdapter(config.voice, { timeoutMs })
      : createLoggingAdapter('voice', log),
    webhook: config.webhook.enabled
      ? createWebhookAdapter({
          timeoutMs,
          defaultUrl: config.webhook.defaultUrl,
          allowedHosts: config.webhook.allowedHosts,
        })
      : createLoggingAdapter('webhook', log),
  });
}

/** Which channels really leave the server (the preferences page says so). */
export function liveChannels(
  config: NotificationChannelConfig,
): Record<'sms' | 'webhook' | 'voice', boolean> {
  return { sms: config.sms !== null, voice: config.voice !== null, webhook: config.webhook.enabled };
}
