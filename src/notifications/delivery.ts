import type { Kysely } from 'kysely';
import type { Db } from '../auth/context.js';
import type { DB, NotificationChannel } from '../db/schema.js';
import type { FieldCipher } from '../privacy/field-crypto.js';
import { type ChannelAdapters, type ChannelMessage, ChannelSendError } from './channels/types.js';
import { claimDeliveryRows, deliveryMessageRows, settleDelivery } from './repository.js';

const MINUTE_MS = 60_000;
const HOUR_MS = 60 * MINUTE_MS;

/** Waits after the 1st, 2nd, … failed attempt: about a day in all before a delivery is given up. */
export const RETRY_DELAYS_MS: readonly number[] = Object.freeze([
  30_000,
  2 * MINUTE_MS,
  10 * MINUTE_MS,
  HOUR_MS,
  3 * HOUR_MS,
  6 * HOUR_MS,
  12 * HOUR_MS,
]);
export const MAX_ATTEMPTS = RETRY_DELAYS_MS.length + 1;

export interface DeliveryOptions {
  /** Decrypts the users' phone numbers and webhooks. */
  cipher: FieldCipher;
  /** Deliveries claimed per run (default 50). */
  batch?: number;
  /**
   * How long a claim holds (default 2 min, well above the send timeout): if this process dies
   * mid-send, another picks the delivery up once the lease has run out.
   */
  leaseMs?: number;
  /** Sends in flight at once (default 8). */
  concurrency?: number;
  maxAttempts?: number;
  retryDelaysMs?: readonly number[];
}

export interface DeliveryRun {
  claimed: number;
  sent: number;
  /** Failed this time, to be tried again later. */
  retrying: number;
  /** Given up: the notification stays in the inbox, the delivery shows as failed. */
  failed: number;
}

interface ClaimedDelivery {
  id: number;
  notificationId: number;
  channel: NotificationChannel;
  attempts: number;
}

/** The wait after `attempts` failed attempts (the last delay repeats if the list is shorter). */
export function retryDelay(attempts: number, delays: readonly number[] = RETRY_DELAYS_MS): number {
  return delays[Math.min(attempts, delays.length) - 1] ?? delays[delays.length - 1] ?? 60_000;
}

/**
 * Claims due pending deliveries with one statement: the rows are locked `for update skip locked`
 * (two workers never take the same row) and leased until `now + leaseMs`.
 */
export async function claimDueDeliveries(
  db: Db,
  now: Date,
  lease: Date,
  batch: number,
): Promise<ClaimedDelivery[]> {
  const rows = await claimDeliveryRows(db, now, lease, batch);
  return rows.map((r) => ({
    id: r.id,
    notificationId: r.notification_id,
    channel: r.channel,
    attempts: r.attempts,
  }));
}

type Outcome =
  | { kind: 'sent' }
  | { kind: 'failed'; error: string; permanent: boolean }
  | { kind: 'skipped'; error: string };

/**
 * One run of the delivery worker: claim what is due, send each through its channel's adapter,
 * then mark it sent, or count the failure and schedule the next try with a growing delay until
 * `maxAttempts`, after which it is `failed` with the last error. The inbox row is never touched.
 */
