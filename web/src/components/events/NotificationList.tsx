// The inbox list, the header bell and its drawer.
import { BellOutlined } from '@ant-design/icons';
import { Badge, Button, Drawer, List, Space, Tag } from 'antd';
import { useEffect, useState } from 'react';
import { useLocation, useNavigate } from 'react-router-dom';
import { api, call } from '../../api/client';
import { useResource } from '../../api/hooks';
import { useI18n } from '../../i18n/context';
import type { NotificationInboxItem } from '../../api/model';
import { type NotificationView, useNotificationListener } from './notificationStream';

const markRead = (id: number) => call(api.POST('/api/notifications/{id}/read', { params: { path: { id } } }));
/** Marks every notification read up to the newest the user has seen. */
export const markAllRead = (upToId: number | undefined) =>
  call(api.POST('/api/notifications/read-all', { body: upToId ? { upToId } : {} }));

interface NotificationListProps {
  items: Array<NotificationView & Partial<Pick<NotificationInboxItem, 'deliveries'>>>;
  loading?: boolean;
  onOpen: (item: NotificationView) => void;
  onRead?: (item: NotificationView) => void;
}

/** Notifications newest first: unread in bold, urgent tagged, how channel deliveries went. */
export function NotificationList({ items, loading = false, onOpen, onRead }: NotificationListProps) {
  const i18n = useI18n();
  const { t } = i18n;
  return (
    <List
      loading={loading}
      dataSource={items}
      locale={{ emptyText: t('notifications.empty') }}
      data-testid="notification-list"
      renderItem={(item) => (
        <List.Item
          data-testid="notification-item"
          data-read={item.readAt !== null}
          actions={[
            item.link && (
              <Button key="open" type="link" size="small" onClick={() => onOpen(item)}>
                {t('notifications.open')}
              </Button>
            ),
            onRead && item.readAt === null && (
              <Button key="read" type="link" size="small" onClick={() => onRead(item)}>
                {t('notifications.markRead')}
              </Button>
            ),
          ].filter(Boolean)}
        >
          <List.Item.Meta
            title={
              <Space size={4} wrap>
                {item.readAt === null && <Badge status="processing" />}
                {item.priority === 'urgent' && <Tag color="red">{t('notifications.urgent')}</Tag>}
                <a
                  onClick={() => onOpen(item)}
                  style={{ fontWeight: item.readAt === null ? 600 : 400, color: 'inherit' }}
                >
                  {item.title}
                </a>
              </Space>
            }
            description={
              <>
                {item.body && <div>{item.body}</div>}
                <Space size={4} wrap>
                  <span className="muted">{i18n.formatDateTime(item.createdAt)}</span>
                  {item.deliveries?.map((delivery) => (
                    <Tag
                      key={delivery.channel}
                      color={
                        delivery.status === 'failed'
                          ? 'red'
                          : delivery.status === 'sent'
                            ? 'green'
                            : 'default'
                      }
                    >
                      {t(`notifications.delivery.${delivery.channel}`)} ·{' '}
                      {t(`notifications.deliveryStatus.${delivery.status}`)}
                    </Tag>
                  ))}
                </Space>
              </>
            }
          />
        </List.Item>
      )}
    />
  );
}

/** Marks read (when unread) and follows the link into the app. */
export function useOpenNotification() {
  const navigate = useNavigate();
  return async (item: NotificationView) => {
    if (item.readAt === null) await markRead(item.id).catch(() => undefined);
    if (item.link?.startsWith('/')) void navigate(item.link);
  };
}

/** The header bell: unread count kept live by the stream; opens the newest in a drawer. */
export function NotificationBell({ compact }: { compact: boolean }) {
  const { t } = useI18n();
  const navigate = useNavigate();
  const { pathname } = useLocation();
  const open = useOpenNotification();
  const [showing, setShowing] = useState(false);
  const [version, setVersion] = useState(0);
  const unread = useResource(
    (signal) => call(api.GET('/api/notifications/unread-count', { signal })),
    [version, pathname],
  );
  const recent = useResource(
    (signal) =>
      showing
        ? call(api.GET('/api/notifications', { params: { query: { limit: 10 } }, signal }))
        : Promise.resolve(null),
    [showing, version],
  );
  useNotificationListener(() => setVersion((v) => v + 1));
  useEffect(() => setShowing(false), [pathname]);
  const count = unread.data?.count ?? 0;

  return (
    <>
      <Button
        type="text"
        className="header-button"
        aria-label={t('notifications.bell')}
        data-testid="notification-bell"
        onClick={() => setShowing(true)}
      >
        <Badge count={count} size="small" offset={[4, -2]} data-testid="notification-unread">
          <BellOutlined style={{ color: '#fff', fontSize: 18 }} />
        </Badge>
      </Button>
      <Drawer
        open={showing}
        onClose={() => setShowing(false)}
        title={t('notifications.title')}
        size={compact ? '100%' : 420}
        extra={
          <Button
            size="small"
            disabled={count === 0}
            onClick={() => void markAllRead(recent.data?.items[0]?.id).then(() => setVersion((v) => v + 1))}
          >
            {t('notifications.markAllRead')}
          </Button>
        }
        footer={
          <Button type="link" block onClick={() => void navigate('/notifications')}>
            {t('notifications.viewAll')}
          </Button>
        }
      >
        <NotificationList
          items={recent.data?.items ?? []}
          loading={recent.loading}
          onOpen={(item) => void open(item).then(() => setVersion((v) => v + 1))}
        />
      </Drawer>
    </>
  );
}
