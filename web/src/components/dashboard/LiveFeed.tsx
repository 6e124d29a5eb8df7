import { Empty } from 'antd';
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

interface LiveFeedProps {
  events: FeedEvent[];
  state: 'connecting' | 'open' | 'closed';
}

/** What just happened in the area, newest on top. */
export function LiveFeed({ events, state }: LiveFeedProps) {
  const i18n = useI18n();
  const { t } = i18n;
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
        <ol className="bigscreen-feed-list" data-testid="live-feed">
          {events.map((event) => (
            <li key={event.id} className={`bigscreen-feed-item ${TYPE_CLASS[event.type]}`}>
              <span className="bigscreen-feed-time">{time.format(new Date(event.at))}</span>
              <span className="bigscreen-feed-text">{feedEventText(i18n, event)}</span>
            </li>
          ))}
        </ol>
      )}
    </div>
  );
}
