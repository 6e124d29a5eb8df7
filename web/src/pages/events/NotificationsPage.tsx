import { CheckOutlined, ReloadOutlined } from '@ant-design/icons';
import { App, Button, Card, Input, Radio, Space, Switch, Table, Tag, Typography } from 'antd';
import { useCallback, useEffect, useRef, useState } from 'react';
import { api, call } from '../../api/client';
import { useResource } from '../../api/hooks';
import type { ChannelPreferenceView, NotificationInboxItem } from '../../api/model';
import { eventErrorText } from '../../components/events/labels';
import { markAllRead, NotificationList, useOpenNotification } from '../../components/events/NotificationList';
import { useNotificationListener } from '../../components/events/notificationStream';
import { useI18n } from '../../i18n/context';

const PAGE_SIZE = 30;

/** My inbox (/notifications): newest first, live, mark read; and how I want to be reached outside the app. */
export function NotificationsPage() {
  const i18n = useI18n();
  const { t } = i18n;
  const { message } = App.useApp();
  const open = useOpenNotification();
  const [unreadOnly, setUnreadOnly] = useState(false);
  const [items, setItems] = useState<NotificationInboxItem[]>([]);
  const [before, setBefore] = useState<number | null>(null);
  const [loading, setLoading] = useState(false);
  const request = useRef(0);

  const load = useCallback(
    async (after: number | null) => {
      const mine = ++request.current;
      setLoading(true);
      try {
        const query = {
          limit: PAGE_SIZE,
          ...(unreadOnly ? { unread: true } : {}),
          ...(after ? { before: after } : {}),
        };
        const page = await call(api.GET('/api/notifications', { params: { query } }));
        if (mine !== request.current) return;
        setItems((current) => (after ? [...current, ...page.items] : page.items));
        setBefore(page.nextBefore);
      } catch (error) {
        if (mine === request.current) void message.error(eventErrorText(i18n, error));
      } finally {
        if (mine === request.current) setLoading(false);
      }
    },
    [unreadOnly, i18n, message],
  );

  useEffect(() => {
    void load(null);
  }, [load]);

  // A new one arrives on the stream: put it on top (its deliveries are not known yet).
  useNotificationListener((notification) =>
    setItems((current) =>
      current.some((item) => item.id === notification.id)
        ? current
        : [{ ...notification, deliveries: [] }, ...current],
    ),
  );

  const markRead = async (id: number) => {
    const result = await call(api.POST('/api/notifications/{id}/read', { params: { path: { id } } }));
    setItems((current) =>
      current.map((item) => (item.id === id ? { ...item, readAt: result.readAt } : item)),
    );
  };

  return (
    <div className="page" data-testid="notifications-page">
      <div className="page-title-row">
        <Typography.Title level={3} className="page-title">
          {t('notifications.title')}
        </Typography.Title>
        <Space wrap>
          <Radio.Group
            optionType="button"
            value={unreadOnly ? 'unread' : 'all'}
            onChange={(event) => setUnreadOnly(event.target.value === 'unread')}
            options={[
              { value: 'all', label: t('notifications.all') },
              { value: 'unread', label: t('notifications.unread') },
            ]}
          />
          <Button icon={<ReloadOutlined />} onClick={() => void load(null)}>
            {t('common.refresh')}
          </Button>
          <Button
            icon={<CheckOutlined />}
            data-testid="notifications-read-all"
            onClick={() =>
              void markAllRead(items[0]?.id).then((result) => {
                void message.success(t('notifications.markedAll', { count: result.updated }));
                return load(null);
              })
            }
          >
            {t('notifications.markAllRead')}
          </Button>
        </Space>
      </div>
      <Card size="small" style={{ marginBottom: 12 }}>
        <NotificationList
          items={items}
          loading={loading && items.length === 0}
          onOpen={(item) => void open(item)}
          onRead={(item) => void markRead(item.id)}
        />
        {before && (
          <div style={{ textAlign: 'center' }}>
            <Button loading={loading} onClick={() => void load(before)}>
              {t('notifications.loadMore')}
            </Button>
          </div>
        )}
      </Card>
      <PreferencesCard />
    </div>
  );
}

