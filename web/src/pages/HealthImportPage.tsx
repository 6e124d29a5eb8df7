import { CloudUploadOutlined, DownloadOutlined, ReloadOutlined } from '@ant-design/icons';
import {
  Alert,
  App,
  Button,
  Card,
  Col,
  Form,
  Progress,
  Radio,
  Row,
  Select,
  Space,
  Spin,
  Statistic,
  Table,
  type TableProps,
  Tag,
  Typography,
  Upload,
} from 'antd';
import { useEffect, useRef, useState } from 'react';
import { api, type FeedKind, http } from '../api/client';
import { useFeedBatch, useFeedBatches, useOptionalArea } from '../api/hooks';
import type { FeedBatchSummary, FeedBatchView, LeadImportReport, RowRejectSchema } from '../api/model';
import { useAuth } from '../auth/AuthContext';
import { AreaSelect } from '../components/AreaSelect';
import { saveFile } from '../components/files';
import { tablePaging } from '../components/paging';
import { useI18n } from '../i18n/context';
import { errorText, fieldProblemText, recordKindLabel } from '../i18n/labels';

/** What the health desk uploads: the feeds' kinds (the background import the CLI uses) and lead lists. */
const UPLOAD_KINDS = ['tests', 'vaccinations', 'temperatures', 'healthcodes', 'riskareas', 'leads'] as const;
type UploadKind = (typeof UPLOAD_KINDS)[number];
const FEED_KINDS: readonly FeedKind[] = ['tests', 'vaccinations', 'temperatures', 'healthcodes', 'riskareas'];

const STATUS_COLOURS: Record<FeedBatchSummary['status'], string> = {
  received: 'default',
  processing: 'processing',
  done: 'success',
  failed: 'error',
};

/** The health department's desk (1920×1080): upload a file, watch it run, read its rejects; the area's uploads below. */
export function HealthImportPage() {
  const i18n = useI18n();
  const { t } = i18n;
  const { message } = App.useApp();
  const { me } = useAuth();
  // The one area where the user may upload, when there is just one: chosen for them.
  const own = (me?.grants ?? []).filter((g) => g.rights.includes('health.manage'));
  const [areaId, setAreaId] = useState<number | undefined>(own.length === 1 ? own[0]!.areaId : undefined);
  const area = useOptionalArea(own.length === 1 ? own[0]!.areaId : undefined);
  const [kind, setKind] = useState<UploadKind>('tests');
  const [sending, setSending] = useState(false);
  const [batchId, setBatchId] = useState<number | null>(null);
  const [leads, setLeads] = useState<{ file: string; report: LeadImportReport } | null>(null);
  const [version, setVersion] = useState(0);
  const batch = useFeedBatch(batchId);

  const send = async (file: File) => {
    if (areaId === undefined) {
      void message.error(t('healthImport.areaRule'));
      return;
    }
    setSending(true);
    setBatchId(null);
    setLeads(null);
    try {
      if (kind === 'leads') setLeads({ file: file.name, report: await api.leads.import(areaId, file) });
      else setBatchId((await api.health.upload(kind, file, areaId)).batchId);
      setVersion((v) => v + 1);
    } catch (error) {
      void message.error(errorText(i18n, error));
    } finally {
      setSending(false);
    }
  };

  return (
    <div className="page" data-testid="health-import-page">
      <Row gutter={[16, 16]}>
        <Col xs={24} xl={10}>
          <Card title={t('healthImport.title')}>
            <Form layout="vertical">
              <Form.Item label={t('healthImport.kind')}>
                <Radio.Group
                  optionType="button"
                  buttonStyle="solid"
                  value={kind}
                  onChange={(event) => setKind(event.target.value as UploadKind)}
                  options={UPLOAD_KINDS.map((value) => ({
                    value,
                    label: value === 'leads' ? t('healthImport.kind.leads') : recordKindLabel(i18n, value),
                  }))}
                  data-testid="health-import-kind"
                />
              </Form.Item>
              <Form.Item label={t('healthImport.area')} extra={t('healthImport.areaHint')} required>
                <AreaSelect value={areaId} onChange={(id) => setAreaId(id)} initial={area.data ?? null} />
              </Form.Item>
              <Spin spinning={sending} description={t('healthImport.uploading')}>
                <Upload.Dragger
                  accept=".xlsx,.csv,.txt"
                  multiple={false}
                  showUploadList={false}
                  beforeUpload={(file) => {
                    void send(file);
                    // The file goes to our own upload call, not to an upload of antd's own.
                    return Upload.LIST_IGNORE;
                  }}
                  data-testid="health-import-upload"
                >
                  <p className="ant-upload-drag-icon">
                    <CloudUploadOutlined />
                  </p>
                  <p className="ant-upload-text">{t('healthImport.drop')}</p>
                  <p className="ant-upload-hint">
                    {kind === 'leads' ? t('leads.columnsHint') : t('healthImport.dropHint')}
                  </p>
                </Upload.Dragger>
              </Spin>
            </Form>
            {batchId !== null && (
              <BatchProgress
                batch={batch.data ?? null}
                error={batch.error}
                onRetry={batch.reload}
                onFinished={() => setVersion((v) => v + 1)}
              />
            )}
            {leads && <LeadsResult file={leads.file} report={leads.report} />}
          </Card>
        </Col>
        <Col xs={24} xl={14}>
          <BatchList version={version} />
        </Col>
      </Row>
    </div>
  );
}

