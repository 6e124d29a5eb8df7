import { DeleteOutlined, FileSearchOutlined, LinkOutlined, ReloadOutlined } from '@ant-design/icons';
import { Alert, App, Button, Card, Form, Input, Radio, Select, Space, Table, Tag } from 'antd';
import { useState } from 'react';
import { Link } from 'react-router-dom';
import { api, call } from '../api/client';
import { useInbox } from '../api/hooks';
import type { HealthInboxItem } from '../api/model';
import { INBOX_STATUSES, type InboxStatus } from '../api/vocabulary';
import { useAuth } from '../auth/AuthContext';
import { AreaSelect } from '../components/AreaSelect';
import { FormModal } from '../components/FormModal';
import {
  INBOX_REASONS,
  type InboxReason,
  RECORD_KINDS,
  type RecordKind,
} from '../components/health/vocabulary';
import { PersonSelect } from '../components/register/pickers';
import { useI18n } from '../i18n/context';
import {
  actorLabel,
  errorText,
  inboxReasonLabel,
  inboxStatusLabel,
  recordKindLabel,
  testResultLabel,
} from '../i18n/labels';
import { tablePaging } from '../components/paging';

type Dialog = { kind: 'match' | 'dismiss' | 'lead'; record: HealthInboxItem } | null;

/** What a health record says, in a few words: a test result, a temperature, a dose, a code colour. */
function RecordValue({ record }: { record: HealthInboxItem }) {
  const i18n = useI18n();
  switch (record.kind) {
    case 'tests':
      return <span>{record.result ? testResultLabel(i18n, record.result) : '—'}</span>;
    case 'temperatures':
      return <span>{record.value === null ? '—' : `${record.value.toFixed(1)}°C`}</span>;
    case 'vaccinations':
      return <span>{record.value === null ? '—' : i18n.t('tasks.doses', { count: record.value })}</span>;
    case 'healthcodes':
    case 'riskareas':
      return <span>{record.result ?? '—'}</span>;
  }
}

