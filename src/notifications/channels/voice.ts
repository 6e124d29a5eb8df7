import type { GatewayConfig } from '../config.js';
import { excerpt, isSuccess, postJson } from './http.js';
import { messageText } from './text.js';
import { ChannelSendError, type ChannelMessage, type NotificationChannelAdapter } from './types.js';

/** A call reads the text aloud: keep it to what a listener can take in (about 30 s of speech). */
const VOICE_MAX_CHARACTERS = 120;

/**
 * A voice-call provider reached by HTTP: POST {to, tts, reference} with a bearer key; the
 * provider dials and reads `tts` by text-to-speech. Any 2xx means the call was accepted.
 */
export function createVoiceCallAdapter(
  gateway: GatewayConfig,
  options: { timeoutMs: number },
): NotificationChannelAdapter {
  return {
    channel: 'voice',
    async send(message: ChannelMessage) {
      if (!message.address) throw new ChannelSendError('the user has no phone number for calls', true);
      const reference = `gridguard-delivery-${message.deliveryId}`;
      const answer = await postJson(
        'voice provider',
        gateway.url,
        { to: message.address, tts: messageText(message, VOICE_MAX_CHARACTERS), reference },
        {
          timeoutMs: options.timeoutMs,
          headers: { authorization: `Bearer ${gateway.key}`, 'idempotency-key': reference },
        },
      );
      if (!isSuccess(answer.status)) {
        throw new ChannelSendError(`voice provider answered HTTP ${answer.status}: ${excerpt(answer.text)}`);
      }
    },
  };
}
