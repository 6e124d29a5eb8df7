import { CameraOutlined, CheckOutlined, EnvironmentOutlined, ReloadOutlined } from '@ant-design/icons';
import { App, Button, Card, Empty, Space, Spin, Typography } from 'antd';
import { useState } from 'react';
import { useNavigate } from 'react-router-dom';
import { api, call } from '../../api/client';
import { useResource } from '../../api/hooks';
import type { EventListItem } from '../../api/model';
import { ErrorResult } from '../../components/ErrorResult';
import { ActionDialog } from '../../components/events/ActionDialogs';
import { useNow } from '../../components/events/EventParts';
import {
  categoryName,
  DeadlineText,
  eventActionLabel,
  EventStatusTag,
  EventTierTag,
} from '../../components/events/labels';
import { useEventNotificationVersion } from '../../components/events/notificationStream';
import type { EventAction } from '../../components/events/vocabulary';
import { useI18n } from '../../i18n/context';

/** The worker's phone view (/my-events): open events assigned to me, most urgent first. */
export function MyEventsPage() {
  const i18n = useI18n();
  const { t } = i18n;
  const { message } = App.useApp();
  const navigate = useNavigate();
  const [version, setVersion] = useState(0);
  const live = useEventNotificationVersion();
  const mine = useResource((signal) => call(api.GET('/api/events/mine', { signal })), [version + live]);
  const [acting, setActing] = useState<{ event: EventListItem; action: EventAction } | null>(null);
  const now = useNow();

  return (
    <div className="page narrow-list-page" data-testid="my-events">
      <div className="page-title-row">
        <Typography.Title level={3} className="page-title">
          {t('events.mine.title')}
        </Typography.Title>
        <Button size="large" icon={<ReloadOutlined />} onClick={() => setVersion((v) => v + 1)}>
          {t('common.refresh')}
        </Button>
      </div>
      {mine.error ? (
        <ErrorResult error={mine.error} onRetry={mine.reload} />
      ) : !mine.data ? (
        <Spin className="page-spin" />
      ) : mine.data.items.length === 0 ? (
        <Empty description={t('events.mine.empty')} />
      ) : (
        <Space direction="vertical" size={12} style={{ width: '100%' }}>
          {mine.data.items.map((event) => (
            <Card
              key={event.id}
              size="small"
              data-testid="my-event"
              data-code={event.code}
              style={event.overdue ? { borderColor: '#ff4d4f' } : undefined}
            >
              <Space size={4} wrap>
                <EventStatusTag status={event.status} i18n={i18n} />
                <EventTierTag tier={event.tier} i18n={i18n} />
                <span className="muted code-text">{event.code}</span>
              </Space>
              <Typography.Title
                level={5}
                style={{ margin: '6px 0' }}
                onClick={() => void navigate(`/events/${event.id}`)}
              >
                {event.title}
              </Typography.Title>
              <div className="muted">
                {categoryName(i18n, event.category)} · <EnvironmentOutlined /> {event.area.name}
              </div>
              <div style={{ margin: '6px 0 10px' }}>
                <DeadlineText deadline={event.stepDeadline} overdue={event.overdue} i18n={i18n} now={now} />
              </div>
              <div style={{ display: 'flex', gap: 8 }}>
                {(event.status === 'dispatched' || event.status === 'registered') && (
                  <Button
                    type="primary"
                    size="large"
                    icon={<CheckOutlined />}
                    style={{ flex: 1, height: 48 }}
                    data-testid="my-event-accept"
                    onClick={() => setActing({ event, action: 'accept' })}
                  >
                    {t('events.mine.accept')}
                  </Button>
                )}
                {event.status === 'handling' && (
                  <Button
                    type="primary"
                    size="large"
                    icon={<CameraOutlined />}
                    style={{ flex: 1, height: 48 }}
                    data-testid="my-event-report"
                    onClick={() => setActing({ event, action: 'report' })}
                  >
                    {t('events.mine.report')}
                  </Button>
                )}
                <Button
                  size="large"
                  style={{ flex: 1, height: 48 }}
                  onClick={() => void navigate(`/events/${event.id}`)}
                >
                  {t('events.mine.detail')}
                </Button>
              </div>
            </Card>
          ))}
        </Space>
      )}
      {acting && (
        <ActionDialog
          event={acting.event}
          action={acting.action}
          onCancel={() => setActing(null)}
          onDone={() => {
            void message.success(t('events.detail.done', { action: eventActionLabel(i18n, acting.action) }));
            setActing(null);
            setVersion((v) => v + 1);
          }}
        />
      )}
    </div>
  );
}