interface PreferenceRow extends ChannelPreferenceView {
  /** What the user typed: undefined keeps the stored address. */
  newAddress?: string;
  forget?: boolean;
}

/** SMS, webhook and voice: enabled, urgent only, address (shown masked, replaced only when typed). */
function PreferencesCard() {
  const i18n = useI18n();
  const { t } = i18n;
  const { message } = App.useApp();
  const [version, setVersion] = useState(0);
  const loaded = useResource(
    (signal) => call(api.GET('/api/notifications/preferences', { signal })),
    [version],
  );
  const [rows, setRows] = useState<PreferenceRow[]>([]);
  const [saving, setSaving] = useState(false);
  useEffect(() => {
    if (loaded.data) setRows(loaded.data.channels.map((channel) => ({ ...channel })));
  }, [loaded.data]);

  const change = (channel: ChannelPreferenceView['channel'], next: Partial<PreferenceRow>) =>
    setRows((current) => current.map((row) => (row.channel === channel ? { ...row, ...next } : row)));

  const save = async () => {
    setSaving(true);
    try {
      const channels = rows.map((row) => ({
        channel: row.channel,
        enabled: row.enabled,
        urgentOnly: row.urgentOnly,
        ...(row.forget
          ? { address: null }
          : row.newAddress?.trim()
            ? { address: row.newAddress.trim() }
            : {}),
      }));
      await call(api.PUT('/api/notifications/preferences', { body: { channels } }));
      void message.success(t('notifications.saved'));
      setVersion((v) => v + 1);
    } catch (error) {
      void message.error(eventErrorText(i18n, error));
    } finally {
      setSaving(false);
    }
  };

  return (
    <Card
      size="small"
      title={t('notifications.preferences')}
      data-testid="notification-preferences"
      extra={
        <Button type="primary" size="small" loading={saving} onClick={() => void save()}>
          {t('common.save')}
        </Button>
      }
    >
      <Typography.Paragraph type="secondary">{t('notifications.preferencesHint')}</Typography.Paragraph>
      <Table<PreferenceRow>
        rowKey="channel"
        size="small"
        pagination={false}
        loading={loaded.loading}
        dataSource={rows}
        scroll={{ x: 'max-content' }}
        columns={[
          {
            key: 'channel',
            title: t('notifications.channel'),
            render: (_, row) => (
              <Space size={4} wrap>
                {t(`notifications.delivery.${row.channel}`)}
                {!row.live && <Tag>{t('notifications.notLive')}</Tag>}
              </Space>
            ),
          },
          {
            key: 'enabled',
            title: t('notifications.enabled'),
            render: (_, row) => (
              <Switch checked={row.enabled} onChange={(enabled) => change(row.channel, { enabled })} />
            ),
          },
          {
            key: 'urgentOnly',
            title: t('notifications.urgentOnly'),
            render: (_, row) => (
              <Switch
                checked={row.urgentOnly}
                disabled={!row.enabled}
                onChange={(urgentOnly) => change(row.channel, { urgentOnly })}
              />
            ),
          },
          {
            key: 'address',
            title: t('notifications.address'),
            render: (_, row) => (
              <Space direction="vertical" size={2}>
                {row.address && !row.forget && <span className="code-text">{row.address}</span>}
                <Input
                  size="small"
                  style={{ minWidth: 200 }}
                  value={row.newAddress ?? ''}
                  placeholder={
                    row.address
                      ? t('notifications.addressKeep')
                      : t(`notifications.addressPlaceholder.${row.channel}`)
                  }
                  onChange={(event) => change(row.channel, { newAddress: event.target.value, forget: false })}
                />
                {row.address && !row.forget && (
                  <Button
                    type="link"
                    size="small"
                    onClick={() => change(row.channel, { forget: true, newAddress: '' })}
                  >
                    {t('notifications.forget')}
                  </Button>
                )}
              </Space>
            ),
          },
        ]}
      />
    </Card>
  );
}
