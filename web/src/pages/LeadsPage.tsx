import {
  CheckCircleOutlined,
  CloudUploadOutlined,
  InboxOutlined,
  ReloadOutlined,
  SendOutlined,
} from '@ant-design/icons';
import {
  Alert,
  App,
  Button,
  Card,
  Checkbox,
  Descriptions,
  Drawer,
  Form,
  Input,
  Progress,
  Radio,
  Select,
  Space,
  Spin,
  Table,
  Tag,
  Timeline,
  Typography,
  Upload,
} from 'antd';
import { useState } from 'react';
import { api, call } from '../api/client';
import { useAreaRoots, useLead, useLeadList, useLeadProgress, useOptionalArea } from '../api/hooks';
import type { AreaDetail, LeadImportReport, LeadProgress, LeadView, ProgressCounts } from '../api/model';
import type { LeadStatus } from '../api/vocabulary';
import { useAuth } from '../auth/AuthContext';
import { AreaSelect } from '../components/AreaSelect';
import { FormModal } from '../components/FormModal';
import { LeadStatusTag } from '../components/health/tags';
import { LEAD_TIERS, type LeadTier } from '../components/health/vocabulary';
import { VerifyLeadDialog } from '../components/health/VerifyLeadDialog';
import { useI18n } from '../i18n/context';
import {
  fieldProblemText,
  actorLabel,
  errorText,
  leadEventLabel,
  leadMeasureLabel,
  leadOutcomeLabel,
  leadRouteLabel,
  leadTierLabel,
} from '../i18n/labels';
import { tablePaging } from '../components/paging';

type StatusFilter = LeadStatus | 'all';