/** Health records no registered person matched: match by hand, dismiss, or turn into a lead to verify. */
export function HealthInboxPage() {
  const i18n = useI18n();
  const { t } = i18n;
  const { can, canAt } = useAuth();
  const { message } = App.useApp();
  const [status, setStatus] = useState<InboxStatus>('open');
  const [reason, setReason] = useState<InboxReason | undefined>();
  const [kind, setKind] = useState<RecordKind | undefined>();
  const [within, setWithin] = useState<number | undefined>();
  const [paging, setPaging] = useState({ page: 1, pageSize: 20 });
  const [version, setVersion] = useState(0);
  const [dialog, setDialog] = useState<Dialog>(null);
  const list = useInbox({ status, reason, kind, within, ...paging }, version);
  const firstPage = () => setPaging((current) => ({ ...current, page: 1 }));
  const done = () => {
    setDialog(null);
    setVersion((v) => v + 1);
  };
  // The column shows where the user may act somewhere; each row's buttons only where its area allows.
  const write = can('health.write') && status === 'open';

  return (
    <div className="page" data-testid="inbox-page">
      <Card
        title={t('inbox.title')}
        extra={
          <Button size="small" icon={<ReloadOutlined />} onClick={() => setVersion((v) => v + 1)}>
            {t('common.refresh')}
          </Button>
        }
      >
        <Alert type="info" showIcon className="page-alert" title={t('inbox.hint')} />
        <Space wrap className="toolbar">
          <Radio.Group
            optionType="button"
            value={status}
            onChange={(event) => {
              setStatus(event.target.value as InboxStatus);
              firstPage();
            }}
            options={INBOX_STATUSES.map((value) => ({ value, label: inboxStatusLabel(i18n, value) }))}
          />
          <Select<InboxReason>
            allowClear
            className="toolbar-select"
            placeholder={t('inbox.allReasons')}
            value={reason}
            onChange={(value) => {
              setReason(value);
              firstPage();
            }}
            options={INBOX_REASONS.map((value) => ({ value, label: inboxReasonLabel(i18n, value) }))}
          />
          <Select<RecordKind>
            allowClear
            className="toolbar-select"
            placeholder={t('inbox.allKinds')}
            value={kind}
            onChange={(value) => {
              setKind(value);
              firstPage();
            }}
            options={RECORD_KINDS.map((value) => ({ value, label: recordKindLabel(i18n, value) }))}
          />
          <div className="toolbar-area">
            <AreaSelect
              value={within}
              placeholder={t('register.areaFilter')}
              onChange={(id) => {
                setWithin(id);
                firstPage();
              }}
            />
          </div>
        </Space>
        <Table<HealthInboxItem>
          rowKey="id"
          size="middle"
          loading={list.loading}
          dataSource={list.data?.items ?? []}
          scroll={{ x: 'max-content' }}
          data-testid="inbox-table"
          locale={{ emptyText: list.error ? errorText(i18n, list.error) : t('inbox.empty') }}
          pagination={tablePaging(t, paging, list.data?.total ?? 0, setPaging)}
          columns={[
            {
              key: 'who',
              title: t('inbox.identity'),
              render: (_, record) => (
                <Space direction="vertical" size={0}>
                  <span>{record.nameMasked ?? '—'}</span>
                  <span className="muted code-text">{record.documentMasked ?? '—'}</span>
                </Space>
              ),
            },
            {
              key: 'kind',
              title: t('inbox.kind'),
              render: (_, record) => <Tag>{recordKindLabel(i18n, record.kind)}</Tag>,
            },
            { key: 'value', title: t('inbox.value'), render: (_, record) => <RecordValue record={record} /> },
            {
              key: 'at',
              title: t('inbox.occurredAt'),
              render: (_, record) => i18n.formatDateTime(record.occurredAt),
            },
            { key: 'source', title: t('inbox.source'), dataIndex: 'source' },
            {
              key: 'reason',
              title: t('inbox.reason'),
              render: (_, record) =>
                record.reason ? (
                  <Tag color={record.reason === 'invalid_number' ? 'red' : 'orange'}>
                    {inboxReasonLabel(i18n, record.reason)}
                  </Tag>
                ) : null,
            },
            {
              key: 'status',
              title: t('field.status'),
              render: (_, record) => (
                <Space direction="vertical" size={0}>
                  <span>{inboxStatusLabel(i18n, record.status)}</span>
                  {record.personId !== null && (
                    <Link to={`/persons/${record.personId}`}>{t('tasks.openPerson')}</Link>
                  )}
                  {record.resolvedBy && (
                    <span className="muted">
                      {actorLabel(i18n, record.resolvedBy)} {record.note ? `· ${record.note}` : ''}
                    </span>
                  )}
                </Space>
              ),
            },
            ...(write
              ? [
                  {
                    key: 'actions',
                    title: t('common.actions'),
                    render: (_: unknown, record: HealthInboxItem) =>
                      !canAt('health.write', record.areaPath) ? (
                        '—'
                      ) : (
                        <Space size={4} wrap>
                          <Button
                            size="small"
                            type="primary"
                            icon={<LinkOutlined />}
                            onClick={() => setDialog({ kind: 'match', record })}
                          >
                            {t('inbox.match')}
                          </Button>
                          <Button
                            size="small"
                            icon={<FileSearchOutlined />}
                            onClick={() => setDialog({ kind: 'lead', record })}
                          >
                            {t('inbox.lead')}
                          </Button>
                          <Button
                            size="small"
                            danger
                            icon={<DeleteOutlined />}
                            onClick={() => setDialog({ kind: 'dismiss', record })}
                          >
                            {t('inbox.dismiss')}
                          </Button>
                        </Space>
                      ),
                  },
                ]
              : []),
          ]}
        />
      </Card>
      {dialog?.kind === 'match' && (
        <MatchDialog record={dialog.record} onClose={() => setDialog(null)} onDone={done} />
      )}
      {dialog?.kind === 'dismiss' && (
        <FormModal<{ reason: string }>
          title={t('inbox.dismissTitle')}
          okText={t('inbox.dismiss')}
          danger
          onCancel={() => setDialog(null)}
          onSubmit={async (values) => {
            await call(
              api.POST('/api/health/unmatched/{id}/dismiss', {
                params: { path: { id: dialog.record.id } },
                body: { reason: values.reason.trim() },
              }),
            );
            void message.success(t('inbox.dismissed'));
            done();
          }}
        >
          <Form.Item
            name="reason"
            label={t('inbox.dismissReason')}
            extra={t('inbox.dismissHint')}
            rules={[
              { required: true, whitespace: true, min: 2, message: t('tasks.rejectReasonRule') },
              { max: 200 },
            ]}
          >
            <Input autoFocus />
          </Form.Item>
        </FormModal>
      )}
      {dialog?.kind === 'lead' && (
        <FormModal<{ note?: string }>
          title={t('inbox.leadTitle')}
          okText={t('inbox.lead')}
          onCancel={() => setDialog(null)}
          onSubmit={async (values) => {
            const note = values.note?.trim();
            const result = await call(
              api.POST('/api/health/unmatched/{id}/lead', {
                params: { path: { id: dialog.record.id } },
                body: note ? { note } : {},
              }),
            );
            void message.success(t('inbox.leadCreated', { id: result.leadId }));
            done();
          }}
        >
          <Alert type="info" showIcon className="dialog-hint" title={t('inbox.leadHint')} />
          <Form.Item name="note" label={t('leads.note')} rules={[{ max: 200 }]}>
            <Input />
          </Form.Item>
        </FormModal>
      )}
    </div>
  );
}

function MatchDialog({
  record,
  onClose,
  onDone,
}: {
  record: HealthInboxItem;
  onClose: () => void;
  onDone: () => void;
}) {
  const { t } = useI18n();
  const { message } = App.useApp();
  return (
    <FormModal<{ personId: number }>
      title={t('inbox.matchTitle', { name: record.nameMasked ?? record.documentMasked ?? `#${record.id}` })}
      okText={t('inbox.match')}
      onCancel={onClose}
      onSubmit={async (values) => {
        await call(
          api.POST('/api/health/unmatched/{id}/match', {
            params: { path: { id: record.id } },
            body: { personId: values.personId },
          }),
        );
        void message.success(t('inbox.matched'));
        onDone();
      }}
    >
      <Alert type="info" showIcon className="dialog-hint" title={t('inbox.matchHint')} />
      <Form.Item
        name="personId"
        label={t('keyPersons.person')}
        rules={[{ required: true, message: t('keyPersons.personRule') }]}
      >
        <PersonSelect placeholder={t('keyPersons.personPlaceholder')} />
      </Form.Item>
    </FormModal>
  );
}