export async function deliverDueNotifications(
  db: Kysely<DB>,
  adapters: ChannelAdapters,
  now: Date,
  options: DeliveryOptions,
): Promise<DeliveryRun> {
  const batch = options.batch ?? 50;
  const lease = new Date(now.getTime() + (options.leaseMs ?? 2 * MINUTE_MS));
  const maxAttempts = options.maxAttempts ?? MAX_ATTEMPTS;
  const delays = options.retryDelaysMs ?? RETRY_DELAYS_MS;
  const run: DeliveryRun = { claimed: 0, sent: 0, retrying: 0, failed: 0 };

  const claimed = await claimDueDeliveries(db, now, lease, batch);
  run.claimed = claimed.length;
  if (claimed.length === 0) return run;
  const messages = await messagesFor(db, claimed);

  await forEachLimited(claimed, options.concurrency ?? 8, async (delivery) => {
    const outcome = await attempt(delivery, messages.get(delivery.id), adapters, options.cipher);
    const attempts = delivery.attempts + 1;
    switch (outcome.kind) {
      case 'sent':
        run.sent += 1;
        await settleDelivery(db, delivery.id, lease, {
          status: 'sent',
          attempts,
          sent_at: now,
          locked_until: null,
          last_error: null,
        });
        return;
      case 'skipped':
        run.failed += 1;
        await settleDelivery(db, delivery.id, lease, {
          status: 'failed',
          locked_until: null,
          last_error: outcome.error,
        });
        return;
      case 'failed': {
        const giveUp = outcome.permanent || attempts >= maxAttempts;
        if (giveUp) run.failed += 1;
        else run.retrying += 1;
        await settleDelivery(db, delivery.id, lease, {
          status: giveUp ? 'failed' : 'pending',
          attempts,
          locked_until: null,
          last_error: outcome.error,
          next_attempt_at: giveUp ? now : new Date(now.getTime() + retryDelay(attempts, delays)),
        });
        return;
      }
      default: {
        const unreachable: never = outcome;
        throw new Error(`unknown outcome ${JSON.stringify(unreachable)}`);
      }
    }
  });
  return run;
}

interface PendingMessage {
  message: Omit<ChannelMessage, 'address'>;
  enabled: boolean;
  addressSecret: string | null;
}

/** The notification and the user's current setting for each claimed delivery's channel. */
async function messagesFor(db: Db, claimed: ClaimedDelivery[]): Promise<Map<number, PendingMessage>> {
  const rows = await deliveryMessageRows(
    db,
    claimed.map((c) => c.id),
  );
  return new Map(
    rows.map((row) => [
      row.delivery_id,
      {
        message: {
          deliveryId: row.delivery_id,
          notificationId: row.notification_id,
          channel: row.channel,
          attempt: row.attempts + 1,
          userId: row.user_id,
          kind: row.kind,
          priority: row.priority,
          title: row.title,
          body: row.body,
          link: row.link,
        },
        enabled: row.enabled === true,
        addressSecret: row.address_secret,
      },
    ]),
  );
}

async function attempt(
  delivery: ClaimedDelivery,
  pending: PendingMessage | undefined,
  adapters: ChannelAdapters,
  cipher: FieldCipher,
): Promise<Outcome> {
  if (!pending) return { kind: 'skipped', error: 'the notification no longer exists' };
  // The user turned the channel off after the notification was queued: respect that now.
  if (!pending.enabled) return { kind: 'skipped', error: 'channel turned off by the user before delivery' };
  let address: string | null = null;
  if (pending.addressSecret) {
    try {
      address = cipher.decrypt(pending.addressSecret);
    } catch {
      return { kind: 'failed', error: 'the stored address cannot be decrypted', permanent: true };
    }
  }
  try {
    await adapters[delivery.channel].send({ ...pending.message, address });
    return { kind: 'sent' };
  } catch (error) {
    if (error instanceof ChannelSendError) {
      return { kind: 'failed', error: error.message.slice(0, 500), permanent: error.permanent };
    }
    // Adapters other than ours might put anything in a message: keep a short, single line.
    const text = error instanceof Error ? `${error.name}: ${error.message}` : String(error);
    return { kind: 'failed', error: text.replace(/\s+/g, ' ').slice(0, 200), permanent: false };
  }
}

/** Runs `work` over `items` with at most `limit` in flight. */
async function forEachLimited<T>(items: readonly T[], limit: number, work: (item: T) => Promise<void>) {
  let next = 0;
  const lanes = Array.from({ length: Math.min(limit, items.length) }, async () => {
    while (next < items.length) {
      const item = items[next++]!;
      await work(item);
    }
  });
  await Promise.all(lanes);
}
