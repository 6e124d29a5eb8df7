import { excerpt, isSuccess, postJson } from './http.js';
import { messageText } from './text.js';
import { ChannelSendError, type ChannelMessage, type NotificationChannelAdapter } from './types.js';

/** 企业微信 group robots accept text messages of up to 2,048 bytes; 600 characters stays below. */
const WEBHOOK_MAX_CHARACTERS = 600;

export interface WebhookOptions {
  timeoutMs: number;
  /** The operator's robot, used for users who gave no webhook of their own. */
  defaultUrl: string | null;
  /** Hosts a user's own webhook may point to (null: any); checked again at send time. */
  allowedHosts: readonly string[] | null;
}

/**
 * A 企业微信-style group robot: POST {msgtype: 'text', text: {content}} to the user's webhook or
 * the configured default. A non-2xx status, or a JSON answer whose errcode is not 0, is a failure.
 */
export function createWebhookAdapter(options: WebhookOptions): NotificationChannelAdapter {
  return {
    channel: 'webhook',
    async send(message: ChannelMessage) {
      const url = message.address ?? options.defaultUrl;
      if (!url) throw new ChannelSendError('the user has no webhook and no default is configured', true);
      if (message.address && options.allowedHosts) {
        if (!options.allowedHosts.includes(hostOf(message.address))) {
          throw new ChannelSendError('the user’s webhook points to a host that is not allowed', true);
        }
      }
      const answer = await postJson(
        'webhook',
        url,
        { msgtype: 'text', text: { content: messageText(message, WEBHOOK_MAX_CHARACTERS) } },
        { timeoutMs: options.timeoutMs },
      );
      if (!isSuccess(answer.status)) {
        throw new ChannelSendError(`webhook answered HTTP ${answer.status}: ${excerpt(answer.text)}`);
      }
      const errcode = robotErrorCode(answer.text);
      if (errcode !== null && errcode !== 0) {
        throw new ChannelSendError(`webhook answered errcode ${errcode}: ${excerpt(answer.text)}`);
      }
    },
  };
}

/** The robot's `errcode`, or null when the answer is not a JSON object carrying one. */
function robotErrorCode(text: string): number | null {
  try {
    const parsed: unknown = JSON.parse(text);
    if (typeof parsed === 'object' && parsed !== null && 'errcode' in parsed) {
      const code = Number((parsed as { errcode: unknown }).errcode);
      return Number.isFinite(code) ? code : -1;
    }
  } catch {
    // A plain-text answer with a 2xx status: a generic webhook that accepted the message.
  }
  return null;
}

/** The lower-case host of a URL, or '' when it is not one. */
function hostOf(url: string): string {
  try {
    return new URL(url).hostname.toLowerCase();
  } catch {
    return '';
  }
}
