import fp from 'fastify-plugin';
import { announcementSourceFor, createNotificationBus, type NotificationBus } from './bus.js';
import { liveChannels } from './channels/index.js';
import { loadNotificationConfig, type NotificationChannelConfig } from './config.js';
import { OUTBOX } from './notify.js';
import { notificationRoutes } from './routes.js';

declare module 'fastify' {
  interface FastifyInstance {
    /** This process's view of committed notifications: `subscribe(userId, listener)` → unsubscribe. */
    notifications: NotificationBus;
    /** How a statement of another module writes notifications into the outbox (`OUTBOX`). */
    notificationOutbox: typeof OUTBOX;
  }
}

export interface NotificationsPluginOptions {
  /** The channel settings read at boot (default: from the environment, read once here). */
  channels?: NotificationChannelConfig;
  heartbeatMs?: number;
  backlogLimit?: number;
}

/**
 * Notifications for the whole app: the bus (`app.notifications`, one listener per process,
 * closed with the app) and the inbox, stream and preference routes.
 */
export const notificationsPlugin = fp<NotificationsPluginOptions>(
  async (app, options) => {
    const channels = options.channels ?? loadNotificationConfig(process.env);
    const bus = createNotificationBus({
      db: app.db,
      source: announcementSourceFor(app.database, app.log),
      log: app.log,
    });
    app.decorate('notifications', bus);
    app.decorate('notificationOutbox', OUTBOX);
    app.addHook('onClose', () => bus.close());
    await app.register(notificationRoutes, {
      heartbeatMs: options.heartbeatMs,
      backlogLimit: options.backlogLimit,
      preferences: {
        live: liveChannels(channels),
        webhookHosts: channels.webhook.allowedHosts,
        defaultWebhook: channels.webhook.defaultUrl !== null,
      },
    });
  },
  { name: 'gridguard-notifications' },
);
