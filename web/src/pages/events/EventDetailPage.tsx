import { ArrowLeftOutlined, ReloadOutlined } from '@ant-design/icons';
import { App, Button, Card, Col, Descriptions, Rate, Row, Space, Typography } from 'antd';
import { useState } from 'react';
import { Link, useNavigate, useParams } from 'react-router-dom';
import { api, call } from '../../api/client';
import { useResource } from '../../api/hooks';
import type { EventDetail } from '../../api/model';
import { ErrorResult } from '../../components/ErrorResult';
import { ActionDialog } from '../../components/events/ActionDialogs';
import { EventMapCard, EventTimeline, PhotoStrip, useNow } from '../../components/events/EventParts';
import {
  assigneeText,
  categoryName,
  DeadlineText,
  eventActionLabel,
  EventStatusTag,
  eventSourceLabel,
  eventStepLabel,
  EventTierTag,
} from '../../components/events/labels';
import { useNotificationListener } from '../../components/events/notificationStream';
import { EVENT_ACTIONS, type EventAction, eventPhotoUrl } from '../../components/events/vocabulary';
import { useI18n } from '../../i18n/context';

/** The actions shown first, in the order a handler meets them; the rest follow. */
const PRIMARY: ReadonlySet<string> = new Set([
  'register',
  'dispatch',
  'accept',
  'report',
  'close',
  'evaluate',
]);

