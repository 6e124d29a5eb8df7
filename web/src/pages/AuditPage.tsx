import { Button, Card, DatePicker, Form, Input, Select, Table, type TableProps, Tag } from 'antd';
import type { Dayjs } from 'dayjs';
import { useState } from 'react';
import { useAuditList } from '../api/hooks';
import type { AuditEntryView, AuditQuery } from '../api/model';
import { AUDIT_ACTIONS, ENTITY_TYPES } from '../api/vocabulary';
import { AuditChange } from '../components/AuditChange';
import { useI18n } from '../i18n/context';
import { actorLabel, auditActionLabel, entityTypeLabel, errorText } from '../i18n/labels';
import { tablePaging } from '../components/paging';

interface FilterValues {
  action?: string;
  entityType?: AuditQuery['entityType'];
  actor?: string;
  range?: [Dayjs | null, Dayjs | null] | null;
}

function toQuery(values: FilterValues): AuditQuery {
  const [from, to] = values.range ?? [null, null];
  return {
    action: values.action,
    entityType: values.entityType,
    actor: values.actor?.trim() || undefined,
    from: from?.startOf('minute').toISOString(),
    to: to?.endOf('minute').toISOString(),
  };
}

export function AuditPage() {
  const i18n = useI18n();
  const { t } = i18n;
  const [form] = Form.useForm<FilterValues>();
  const [filters, setFilters] = useState<AuditQuery>({});
  const [paging, setPaging] = useState({ page: 1, pageSize: 20 });
  const list = useAuditList({ ...filters, ...paging });

  const applyFilters = (values: FilterValues) => {
    setFilters(toQuery(values));
    setPaging((current) => ({ ...current, page: 1 }));
  };

  // A report's id starts with its kind (daily:<area code>:<day>), which the action already names.
  const entityIdText = (entry: AuditEntryView) =>
    entry.entityType === 'report' ? entry.entityId!.replace(/^[a-z]+:/, '') : entry.entityId;

  const columns: TableProps<AuditEntryView>['columns'] = [
    {
      title: t('audit.time'),
      dataIndex: 'at',
      render: (_v, entry) => i18n.formatDateTime(entry.at),
      width: 170,
    },
    { title: t('audit.actor'), dataIndex: 'actor', render: (_v, entry) => actorLabel(i18n, entry.actor) },
    {
      title: t('audit.action'),
      dataIndex: 'action',
      render: (_v, entry) => (
        <Tag color={entry.action.endsWith('failed') || entry.action.endsWith('locked') ? 'red' : 'blue'}>
          {auditActionLabel(i18n, entry.action)}
        </Tag>
      ),
    },
    {
      title: t('audit.entityType'),
      dataIndex: 'entityType',
      render: (_v, entry) =>
        `${entityTypeLabel(i18n, entry.entityType)}${entry.entityId ? ` #${entityIdText(entry)}` : ''}`,
    },
    { title: t('audit.reason'), dataIndex: 'reason', render: (_v, entry) => entry.reason ?? '' },
    { title: t('audit.ip'), dataIndex: 'ip', render: (_v, entry) => entry.ip ?? '' },
  ];

  return (
    <div className="page" data-testid="audit-page">
      <Card title={t('audit.title')} data-testid="audit-table">
        <Form<FilterValues> form={form} layout="inline" className="filter-form" onFinish={applyFilters}>
          <Form.Item name="action">
            <Select
              allowClear
              showSearch={{ optionFilterProp: 'label' }}
              placeholder={t('audit.action')}
              className="toolbar-select"
              // Every action is rendered (no virtual list), so a search and a test both see them all.
              virtual={false}
              data-testid="audit-action-filter"
              options={AUDIT_ACTIONS.map((value) => ({ value, label: auditActionLabel(i18n, value) }))}
            />
          </Form.Item>
          <Form.Item name="entityType">
            <Select
              allowClear
              placeholder={t('audit.entityType')}
              className="toolbar-select"
              virtual={false}
              data-testid="audit-entity-filter"
              options={ENTITY_TYPES.map((value) => ({ value, label: entityTypeLabel(i18n, value) }))}
            />
          </Form.Item>
          <Form.Item name="actor">
            <Input allowClear placeholder={t('audit.actor')} className="toolbar-input" />
          </Form.Item>
          <Form.Item name="range">
            <DatePicker.RangePicker showTime={{ format: 'HH:mm' }} format="YYYY-MM-DD HH:mm" />
          </Form.Item>
          <Form.Item>
            <Button type="primary" htmlType="submit">
              {t('common.search')}
            </Button>
          </Form.Item>
          <Form.Item>
            <Button
              onClick={() => {
                form.resetFields();
                applyFilters({});
              }}
            >
              {t('common.reset')}
            </Button>
          </Form.Item>
        </Form>
        <Table<AuditEntryView>
          size="small"
          rowKey="id"
          columns={columns}
          dataSource={list.data?.items ?? []}
          loading={list.loading}
          scroll={{ x: 'max-content' }}
          locale={list.error ? { emptyText: errorText(i18n, list.error) } : undefined}
          expandable={{
            expandedRowRender: (entry) => <AuditChange entry={entry} />,
            rowExpandable: (entry) => entry.before != null || entry.after != null,
          }}
          pagination={tablePaging(t, paging, list.data?.total ?? 0, setPaging, {
            showSizeChanger: true,
            pageSizeOptions: [20, 50, 100],
          })}
        />
      </Card>
    </div>
  );
}
