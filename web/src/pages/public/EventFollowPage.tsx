import { FileSearchOutlined } from '@ant-design/icons';
import { Alert, Button, Card, Form, Input, Rate, Space, Timeline, Typography } from 'antd';
import { useState } from 'react';
import { useParams } from 'react-router-dom';
import { api, call } from '../../api/client';
import { useResource } from '../../api/hooks';
import type { PublicEventView } from '../../api/model';
import { PhotoStrip } from '../../components/events/EventParts';
import {
  eventActionLabel,
  eventErrorText,
  EventStatusTag,
  eventStatusLabel,
  localName,
} from '../../components/events/labels';
import { PublicLayout, PublicLoadState } from '../../components/public/PublicLayout';
import { useI18n } from '../../i18n/context';

/** The reporter's follow link (/e/:token): status, what happened when, and the rating once closed. */
export function EventFollowPage() {
  const i18n = useI18n();
  const { t } = i18n;
  const { token = '' } = useParams();
  const [version, setVersion] = useState(0);
  const loaded = useResource(
    (signal) => call(api.GET('/api/public/events/{token}', { params: { path: { token } }, signal })),
    [token, version],
  );
  const [rated, setRated] = useState<PublicEventView | null>(null);
  const view = rated ?? loaded.data;
  return (
    <PublicLayout>
      {!view ? (
        <PublicLoadState error={loaded.error} onRetry={loaded.reload} />
      ) : (
        <div className="public-page" data-testid="follow-page">
          <Card className="public-card address-card">
            <div className="address-community">
              <FileSearchOutlined /> {t('report.followTitle')}
            </div>
            <Typography.Title level={4} className="address-title" data-testid="follow-code">
              {view.code}
            </Typography.Title>
            <Space wrap>
              <EventStatusTag status={view.status} i18n={i18n} />
              <span>{localName(i18n, view.category)}</span>
            </Space>
          </Card>
          <Card className="public-card" title={t('report.timeline')}>
            <Timeline
              data-testid="follow-timeline"
              items={view.timeline.map((entry, index) => ({
                key: index,
                children: (
                  <div>
                    <strong>{eventActionLabel(i18n, entry.action)}</strong>
                    {entry.status && <span className="muted"> → {eventStatusLabel(i18n, entry.status)}</span>}
                    <div className="muted">{i18n.formatDateTime(entry.at)}</div>
                  </div>
                ),
              }))}
            />
            {view.photos.length > 0 && (
              <>
                <Typography.Text strong>{t('report.photosTitle')}</Typography.Text>
                <PhotoStrip
                  photos={view.photos.map((photo) => photo.id)}
                  photoUrl={(id) => `/api/public/events/${encodeURIComponent(token)}/photos/${id}`}
                />
              </>
            )}
          </Card>
          {view.rating !== null ? (
            <Card className="public-card" title={t('report.yourRating')} data-testid="follow-rating">
              <Rate disabled value={view.rating} />
              {view.ratingComment && <Typography.Paragraph>{view.ratingComment}</Typography.Paragraph>}
              {rated && <Alert type="success" showIcon title={t('report.rated')} />}
            </Card>
          ) : (
            view.canRate && (
              <RatingForm
                token={token}
                onRated={(next) => {
                  setRated(next);
                  setVersion((v) => v + 1);
                }}
              />
            )
          )}
        </div>
      )}
    </PublicLayout>
  );
}

function RatingForm({ token, onRated }: { token: string; onRated: (view: PublicEventView) => void }) {
  const i18n = useI18n();
  const { t } = i18n;
  const [submitting, setSubmitting] = useState(false);
  const [problem, setProblem] = useState<string | null>(null);
  return (
    <Card className="public-card" title={t('report.rate')} data-testid="rating-form">
      <Form<{ rating: number; comment?: string }>
        layout="vertical"
        size="large"
        onFinish={(values) => {
          setSubmitting(true);
          setProblem(null);
          const comment = values.comment?.trim();
          call(
            api.POST('/api/public/events/{token}/rating', {
              params: { path: { token } },
              body: { rating: values.rating, ...(comment ? { comment } : {}) },
            }),
          )
            .then(onRated, (error: unknown) => setProblem(eventErrorText(i18n, error)))
            .finally(() => setSubmitting(false));
        }}
      >
        <Form.Item
          name="rating"
          label={t('report.rating')}
          rules={[{ required: true, message: t('problem.required') }]}
        >
          <Rate style={{ fontSize: 32 }} />
        </Form.Item>
        <Form.Item
          name="comment"
          label={t('report.comment')}
          rules={[{ max: 1000, message: t('common.maxLength', { max: 1000 }) }]}
        >
          <Input.TextArea rows={3} />
        </Form.Item>
        {problem && <Alert type="error" showIcon className="public-alert" title={problem} />}
        <Button
          type="primary"
          htmlType="submit"
          block
          size="large"
          loading={submitting}
          data-testid="rating-submit"
        >
          {t('common.submit')}
        </Button>
      </Form>
    </Card>
  );
}