/** Lead verification (大数据线索核查): progress toward zero per area, the list, import and verification. */
export function LeadsPage() {
  const i18n = useI18n();
  const { t } = i18n;
  const { canAt } = useAuth();
  const roots = useAreaRoots();
  const [chosen, setChosen] = useState<number | undefined>();
  const nodeId = chosen ?? roots.data?.items[0]?.id;
  const nodeArea = useOptionalArea(nodeId);
  const node: AreaDetail | null = nodeArea.data ?? null;
  const [status, setStatus] = useState<StatusFilter>('open');
  const [tier, setTier] = useState<LeadTier | undefined>();
  const [overdue, setOverdue] = useState(false);
  const [mine, setMine] = useState(false);
  const [paging, setPaging] = useState({ page: 1, pageSize: 20 });
  const [version, setVersion] = useState(0);
  const [verifying, setVerifying] = useState<LeadView | null>(null);
  const [routing, setRouting] = useState<LeadView | null>(null);
  const [showing, setShowing] = useState<number | null>(null);
  const [importing, setImporting] = useState(false);
  const progress = useLeadProgress(nodeId ?? null, version);
  const list = useLeadList(
    {
      within: nodeId,
      status: status === 'all' ? undefined : status,
      tier,
      overdue: overdue || undefined,
      mine: mine || undefined,
      ...paging,
    },
    version,
  );
  const firstPage = () => setPaging((current) => ({ ...current, page: 1 }));
  const reload = () => setVersion((v) => v + 1);

  return (
    <div className="page" data-testid="leads-page">
      <div className="page-title-row">
        <Typography.Title level={3} className="page-title">
          {t('leads.title')}
        </Typography.Title>
        <Space wrap>
          <div className="toolbar-area">
            <AreaSelect
              value={nodeId}
              initial={node}
              onChange={(id) => {
                setChosen(id);
                firstPage();
              }}
            />
          </div>
          <Button icon={<ReloadOutlined />} onClick={reload}>
            {t('common.refresh')}
          </Button>
          {node && canAt('health.manage', nodeArea.data) && (
            <Button type="primary" icon={<CloudUploadOutlined />} onClick={() => setImporting(true)}>
              {t('leads.import')}
            </Button>
          )}
        </Space>
      </div>
      <ProgressCard
        progress={progress.data ?? null}
        loading={progress.loading}
        error={progress.error}
        onPick={(id) => {
          setChosen(id);
          firstPage();
        }}
      />
      <Card size="small" title={t('leads.list')} className="leads-list">
        <Space wrap className="toolbar">
          <Radio.Group
            optionType="button"
            value={status}
            onChange={(event) => {
              setStatus(event.target.value as StatusFilter);
              firstPage();
            }}
            options={[
              { value: 'open', label: t('leadStatus.open') },
              { value: 'verified', label: t('leadStatus.verified') },
              { value: 'all', label: t('pendingStatus.all') },
            ]}
          />
          <Select<LeadTier>
            allowClear
            className="toolbar-select"
            placeholder={t('leads.allTiers')}
            value={tier}
            onChange={(value) => {
              setTier(value);
              firstPage();
            }}
            options={LEAD_TIERS.map((value) => ({ value, label: leadTierLabel(i18n, value) }))}
          />
          <Checkbox
            checked={overdue}
            onChange={(event) => {
              setOverdue(event.target.checked);
              firstPage();
            }}
          >
            {t('leads.overdueOnly')}
          </Checkbox>
          <Checkbox
            checked={mine}
            onChange={(event) => {
              setMine(event.target.checked);
              firstPage();
            }}
          >
            {t('leads.mine')}
          </Checkbox>
        </Space>
        <Table<LeadView>
          rowKey="id"
          size="middle"
          loading={list.loading}
          dataSource={list.data?.items ?? []}
          scroll={{ x: 'max-content' }}
          data-testid="leads-table"
          locale={{ emptyText: list.error ? errorText(i18n, list.error) : t('leads.empty') }}
          pagination={tablePaging(t, paging, list.data?.total ?? 0, setPaging)}
          columns={[
            {
              key: 'who',
              title: t('leads.who'),
              render: (_, lead) => (
                <Space direction="vertical" size={0}>
                  <a onClick={() => setShowing(lead.id)}>{lead.nameMasked ?? `#${lead.id}`}</a>
                  <span className="muted code-text">
                    {[lead.documentMasked, lead.phoneMasked].filter(Boolean).join(' · ')}
                  </span>
                </Space>
              ),
            },
            { key: 'reason', title: t('leads.reason'), dataIndex: 'reason', ellipsis: true, width: 260 },
            {
              key: 'area',
              title: t('field.area'),
              render: (_, lead) => (
                <Space direction="vertical" size={0}>
                  <span>{lead.area.name}</span>
                  <span className="muted">{leadRouteLabel(i18n, lead.routedBy)}</span>
                </Space>
              ),
            },
            {
              key: 'deadline',
              title: t('leads.deadline'),
              render: (_, lead) => (
                <span className={lead.overdue ? 'text-alert' : undefined}>
                  {i18n.formatDateTime(lead.deadline)}
                </span>
              ),
            },
            {
              key: 'status',
              title: t('field.status'),
              render: (_, lead) => (
                <Space size={2} wrap>
                  <LeadStatusTag lead={lead} />
                  {lead.status === 'open' && <Tag>{leadTierLabel(i18n, lead.tier)}</Tag>}
                  {lead.outcome && <Tag color="green">{leadOutcomeLabel(i18n, lead.outcome)}</Tag>}
                </Space>
              ),
            },
            {
              key: 'actions',
              title: t('common.actions'),
              render: (_, lead) =>
                lead.status === 'open' && canAt('health.write', lead.area.path) ? (
                  <Space size={4}>
                    <Button
                      size="small"
                      type="primary"
                      icon={<CheckCircleOutlined />}
                      onClick={() => setVerifying(lead)}
                    >
                      {t('leads.verify')}
                    </Button>
                    {lead.area.level !== 'grid' &&
                      lead.area.level !== 'microgrid' &&
                      lead.area.level !== 'cell' && (
                        <Button size="small" icon={<SendOutlined />} onClick={() => setRouting(lead)}>
                          {t('leads.route')}
                        </Button>
                      )}
                  </Space>
                ) : null,
            },
          ]}
        />
      </Card>
      {verifying && (
        <VerifyLeadDialog
          lead={verifying}
          onClose={() => setVerifying(null)}
          onDone={() => {
            setVerifying(null);
            reload();
          }}
        />
      )}
      {routing && (
        <RouteDialog
          lead={routing}
          onClose={() => setRouting(null)}
          onDone={() => {
            setRouting(null);
            reload();
          }}
        />
      )}
      {importing && node && (
        <ImportLeadsDialog area={node} onClose={() => setImporting(false)} onImported={reload} />
      )}
      <LeadDrawer id={showing} onClose={() => setShowing(null)} />
    </div>
  );
}

const clearedShare = (counts: ProgressCounts) =>
  counts.total === 0 ? 100 : Math.round((counts.verified / counts.total) * 1000) / 10;