/** A running upload's progress, then its counts and rejects with the reject file. */
function BatchProgress({
  batch,
  error,
  onRetry,
  onFinished,
}: {
  batch: FeedBatchView | null;
  error: unknown;
  onRetry: () => void;
  onFinished: () => void;
}) {
  const i18n = useI18n();
  const { t } = i18n;
  const { message } = App.useApp();
  const finished = batch?.status === 'done' || batch?.status === 'failed';
  // Refresh the list once, when the batch ends (the callback is a new function every render).
  const notify = useRef(onFinished);
  notify.current = onFinished;
  useEffect(() => {
    if (finished) notify.current();
  }, [finished]);

  if (error)
    return (
      <Alert
        className="page-alert"
        type="warning"
        showIcon
        title={errorText(i18n, error)}
        action={<Button onClick={onRetry}>{t('common.retry')}</Button>}
      />
    );
  if (!batch) return <Spin className="page-spin" />;
  const file = batch.fileName ?? '';
  if (!finished) {
    const percent =
      batch.totalBytes && batch.totalBytes > 0
        ? Math.min(99, Math.floor((batch.bytesRead / batch.totalBytes) * 100))
        : 0;
    return (
      <div className="import-running" data-testid="health-import-running">
        <Typography.Title level={5}>{t('healthImport.running', { file })}</Typography.Title>
        <Progress percent={percent} status="active" />
        <Typography.Text type="secondary">
          {t('healthImport.processed', { rows: batch.processed })}
        </Typography.Text>
      </div>
    );
  }

  const downloadRejects = async () => {
    try {
      saveFile(
        await http.download(
          `/feeds/batches/${batch.batchId}/rejects.xlsx`,
          `rejects-batch-${batch.batchId}.xlsx`,
        ),
      );
    } catch (failure) {
      void message.error(errorText(i18n, failure));
    }
  };
  const report = batch.report;
  return (
    <Space orientation="vertical" size="middle" className="full-width" data-testid="health-import-result">
      <Alert
        className="page-alert"
        type={batch.status === 'failed' ? 'error' : batch.rejectedTotal > 0 ? 'warning' : 'success'}
        showIcon
        title={t(batch.status === 'failed' ? 'healthImport.failed' : 'healthImport.done', { file })}
        description={batch.error ?? undefined}
      />
      <Row gutter={[16, 16]}>
        {(
          [
            ['import.inserted', report.inserted],
            ['import.updated', report.updated],
            ['import.unchanged', report.unchanged],
            ['healthImport.matched', report.matched],
            ['healthImport.unmatched', report.unmatched],
            ['import.rejected', batch.rejectedTotal],
          ] as const
        ).map(([key, value]) => (
          <Col key={key} span={8}>
            <Statistic title={t(key)} value={value} data-testid={`health-import-${key}`} />
          </Col>
        ))}
      </Row>
      {batch.rejectedTotal > 0 && (
        <>
          <Space wrap>
            <Button
              icon={<DownloadOutlined />}
              onClick={() => void downloadRejects()}
              data-testid="health-rejects-download"
            >
              {t('import.downloadRejects')}
            </Button>
            {report.rejected.length < batch.rejectedTotal && (
              <Typography.Text type="secondary">
                {t('import.rejectsShown', { shown: report.rejected.length, total: batch.rejectedTotal })}
              </Typography.Text>
            )}
          </Space>
          <RejectTable rejects={report.rejected} />
        </>
      )}
    </Space>
  );
}

function RejectTable({ rejects }: { rejects: RowRejectSchema[] }) {
  const i18n = useI18n();
  const { t } = i18n;
  return (
    <Table<RowRejectSchema>
      size="small"
      rowKey={(row) => `${row.row}-${row.field}-${row.code}`}
      pagination={{ pageSize: 10, hideOnSinglePage: true }}
      dataSource={rejects}
      data-testid="health-rejects-table"
      columns={[
        { key: 'row', title: t('import.row'), dataIndex: 'row', width: 80, align: 'right' },
        { key: 'field', title: t('import.fileHeader'), dataIndex: 'field', className: 'nowrap' },
        { key: 'message', title: t('import.message'), render: (_, row) => fieldProblemText(i18n, row) },
      ]}
    />
  );
}