/** One event (/events/:id): where it stands, its history, photos, place, and what the caller may do now. */
export function EventDetailPage() {
  const i18n = useI18n();
  const { t } = i18n;
  const { message } = App.useApp();
  const navigate = useNavigate();
  const id = Number(useParams().id);
  const [version, setVersion] = useState(0);
  const loaded = useResource(
    (signal) => call(api.GET('/api/events/{id}', { params: { path: { id } }, signal })),
    [id, version],
  );
  const [fresh, setFresh] = useState<EventDetail | null>(null);
  const [acting, setActing] = useState<EventAction | null>(null);
  const now = useNow();
  // A newer answer from an action wins over the loaded one until the next load.
  const event = fresh && fresh.id === id && !loaded.loading ? fresh : loaded.data;
  useNotificationListener((notification) => {
    if (notification.link === `/events/${id}`) {
      setFresh(null);
      setVersion((v) => v + 1);
    }
  });

  if (!event) {
    if (loaded.error) return <ErrorResult error={loaded.error} onRetry={loaded.reload} />;
    return <Card loading />;
  }
  const actions = EVENT_ACTIONS.filter((action) => event.allowedActions.includes(action)).sort(
    (a, b) => Number(PRIMARY.has(b)) - Number(PRIMARY.has(a)),
  );
  const reportPhotos = event.photos.filter((photo) => photo.purpose === 'report').map((photo) => photo.id);
  const feedbackPhotos = event.photos
    .filter((photo) => photo.purpose === 'feedback')
    .map((photo) => photo.id);
  const photoUrl = (photoId: number) => eventPhotoUrl(event.id, photoId);

  return (
    <div className="page" data-testid="event-detail">
      <div className="page-title-row">
        <Space wrap>
          <Button
            type="text"
            icon={<ArrowLeftOutlined />}
            aria-label={t('events.detail.back')}
            onClick={() => void navigate('/events')}
          />
          <Typography.Title level={3} className="page-title" data-testid="event-title">
            {event.title}
          </Typography.Title>
        </Space>
        <Button
          icon={<ReloadOutlined />}
          onClick={() => {
            setFresh(null);
            setVersion((v) => v + 1);
          }}
        >
          {t('common.refresh')}
        </Button>
      </div>

      <Card size="small" style={{ marginBottom: 12 }}>
        <Space wrap size={[16, 8]} align="start">
          <span className="code-text" data-testid="event-code">
            {event.code}
          </span>
          <EventStatusTag status={event.status} i18n={i18n} />
          <EventTierTag tier={event.tier} i18n={i18n} />
          {event.step && (
            <Space size={4} align="start">
              <span className="muted">{eventStepLabel(i18n, event.step)}:</span>
              <DeadlineText deadline={event.stepDeadline} overdue={event.overdue} i18n={i18n} now={now} />
            </Space>
          )}
          <span>
            <span className="muted">{t('events.assignee')}: </span>
            <span data-testid="event-assignee">{assigneeText(i18n, event.assignee)}</span>
          </span>
        </Space>
        <div style={{ marginTop: 12 }} data-testid="event-actions">
          {actions.length === 0 ? (
            <span className="muted">{t('events.detail.noActions')}</span>
          ) : (
            <Space wrap>
              {actions.map((action) => (
                <Button
                  key={action}
                  type={PRIMARY.has(action) ? 'primary' : 'default'}
                  danger={action === 'reject'}
                  data-testid={`action-${action}`}
                  onClick={() => setActing(action)}
                >
                  {eventActionLabel(i18n, action)}
                </Button>
              ))}
            </Space>
          )}
        </div>
      </Card>

      <Row gutter={[12, 12]}>
        <Col xs={24} lg={14}>
          <Card size="small" title={t('events.detail.info')} style={{ marginBottom: 12 }}>
            <Descriptions size="small" column={{ xs: 1, sm: 2 }}>
              <Descriptions.Item label={t('events.category')}>
                {categoryName(i18n, event.category)}
              </Descriptions.Item>
              <Descriptions.Item label={t('events.source')}>
                {eventSourceLabel(i18n, event.source)}
              </Descriptions.Item>
              <Descriptions.Item label={t('events.area')}>
                {event.areaPath.map((area) => area.name).join(' / ')}
              </Descriptions.Item>
              <Descriptions.Item label={t('events.detail.tierArea')}>{event.tierArea.name}</Descriptions.Item>
              <Descriptions.Item label={t('events.createdAt')}>
                {i18n.formatDateTime(event.createdAt)}
              </Descriptions.Item>
              <Descriptions.Item label={t('events.detail.address')}>{event.address ?? '—'}</Descriptions.Item>
              {(event.reporterName || event.reporterPhone) && (
                <Descriptions.Item label={t('events.detail.reporter')}>
                  <span data-testid="event-reporter">
                    {[event.reporterName, event.reporterPhone].filter(Boolean).join(' · ')}
                  </span>
                </Descriptions.Item>
              )}
              {event.mediaUrl && (
                <Descriptions.Item label={t('events.detail.mediaUrl')}>
                  <a href={event.mediaUrl} target="_blank" rel="noopener noreferrer nofollow">
                    {event.mediaUrl}
                  </a>
                </Descriptions.Item>
              )}
              {event.answers.map((answer) => (
                <Descriptions.Item
                  key={answer.questionZh}
                  label={i18n.locale === 'en' ? answer.questionEn : answer.questionZh}
                >
                  {i18n.locale === 'en' ? answer.answerEn : answer.answerZh}
                </Descriptions.Item>
              ))}
              {event.camera && (
                <Descriptions.Item label={t('events.detail.camera')}>
                  {event.camera.name} ({event.camera.code})
                </Descriptions.Item>
              )}
              {event.suspendedReason && (
                <Descriptions.Item label={t('events.detail.suspendedReason')}>
                  {event.suspendedReason}
                </Descriptions.Item>
              )}
              {event.mergedInto && (
                <Descriptions.Item label={t('events.detail.mergedInto')}>
                  <Link to={`/events/${event.mergedInto.id}`}>{event.mergedInto.code}</Link>
                </Descriptions.Item>
              )}
              {event.rating !== null && (
                <Descriptions.Item label={t('events.detail.rating')}>
                  <Rate disabled value={event.rating} /> {event.ratingComment}
                </Descriptions.Item>
              )}
            </Descriptions>
            {event.description && (
              <>
                <Typography.Text strong>{t('events.detail.description')}</Typography.Text>
                <Typography.Paragraph style={{ whiteSpace: 'pre-wrap' }} data-testid="event-description">
                  {event.description}
                </Typography.Paragraph>
              </>
            )}
            {reportPhotos.length > 0 && (
              <>
                <div>
                  <Typography.Text strong>{t('events.detail.reportPhotos')}</Typography.Text>
                </div>
                <PhotoStrip photos={reportPhotos} photoUrl={photoUrl} />
              </>
            )}
            {feedbackPhotos.length > 0 && (
              <div style={{ marginTop: 8 }}>
                <div>
                  <Typography.Text strong>{t('events.detail.feedbackPhotos')}</Typography.Text>
                </div>
                <PhotoStrip photos={feedbackPhotos} photoUrl={photoUrl} />
              </div>
            )}
          </Card>
          <Card size="small" title={t('events.detail.timeline')}>
            <EventTimeline steps={event.steps} photos={event.photos} photoUrl={photoUrl} />
          </Card>
        </Col>
        <Col xs={24} lg={10}>
          <EventMapCard event={event} />
        </Col>
      </Row>

      {acting && (
        <ActionDialog
          event={event}
          action={acting}
          onCancel={() => setActing(null)}
          onDone={(updated) => {
            setActing(null);
            setFresh(updated);
            void message.success(t('events.detail.done', { action: eventActionLabel(i18n, acting) }));
          }}
        />
      )}
    </div>
  );
}
