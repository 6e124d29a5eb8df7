import { CloudUploadOutlined, DeleteOutlined, EditOutlined, WarningOutlined } from '@ant-design/icons';
import { Alert, App, Button, Drawer, Empty, Form, Input, List, Modal, Space, Tag, Typography } from 'antd';
import { useEffect, useState } from 'react';
import { type MessageKey } from '../i18n/zh-CN';
import { useI18n } from '../i18n/context';
import { discardItem, flushOutbox, onOutboxChange, type OutboxItem, outboxItems, resendItem } from './outbox';
import { offlineSince, onOfflineChange } from './snapshots';

/** Text fields of a queued write the worker may correct before sending it again. */
const EDITABLE = ['notes', 'note', 'title', 'description', 'address'] as const;
type Editable = (typeof EDITABLE)[number];

function useOutbox(): OutboxItem[] {
  const [items, setItems] = useState<OutboxItem[]>([]);
  useEffect(() => {
    let live = true;
    const load = () =>
      void outboxItems().then(
        (next) => live && setItems(next),
        () => live && setItems([]),
      );
    load();
    const stop = onOutboxChange(load);
    return () => {
      live = false;
      stop();
    };
  }, []);
  return items;
}

function useOnline(): boolean {
  const [online, setOnline] = useState(navigator.onLine);
  useEffect(() => {
    const update = () => setOnline(navigator.onLine);
    window.addEventListener('online', update);
    window.addEventListener('offline', update);
    return () => {
      window.removeEventListener('online', update);
      window.removeEventListener('offline', update);
    };
  }, []);
  return online;
}

/** "Offline data, updated at HH:mm" while a page shows the phone's copies instead of live answers. */
export function OfflineNotice() {
  const i18n = useI18n();
  const online = useOnline();
  const [since, setSince] = useState(offlineSince());
  useEffect(() => onOfflineChange(() => setSince(offlineSince())), []);
  if (since === null && online) return null;
  const time = since === null ? null : new Date(since);
  const hhmm =
    time && `${String(time.getHours()).padStart(2, '0')}:${String(time.getMinutes()).padStart(2, '0')}`;
  return (
    <div className="offline-notice" data-testid="offline-notice" role="status">
      <WarningOutlined /> {hhmm ? i18n.t('offline.dataFrom', { time: hhmm }) : i18n.t('offline.noConnection')}
    </div>
  );
}

/** The queue under the header: "3 条待上传", and a drawer with each write, its state and what to do. */
export function OutboxBar() {
  const { t } = useI18n();
  const items = useOutbox();
  const [open, setOpen] = useState(false);
  const pending = items.filter((item) => item.state === 'pending').length;
  const rejected = items.length - pending;
  return (
    <>
      {items.length > 0 && (
        <button
          type="button"
          className={rejected ? 'outbox-bar rejected' : 'outbox-bar'}
          data-testid="outbox-badge"
          onClick={() => setOpen(true)}
        >
          <CloudUploadOutlined />
          {pending > 0 && <span>{t('offline.waiting', { count: pending })}</span>}
          {rejected > 0 && (
            <span className="outbox-rejected">{t('offline.rejected', { count: rejected })}</span>
          )}
          <span className="outbox-open">{t('offline.open')}</span>
        </button>
      )}
      <OutboxDrawer open={open} items={items} onClose={() => setOpen(false)} />
    </>
  );
}

function OutboxDrawer({ open, items, onClose }: { open: boolean; items: OutboxItem[]; onClose: () => void }) {
  const i18n = useI18n();
  const { t } = i18n;
  const { modal } = App.useApp();
  const [editing, setEditing] = useState<OutboxItem | null>(null);
  return (
    <Drawer
      open={open}
      onClose={onClose}
      title={t('offline.title')}
      placement="bottom"
      size="large"
      data-testid="outbox-drawer"
      extra={
        <Button type="primary" icon={<CloudUploadOutlined />} onClick={() => void flushOutbox()}>
          {t('offline.sendNow')}
        </Button>
      }
    >
      <Typography.Paragraph type="secondary">{t('offline.explain')}</Typography.Paragraph>
      <List<OutboxItem>
        dataSource={items}
        locale={{ emptyText: <Empty description={t('offline.empty')} /> }}
        renderItem={(item) => (
          <List.Item data-testid="outbox-item">
            <List.Item.Meta
              title={
                <Space wrap size={4}>
                  <Tag color={item.state === 'rejected' ? 'red' : 'blue'}>
                    {t(`offline.state.${item.state}`)}
                  </Tag>
                  <span>{t(`offline.kind.${item.kind}`)}</span>
                  <span className="muted">{i18n.formatDateTime(new Date(item.createdAt).toISOString())}</span>
                </Space>
              }
              description={
                <>
                  <div>{item.request.summary}</div>
                  {item.photos > 0 && (
                    <div className="muted">{t('offline.photos', { count: item.photos })}</div>
                  )}
                  {item.attempts > 0 && item.state === 'pending' && (
                    <div className="muted">{t('offline.attempts', { count: item.attempts })}</div>
                  )}
                  {item.rejection && (
                    <>
                      <Alert
                        type="error"
                        showIcon
                        className="outbox-rejection-text"
                        title={item.rejection.message}
                        data-testid="outbox-rejection"
                      />
                      <Space wrap className="outbox-actions">
                        <Button icon={<EditOutlined />} onClick={() => setEditing(item)}>
                          {t('offline.edit')}
                        </Button>
                        <Button
                          danger
                          icon={<DeleteOutlined />}
                          onClick={() =>
                            modal.confirm({
                              title: t('offline.discardConfirm'),
                              okText: t('offline.discard'),
                              okButtonProps: { danger: true },
                              cancelText: t('common.cancel'),
                              onOk: () => discardItem(item.seq),
                            })
                          }
                        >
                          {t('offline.discard')}
                        </Button>
                      </Space>
                    </>
                  )}
                </>
              }
            />
          </List.Item>
        )}
      />
      {editing && <EditDialog item={editing} onClose={() => setEditing(null)} />}
    </Drawer>
  );
}

function EditDialog({ item, onClose }: { item: OutboxItem; onClose: () => void }) {
  const { t } = useI18n();
  const [form] = Form.useForm<Partial<Record<Editable, string>>>();
  const source = { ...item.request.body, ...item.request.fields };
  const fields = EDITABLE.filter((name) => typeof source[name] === 'string');
  return (
    <Modal
      open
      title={t('offline.edit')}
      okText={t('offline.resend')}
      cancelText={t('common.cancel')}
      onCancel={onClose}
      onOk={async () => {
        const values = await form.validateFields();
        const changes = Object.fromEntries(
          Object.entries(values).filter((entry): entry is [string, string] => typeof entry[1] === 'string'),
        );
        await resendItem(item.seq, changes);
        onClose();
      }}
    >
      {item.rejection && (
        <Alert
          type="error"
          showIcon
          title={item.rejection.message}
          className="dialog-hint outbox-rejection-text"
        />
      )}
      <Form
        form={form}
        layout="vertical"
        initialValues={Object.fromEntries(fields.map((name) => [name, source[name]]))}
      >
        {fields.map((name) => (
          <Form.Item key={name} name={name} label={t(`offline.field.${name}` as MessageKey)}>
            <Input.TextArea autoSize={{ minRows: 1, maxRows: 6 }} />
          </Form.Item>
        ))}
      </Form>
    </Modal>
  );
}