function ProgressCard({
  progress,
  loading,
  error,
  onPick,
}: {
  progress: LeadProgress | null;
  loading: boolean;
  error: unknown;
  onPick: (areaId: number) => void;
}) {
  const i18n = useI18n();
  const { t } = i18n;
  if (error) return <Alert type="error" className="page-alert" title={errorText(i18n, error)} />;
  if (!progress) return loading ? <Spin className="page-spin" /> : null;
  const rows = [
    ...progress.rows,
    ...(progress.atNode.total > 0
      ? [{ ...progress.atNode, area: { ...progress.node, name: t('leads.inbox') } }]
      : []),
  ];
  return (
    <Card
      size="small"
      className="page-alert"
      data-testid="lead-progress"
      title={t('leads.progressTitle', { name: progress.node.name })}
      extra={
        progress.total.cleared ? (
          <Tag color="green">{t('leads.cleared')}</Tag>
        ) : (
          <Tag color="orange">{t('leads.leftToZero', { count: progress.total.leftToZero })}</Tag>
        )
      }
    >
      <Table
        rowKey={(row) => `${row.area.id}-${row.area.name}`}
        size="small"
        pagination={false}
        dataSource={rows}
        scroll={{ x: 'max-content' }}
        columns={[
          {
            key: 'area',
            title: t('field.area'),
            render: (_, row) =>
              row.area.id === progress.node.id ? (
                <span>
                  <InboxOutlined /> {row.area.name}
                </span>
              ) : (
                <a onClick={() => onPick(row.area.id)}>{row.area.name}</a>
              ),
          },
          {
            key: 'progress',
            title: t('leads.verifiedShare'),
            width: 220,
            render: (_, row) => (
              <Progress
                percent={clearedShare(row)}
                size="small"
                status={row.cleared ? 'success' : row.overdue > 0 ? 'exception' : 'active'}
                format={() => `${row.verified}/${row.total}`}
              />
            ),
          },
          { key: 'left', title: t('leads.left'), dataIndex: 'leftToZero', align: 'right' },
          {
            key: 'overdue',
            title: t('leads.overdue'),
            align: 'right',
            render: (_, row) => (
              <span className={row.overdue > 0 ? 'text-alert' : undefined}>{row.overdue}</span>
            ),
          },
          {
            key: 'cleared',
            title: '',
            render: (_, row) => (row.cleared ? <Tag color="green">{t('leads.cleared')}</Tag> : null),
          },
        ]}
      />
    </Card>
  );
}

function RouteDialog({ lead, onClose, onDone }: { lead: LeadView; onClose: () => void; onDone: () => void }) {
  const { t } = useI18n();
  const { message } = App.useApp();
  return (
    <FormModal<{ areaId: number; note?: string }>
      title={t('leads.routeTitle', { name: lead.nameMasked ?? `#${lead.id}` })}
      okText={t('leads.route')}
      onCancel={onClose}
      onSubmit={async (values) => {
        const note = values.note?.trim();
        await call(
          api.POST('/api/leads/{id}/route', {
            params: { path: { id: lead.id } },
            body: { areaId: values.areaId, ...(note ? { note } : {}) },
          }),
        );
        void message.success(t('leads.routed'));
        onDone();
      }}
    >
      {lead.address && <Alert type="info" showIcon className="dialog-hint" title={lead.address} />}
      <Form.Item
        name="areaId"
        label={t('leads.routeTo')}
        rules={[{ required: true, message: t('leads.routeRule') }]}
      >
        <AreaSelect placeholder={t('areaSelect.residentPlaceholder')} />
      </Form.Item>
      <Form.Item name="note" label={t('leads.note')} rules={[{ max: 500 }]}>
        <Input />
      </Form.Item>
    </FormModal>
  );
}

