import type { NotificationChannel } from '../../db/schema.js';

/** What one channel delivery sends: the notification, and the user's address on that channel. */
export interface ChannelMessage {
  deliveryId: number;
  notificationId: number;
  channel: NotificationChannel;
  /** 1 for the first try. */
  attempt: number;
  userId: number;
  kind: string;
  priority: 'normal' | 'urgent';
  title: string;
  body: string | null;
  link: string | null;
  /** The decrypted phone number or webhook URL; null when the user gave none. */
  address: string | null;
}

/** One way out of the server. `send` resolves once the provider accepted the message, else throws. */
export interface NotificationChannelAdapter {
  readonly channel: NotificationChannel;
  send(message: ChannelMessage): Promise<void>;
}

export type ChannelAdapters = Readonly<Record<NotificationChannel, NotificationChannelAdapter>>;

/**
 * A failed send. `permanent` ones (no address, an address the server may not use) are not retried.
 * Messages never contain a phone number, a webhook URL or a key: they are stored and logged.
 */
export class ChannelSendError extends Error {
  constructor(
    message: string,
    readonly permanent = false,
  ) {
    super(message);
    this.name = 'ChannelSendError';
  }
}

/** A structured log line (pino's `log.info` bound to its logger fits). */
export type ChannelLog = (fields: Record<string, unknown>, message: string) => void;
