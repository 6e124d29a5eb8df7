import type { GatewayConfig } from '../config.js';
import { excerpt, isSuccess, postJson } from './http.js';
import { messageText } from './text.js';
import { ChannelSendError, type ChannelMessage, type NotificationChannelAdapter } from './types.js';

/** Longer texts are split into several billed parts by carriers; 300 characters is a sane ceiling. */
const SMS_MAX_CHARACTERS = 300;

/**
 * An SMS gateway reached by HTTP: POST {to, text, priority, reference} with a bearer key.
 * `reference` (also the Idempotency-Key header) lets the gateway drop a retry of a message it
 * already accepted when our first try timed out. Any 2xx is success.
 */
export function createSmsGatewayAdapter(
  gateway: GatewayConfig,
  options: { timeoutMs: number },
): NotificationChannelAdapter {
  return {
    channel: 'sms',
    async send(message: ChannelMessage) {
      if (!message.address) throw new ChannelSendError('the user has no SMS number', true);
      const reference = `gridguard-delivery-${message.deliveryId}`;
      const answer = await postJson(
        'SMS gateway',
        gateway.url,
        {
          to: message.address,
          text: messageText(message, SMS_MAX_CHARACTERS),
          priority: message.priority,
          reference,
        },
        {
          timeoutMs: options.timeoutMs,
          headers: { authorization: `Bearer ${gateway.key}`, 'idempotency-key': reference },
        },
      );
      if (!isSuccess(answer.status)) {
        throw new ChannelSendError(`SMS gateway answered HTTP ${answer.status}: ${excerpt(answer.text)}`);
      }
    },
  };
}