function ImportLeadsDialog({
  area,
  onClose,
  onImported,
}: {
  area: AreaDetail;
  onClose: () => void;
  onImported: () => void;
}) {
  const i18n = useI18n();
  const { t } = i18n;
  const [file, setFile] = useState<File | null>(null);
  const [report, setReport] = useState<LeadImportReport | null>(null);
  return (
    <FormModal<{ areaId: number; batch?: string }>
      testId="import-leads-dialog"
      title={t('leads.import')}
      okText={report ? t('common.ok') : t('import.start')}
      initialValues={{ areaId: area.id }}
      onCancel={onClose}
      onSubmit={async (values) => {
        if (report) return onClose();
        if (!file) throw new Error(t('leads.fileRule'));
        setReport(await api.leads.import(values.areaId, file, values.batch?.trim() || undefined));
        onImported();
      }}
    >
      {report ? (
        <div data-testid="lead-import-report">
          <Alert
            type={report.rejectedTotal > 0 ? 'warning' : 'success'}
            showIcon
            className="dialog-hint"
            title={t('leads.imported', {
              inserted: report.inserted,
              unchanged: report.unchanged,
              rejected: report.rejectedTotal,
            })}
            description={t('leads.importedRouted', {
              person: report.routed.person,
              address: report.routed.address,
              inbox: report.routed.inbox,
            })}
          />
          {report.rejected.length > 0 && (
            <Table
              size="small"
              rowKey={(row) => `${row.row}-${row.field}`}
              pagination={{ pageSize: 5, hideOnSinglePage: true }}
              dataSource={report.rejected}
              columns={[
                { key: 'row', title: t('import.row'), dataIndex: 'row' },
                { key: 'field', title: t('import.field'), dataIndex: 'field' },
                {
                  key: 'message',
                  title: t('import.message'),
                  render: (_, row) => fieldProblemText(i18n, row),
                },
              ]}
            />
          )}
        </div>
      ) : (
        <>
          <Form.Item
            name="areaId"
            label={t('leads.importArea')}
            extra={t('leads.importAreaHint')}
            rules={[{ required: true }]}
          >
            <AreaSelect initial={area} />
          </Form.Item>
          <Form.Item
            name="batch"
            label={t('leads.batch')}
            extra={t('leads.batchHint')}
            rules={[{ max: 200 }]}
          >
            <Input />
          </Form.Item>
          <Upload.Dragger
            accept=".xlsx,.csv"
            maxCount={1}
            beforeUpload={(chosen) => {
              setFile(chosen);
              return false;
            }}
            onRemove={() => setFile(null)}
          >
            <p className="ant-upload-drag-icon">
              <CloudUploadOutlined />
            </p>
            <p className="ant-upload-text">{t('import.drop')}</p>
            <p className="ant-upload-hint">{t('leads.columnsHint')}</p>
          </Upload.Dragger>
        </>
      )}
    </FormModal>
  );
}

function LeadDrawer({ id, onClose }: { id: number | null; onClose: () => void }) {
  const i18n = useI18n();
  const { t } = i18n;
  const lead = useLead(id);
  const data = lead.data;
  return (
    <Drawer open={id !== null} onClose={onClose} size={480} title={t('leads.detail')} destroyOnHidden>
      {lead.error ? (
        <Alert type="error" title={errorText(i18n, lead.error)} />
      ) : !data ? (
        <Spin />
      ) : (
        <Space direction="vertical" size={16} className="full-width">
          <Descriptions
            size="small"
            column={1}
            bordered
            className="details-table"
            items={[
              { key: 'name', label: t('field.name'), children: data.nameMasked ?? '—' },
              {
                key: 'identity',
                label: t('field.documentNumber'),
                children: <span className="code-text">{data.documentMasked ?? '—'}</span>,
              },
              {
                key: 'phone',
                label: t('field.phone'),
                children: <span className="code-text">{data.phoneMasked ?? '—'}</span>,
              },
              { key: 'address', label: t('field.address'), children: data.address ?? '—' },
              { key: 'reason', label: t('leads.reason'), children: data.reason },
              { key: 'deadline', label: t('leads.deadline'), children: i18n.formatDateTime(data.deadline) },
              { key: 'area', label: t('field.area'), children: data.area.name },
              {
                key: 'responsible',
                label: t('leads.holder'),
                children: data.responsible.map((who) => who.name).join('、') || '—',
              },
              ...(data.outcome
                ? [
                    {
                      key: 'outcome',
                      label: t('leads.outcome'),
                      children: leadOutcomeLabel(i18n, data.outcome),
                    },
                    {
                      key: 'measures',
                      label: t('leads.measures'),
                      children: data.measures.map((m) => leadMeasureLabel(i18n, m)).join('、') || '—',
                    },
                    { key: 'note', label: t('leads.note'), children: data.note ?? '—' },
                  ]
                : []),
            ]}
          />
          <Timeline
            items={data.history.map((event) => ({
              key: `${event.at}-${event.kind}`,
              color: event.kind === 'escalated' ? 'red' : event.kind === 'verified' ? 'green' : 'blue',
              content: (
                <div>
                  <strong>{leadEventLabel(i18n, event.kind)}</strong>{' '}
                  {event.toTier && <Tag>{leadTierLabel(i18n, event.toTier)}</Tag>}
                  {event.toArea && <span>{event.toArea.name}</span>}
                  <div className="muted">
                    {i18n.formatDateTime(event.at)} · {actorLabel(i18n, event.actor)}
                  </div>
                </div>
              ),
            }))}
          />
        </Space>
      )}
    </Drawer>
  );
}
