// One EventSource on /api/notifications/stream for the whole app, shared by the bell, the inbox and the board.
import { useEffect, useRef, useState } from 'react';
import type { NotificationInboxItem } from '../../api/model';

/** A notification as the stream sends it: an inbox item without its delivery states. */
export type NotificationView = Omit<NotificationInboxItem, 'deliveries'>;

type Listener = (notification: NotificationView) => void;

const listeners = new Set<Listener>();
let source: EventSource | null = null;
let retry: ReturnType<typeof setTimeout> | undefined;
let delay = 5000;

function connect() {
  source = new EventSource('/api/notifications/stream');
  source.onopen = () => {
    delay = 5000;
  };
  source.onmessage = (message: MessageEvent<string>) => {
    let notification: NotificationView;
    try {
      notification = JSON.parse(message.data) as NotificationView;
    } catch {
      return; // Not one of ours.
    }
    for (const listener of listeners) listener(notification);
  };
  source.onerror = () => {
    // The browser resumes a dropped stream itself (with Last-Event-ID); a refused one is retried later.
    if (source?.readyState !== EventSource.CLOSED) return;
    source = null;
    retry = setTimeout(() => {
      if (listeners.size > 0) connect();
    }, delay);
    delay = Math.min(delay * 2, 60_000);
  };
}

/** Listens to the signed-in user's new notifications; returns the function that stops listening. */
export function listenToNotifications(listener: Listener): () => void {
  listeners.add(listener);
  if (!source && retry === undefined && typeof EventSource !== 'undefined') connect();
  return () => {
    listeners.delete(listener);
    if (listeners.size === 0) {
      clearTimeout(retry);
      retry = undefined;
      source?.close();
      source = null;
    }
  };
}

/** Calls `onNotification` for each new notification while the component is mounted. */
export function useNotificationListener(onNotification: Listener, enabled = true) {
  const latest = useRef(onNotification);
  latest.current = onNotification;
  useEffect(() => {
    if (!enabled) return;
    return listenToNotifications((notification) => latest.current(notification));
  }, [enabled]);
}

/** A counter bumped by every new notification about an event: pages reload on it. */
export function useEventNotificationVersion(enabled = true): number {
  const [version, setVersion] = useState(0);
  useNotificationListener((notification) => {
    if (notification.entity?.type === 'event' || notification.link?.startsWith('/events')) {
      setVersion((v) => v + 1);
    }
  }, enabled);
  return version;
}
