import { CustomerServiceOutlined } from '@ant-design/icons';
import { Alert, App, Button, Card, Popconfirm, Result, Space, Timeline, Typography } from 'antd';
import { useState } from 'react';
import { useParams } from 'react-router-dom';
import { api, call, isApiError } from '../../api/client';
import { useResource } from '../../api/hooks';
import type { PublicRequestView } from '../../api/model';
import { PublicLayout, PublicLoadState } from '../../components/public/PublicLayout';
import { RequestKindTag, RequestStatusTag, UrgencyTag } from '../../components/services/common';
import { useI18n } from '../../i18n/context';
import { errorText } from '../../i18n/labels';

/**
 * A help request's follow link (/help/:token), given only to whoever asked at the door: what was
 * asked, its progress, the volunteer's name, and withdrawing it while it is not yet delivered.
 */
export function RequestFollowPage() {
  const i18n = useI18n();
  const { t } = i18n;
  const { message } = App.useApp();
  const { token = '' } = useParams();
  const [version, setVersion] = useState(0);
  const loaded = useResource(
    (signal) => call(api.GET('/api/public/requests/{token}', { params: { path: { token } }, signal })),
    [token, version],
  );
  const [withdrawn, setWithdrawn] = useState<PublicRequestView | null>(null);
  const view = withdrawn ?? loaded.data;
  const notFound = isApiError(loaded.error) && (loaded.error.status === 404 || loaded.error.status === 400);
  const withdraw = () =>
    call(api.POST('/api/public/requests/{token}/cancel', { params: { path: { token } } }))
      .then((next) => {
        setWithdrawn(next);
        setVersion((v) => v + 1);
      })
      .catch((error: unknown) => void message.error(errorText(i18n, error)));
  return (
    <PublicLayout>
      {!view ? (
        notFound ? (
          <Result
            status="warning"
            title={t('requests.follow.notFound')}
            subTitle={t('requests.follow.notFoundHint')}
            data-testid="help-follow-not-found"
          />
        ) : (
          <PublicLoadState error={loaded.error} onRetry={loaded.reload} />
        )
      ) : (
        <div className="public-page" data-testid="help-follow-page">
          <Card className="public-card address-card">
            <div className="address-community">
              <CustomerServiceOutlined /> {t('requests.follow.title')}
            </div>
            <Typography.Title level={4} className="address-title" data-testid="help-follow-code">
              {view.code}
            </Typography.Title>
            <Space size={4} wrap>
              <RequestKindTag kind={view.kind} />
              <UrgencyTag urgency={view.urgency} />
              <span data-testid="help-follow-status">
                <RequestStatusTag status={view.status} />
              </span>
            </Space>
            <Typography.Paragraph style={{ marginTop: 8, whiteSpace: 'pre-wrap' }}>
              {view.details}
            </Typography.Paragraph>
            {view.volunteer && (
              <div className="muted">{t('requests.volunteerIs', { name: view.volunteer.name })}</div>
            )}
          </Card>
          <Card className="public-card">
            <Timeline
              items={[
                { at: view.createdAt, label: t('requests.follow.asked') },
                { at: view.acceptedAt, label: t('requests.follow.accepted') },
                { at: view.deliveredAt, label: t('requests.follow.delivered') },
                {
                  at: view.closedAt,
                  label:
                    view.status === 'cancelled'
                      ? t('requests.follow.cancelled')
                      : t('requests.follow.closed'),
                },
              ]
                .filter((entry): entry is { at: string; label: string } => entry.at !== null)
                .map((entry) => ({
                  key: entry.label,
                  children: (
                    <div>
                      <strong>{entry.label}</strong>
                      <div className="muted">{i18n.formatDateTime(entry.at)}</div>
                    </div>
                  ),
                }))}
            />
            {withdrawn && <Alert type="success" showIcon title={t('requests.follow.withdrawn')} />}
            {(view.status === 'open' || view.status === 'accepted') && (
              <Popconfirm
                title={t('requests.door.cancelConfirm')}
                okText={t('common.confirm')}
                cancelText={t('common.cancel')}
                onConfirm={withdraw}
              >
                <Button danger block size="large" data-testid="help-follow-withdraw">
                  {t('requests.door.cancel')}
                </Button>
              </Popconfirm>
            )}
          </Card>
          <Typography.Paragraph className="muted" style={{ fontSize: 12 }}>
            {t('requests.follow.private')}
          </Typography.Paragraph>
        </div>
      )}
    </PublicLayout>
  );
}
