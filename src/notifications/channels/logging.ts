import type { NotificationChannel } from '../../db/schema.js';
import { presentTyped } from '../../privacy/present.js';
import type { ChannelLog, ChannelMessage, NotificationChannelAdapter } from './types.js';

/** Where a message would have gone, shown so an operator can recognise it but not use it. */
export function maskedAddress(channel: NotificationChannel, address: string | null): string | null {
  if (!address) return null;
  if (channel !== 'webhook') return presentTyped('phone', address);
  try {
    return `${new URL(address).origin}/…`;
  } catch {
    return '…';
  }
}

/**
 * The default for every channel: one structured log line per message and nothing sent. A fresh
 * installation therefore reaches nobody's phone until an operator configures a gateway.
 */
export function createLoggingAdapter(
  channel: NotificationChannel,
  log: ChannelLog,
): NotificationChannelAdapter {
  return {
    channel,
    send(message: ChannelMessage) {
      log(
        {
          channel,
          deliveryId: message.deliveryId,
          notificationId: message.notificationId,
          userId: message.userId,
          kind: message.kind,
          priority: message.priority,
          to: maskedAddress(channel, message.address),
          attempt: message.attempt,
        },
        `notification ${message.notificationId} for user ${message.userId} via ${channel} (logged only: no ${channel} gateway configured)`,
      );
      return Promise.resolve();
    },
  };
}