function LeadsResult({ file, report }: { file: string; report: LeadImportReport }) {
  const { t } = useI18n();
  return (
    <Space orientation="vertical" size="middle" className="full-width" data-testid="health-leads-result">
      <Alert
        className="page-alert"
        type={report.rejectedTotal > 0 ? 'warning' : 'success'}
        showIcon
        title={`${t('healthImport.leadsDone')} · ${file}`}
        description={
          <>
            <div>
              {t('leads.imported', {
                inserted: report.inserted,
                unchanged: report.unchanged,
                rejected: report.rejectedTotal,
              })}
            </div>
            <div>{t('leads.importedRouted', report.routed)}</div>
          </>
        }
      />
      {report.rejected.length > 0 && <RejectTable rejects={report.rejected} />}
    </Space>
  );
}

/** The uploads and pushed batches of the caller's area, newest first. */
function BatchList({ version }: { version: number }) {
  const i18n = useI18n();
  const { t } = i18n;
  const [kind, setKind] = useState<FeedKind | undefined>(undefined);
  const [paging, setPaging] = useState({ page: 1, pageSize: 20 });
  const [tick, setTick] = useState(0);
  const list = useFeedBatches({ ...paging, ...(kind ? { kind } : {}) }, version + tick);

  const columns: TableProps<FeedBatchSummary>['columns'] = [
    {
      key: 'time',
      title: t('healthImport.column.time'),
      render: (_, row) => <span className="nowrap">{i18n.formatDateTime(row.createdAt)}</span>,
    },
    {
      key: 'kind',
      title: t('healthImport.column.kind'),
      render: (_, row) => recordKindLabel(i18n, row.kind),
    },
    { key: 'area', title: t('healthImport.column.area'), render: (_, row) => row.area.name },
    {
      key: 'file',
      title: t('healthImport.column.file'),
      render: (_, row) => row.fileName ?? `${t('healthImport.push')} · ${row.source}`,
    },
    {
      key: 'status',
      title: t('healthImport.column.status'),
      render: (_, row) => (
        <Tag color={STATUS_COLOURS[row.status]} title={row.error ?? undefined}>
          {t(`feedStatus.${row.status}`)}
        </Tag>
      ),
    },
    {
      key: 'counts',
      title: t('healthImport.column.counts'),
      align: 'right',
      render: (_, row) => `${row.inserted} / ${row.updated} / ${row.unchanged}`,
    },
    {
      key: 'matched',
      title: t('healthImport.column.matched'),
      align: 'right',
      render: (_, row) => `${row.matched} / ${row.unmatched}`,
    },
    {
      key: 'rejected',
      title: t('healthImport.column.rejected'),
      align: 'right',
      render: (_, row) =>
        row.rejectedTotal > 0 ? (
          <a
            onClick={() =>
              void http
                .download(`/feeds/batches/${row.batchId}/rejects.xlsx`, `rejects-batch-${row.batchId}.xlsx`)
                .then(saveFile)
            }
          >
            {row.rejectedTotal} <DownloadOutlined />
          </a>
        ) : (
          0
        ),
    },
    { key: 'sentBy', title: t('healthImport.column.sentBy'), render: (_, row) => row.sentBy ?? '—' },
  ];

  return (
    <Card
      title={t('healthImport.batches')}
      extra={
        <Space>
          <Select<FeedKind | ''>
            style={{ minWidth: 140 }}
            value={kind ?? ''}
            onChange={(next) => {
              setKind(next || undefined);
              setPaging((p) => ({ ...p, page: 1 }));
            }}
            options={[
              { value: '', label: t('healthImport.allKinds') },
              ...FEED_KINDS.map((value) => ({ value, label: recordKindLabel(i18n, value) })),
            ]}
          />
          <Button icon={<ReloadOutlined />} onClick={() => setTick((n) => n + 1)}>
            {t('common.refresh')}
          </Button>
        </Space>
      }
    >
      <Table<FeedBatchSummary>
        rowKey="batchId"
        size="middle"
        loading={list.loading}
        dataSource={list.data?.items ?? []}
        columns={columns}
        scroll={{ x: 'max-content' }}
        data-testid="health-batches-table"
        locale={{ emptyText: list.error ? errorText(i18n, list.error) : t('healthImport.batchesEmpty') }}
        pagination={tablePaging(t, paging, list.data?.total ?? 0, setPaging)}
      />
    </Card>
  );
}
