import { recordAudit } from '../audit/repository.js';
import type { Actor, Db } from '../auth/context.js';
import { AppError, forbidden, invalid, notFound } from '../core/errors.js';
import type { NotificationChannel } from '../db/schema.js';
import type { FieldCipher } from '../privacy/field-crypto.js';
import { normalisePhone } from '../register/protect.js';
import { maskedAddress } from './channels/logging.js';
import { webhookUrlProblem } from './config.js';
import * as repo from './repository.js';
import {
  CHANNELS,
  type ChannelPreferenceView,
  type InboxPage,
  type InboxQuery,
  type PreferencesBody,
  type PreferencesView,
} from './schema.js';

/** Notifications belong to one person: only a signed-in user has an inbox. */
export function inboxOwner(actor: Actor): number {
  if (actor.viewer.kind !== 'user') throw forbidden('Only a signed-in user has notifications');
  return actor.viewer.userId;
}

export async function listInbox(db: Db, actor: Actor, query: InboxQuery): Promise<InboxPage> {
  const userId = inboxOwner(actor);
  const limit = query.limit ?? 30;
  const rows = await repo.inboxPage(db, userId, {
    before: query.before ?? null,
    limit,
    unreadOnly: query.unread === true,
  });
  const deliveries = await repo.deliveryStates(
    db,
    rows.map((r) => r.id),
  );
  return {
    items: rows.map((row) => ({
      ...repo.presentNotification(row),
      deliveries: deliveries.get(row.id) ?? [],
    })),
    nextBefore: rows.length === limit ? rows[rows.length - 1]!.id : null,
  };
}

export async function unreadCount(db: Db, actor: Actor): Promise<{ count: number }> {
  return { count: await repo.unreadCount(db, inboxOwner(actor)) };
}

export async function markRead(db: Db, actor: Actor, id: number): Promise<{ id: number; readAt: string }> {
  const row = await repo.markRead(db, inboxOwner(actor), id, actor.now());
  // Someone else's notification is as unknown as a missing one.
  if (!row) throw notFound('NOTIFICATION_NOT_FOUND', `Notification ${id} was not found`);
  return { id: row.id, readAt: row.read_at.toISOString() };
}

export async function markAllRead(db: Db, actor: Actor, upToId: number | null): Promise<{ updated: number }> {
  return { updated: await repo.markAllRead(db, inboxOwner(actor), upToId, actor.now()) };
}

export interface PreferenceContext {
  cipher: FieldCipher;
  /** Which channels really send (a gateway is configured); the others only log. */
  live: Record<NotificationChannel, boolean>;
  /** Hosts a user's webhook may point to (null: any https host). */
  webhookHosts: readonly string[] | null;
  /** A default group robot exists, so the webhook channel works without an address of one's own. */
  defaultWebhook: boolean;
}

export async function preferences(
  db: Db,
  actor: Actor,
  context: PreferenceContext,
): Promise<PreferencesView> {
  const rows = await repo.preferencesOf(db, inboxOwner(actor));
  const byChannel = new Map(rows.map((r) => [r.channel, r]));
  return {
    channels: CHANNELS.map((channel): ChannelPreferenceView => {
      const row = byChannel.get(channel);
      return {
        channel,
        enabled: row?.enabled ?? false,
        urgentOnly: row?.urgent_only ?? false,
        address: row?.address_masked ?? null,
        live: context.live[channel],
      };
    }),
  };
}

const MOBILE = /^1\d{10}$/;

/** The normalised address, or a 400 naming the field. */
function checkAddress(channel: NotificationChannel, raw: string, field: string, context: PreferenceContext) {
  if (channel === 'webhook') {
    const problem = webhookUrlProblem(raw.trim(), context.webhookHosts);
    if (problem)
      throw invalid('NOTIFICATION_ADDRESS_INVALID', `${field} ${problem}`, [
        { field, code: 'webhookUrl', message: problem },
      ]);
    return raw.trim();
  }
  // Mobiles are often written in groups (138-1234-5678); landlines keep their hyphen for the area code.
  const grouped = normalisePhone(raw.replace(/[-—]/g, ''));
  const phone = grouped.ok && MOBILE.test(grouped.value) ? grouped : normalisePhone(raw);
  // Text messages reach mobiles only; a call may also go to a landline (a duty office's phone).
  if (!phone.ok || (channel === 'sms' && !MOBILE.test(phone.value))) {
    const message =
      channel === 'sms'
        ? 'must be an 11-digit mainland mobile number (1xxxxxxxxxx)'
        : phone.ok
          ? 'is not a phone number'
          : phone.message;
    // An SMS address refused for being a landline must not be told that a landline is fine.
    const code = channel === 'sms' ? 'mobile' : 'phone';
    throw invalid('NOTIFICATION_ADDRESS_INVALID', `${field} ${message}`, [{ field, code, message }]);
  }
  return phone.value;
}

/**
 * Saves the user's channel settings. Addresses are validated (mainland mobile for SMS, mobile or
 * landline for calls, an https robot on an allowed host for webhooks), stored encrypted with a
 * masked copy for display, and audited without the values themselves.
 */
export async function updatePreferences(
  db: Db,
  actor: Actor,
  body: PreferencesBody,
  context: PreferenceContext,
): Promise<PreferencesView> {
  const userId = inboxOwner(actor);
  const seen = new Set<NotificationChannel>();
  body.channels.forEach((entry, index) => {
    if (seen.has(entry.channel)) {
      throw invalid('VALIDATION_FAILED', `body.channels.${index}.channel ${entry.channel} is listed twice`, [
        { field: `body.channels.${index}.channel`, code: 'uniqueItems', message: 'is listed twice' },
      ]);
    }
    seen.add(entry.channel);
  });
  const stored = new Map((await repo.preferencesOf(db, userId)).map((r) => [r.channel, r]));
  const writes: repo.PreferenceWrite[] = body.channels.map((entry, index) => {
    const field = `body.channels.${index}.address`;
    const before = stored.get(entry.channel);
    let addressSecret = before?.address_secret ?? null;
    let addressMasked = before?.address_masked ?? null;
    if (entry.address === null) {
      addressSecret = null;
      addressMasked = null;
    } else if (entry.address !== undefined) {
      const address = checkAddress(entry.channel, entry.address, field, context);
      addressSecret = context.cipher.encrypt(address);
      addressMasked = maskedAddress(entry.channel, address);
    }
    const canGoWithout = entry.channel === 'webhook' && context.defaultWebhook;
    if (entry.enabled && !addressSecret && !canGoWithout) {
      const message =
        entry.channel === 'webhook'
          ? 'is required to turn on the webhook'
          : 'is required to turn on this channel';
      throw new AppError('NOTIFICATION_ADDRESS_REQUIRED', 400, `${field} ${message}`, [
        { field, code: 'required', message },
      ]);
    }
    return {
      channel: entry.channel,
      enabled: entry.enabled,
      urgentOnly: entry.urgentOnly ?? false,
      addressSecret,
      addressMasked,
    };
  });
  await repo.upsertPreferences(db, userId, writes, actor.now());
  await recordAudit(db, actor, {
    action: 'notification.preferences.update',
    entityType: 'user',
    entityId: userId,
    after: writes.map((w) => ({
      channel: w.channel,
      enabled: w.enabled,
      urgentOnly: w.urgentOnly,
      address: w.addressMasked,
    })),
  });
  return preferences(db, actor, context);
}
