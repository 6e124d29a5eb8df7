import { Empty } from 'antd';
import { type RefObject, useEffect, useRef } from 'react';
import type { useLiveFeed } from '../../api/hooks';
import { useI18n } from '../../i18n/context';
import { feedEventText } from '../../i18n/labels';

/** One item of the live feed, as the dashboard's stream delivers it (api/client.ts listens). */
type FeedEvent = ReturnType<typeof useLiveFeed>['events'][number];

const TYPE_CLASS: Record<FeedEvent['type'], string> = {
  key_person: 'feed-warn',
  lead_verified: 'feed-ok',
  lead_escalated: 'feed-alert',
  arrival_confirmed: 'feed-info',
  feed_done: 'feed-info',
  round_created: 'feed-info',
  event_new: 'feed-warn',
  event_escalated: 'feed-alert',
  event_closed: 'feed-ok',
};

/** The ticker moves one pixel a step (20 px a second) and rests this long at either end. */
const TICKER_STEP_MS = 50;
const TICKER_REST_MS = 4000;

/**
 * Scrolls an overflowing list slowly to its end and back to the top, so a wall screen nobody
 * touches shows every item; a pointer over the list holds it, and a new item brings it back to
 * the top where that item appears. Reduced motion: the list only scrolls by hand.
 */
function useTicker(list: RefObject<HTMLOListElement | null>, newestId: string | undefined) {
  const restUntil = useRef(0);
  useEffect(() => {
    const element = list.current;
    if (!element) return;
    element.scrollTop = 0;
    restUntil.current = Date.now() + TICKER_REST_MS;
  }, [list, newestId]);
  const listed = newestId !== undefined;
  useEffect(() => {
    const element = list.current;
    if (!listed || !element || window.matchMedia('(prefers-reduced-motion: reduce)').matches) return;
    let held = false;
    let atEnd = false;
    const hold = () => (held = true);
    const release = () => (held = false);
    element.addEventListener('pointerenter', hold);
    element.addEventListener('pointerleave', release);
    const timer = setInterval(() => {
      if (held || Date.now() < restUntil.current || element.scrollHeight <= element.clientHeight) return;
      if (atEnd) {
        element.scrollTop = 0;
        atEnd = false;
        restUntil.current = Date.now() + TICKER_REST_MS;
      } else if (element.scrollTop + element.clientHeight >= element.scrollHeight - 1) {
        atEnd = true;
        restUntil.current = Date.now() + TICKER_REST_MS;
      } else element.scrollTop += 1;
    }, TICKER_STEP_MS);
    return () => {
      clearInterval(timer);
      element.removeEventListener('pointerenter', hold);
      element.removeEventListener('pointerleave', release);
    };
  }, [list, listed]);
}

interface LiveFeedProps {
  events: FeedEvent[];
  state: 'connecting' | 'open' | 'closed';
}

/** What just happened in the area, newest on top; more than the panel holds scroll by as a ticker. */
export function LiveFeed({ events, state }: LiveFeedProps) {
  const i18n = useI18n();
  const { t } = i18n;
  const list = useRef<HTMLOListElement>(null);
  useTicker(list, events[0]?.id);
  const time = new Intl.DateTimeFormat(i18n.locale, {
    month: '2-digit',
    day: '2-digit',
    hour: '2-digit',
    minute: '2-digit',
    hour12: false,
    timeZone: 'Asia/Shanghai',
  });
  return (
    <div className="bigscreen-feed">
      <div className={`bigscreen-live bigscreen-live-${state}`} data-testid="feed-state">
        <span className="bigscreen-live-dot" />
        {t(`dashboard.feed.${state}`)}
      </div>
      {events.length === 0 ? (
        <Empty image={Empty.PRESENTED_IMAGE_SIMPLE} description={t('dashboard.feed.empty')} />
      ) : (
        <ol className="bigscreen-feed-list" data-testid="live-feed" ref={list}>
          {events.map((event) => {
            const text = feedEventText(i18n, event);
            return (
              <li key={event.id} className={`bigscreen-feed-item ${TYPE_CLASS[event.type]}`}>
                <span className="bigscreen-feed-time">{time.format(new Date(event.at))}</span>
                {/* One line each, so the panel holds more of them; the whole text on hover. */}
                <span className="bigscreen-feed-text" title={text}>
                  {text}
                </span>
              </li>
            );
          })}
        </ol>
      )}
    </div>
  );
}
