import { DownloadOutlined, InboxOutlined, ReloadOutlined } from '@ant-design/icons';
import {
  Alert,
  App,
  Button,
  Card,
  Col,
  Progress,
  Radio,
  Result,
  Row,
  Select,
  Space,
  Spin,
  Statistic,
  Steps,
  Table,
  type TableProps,
  Tag,
  Typography,
  Upload,
} from 'antd';
import { useMemo, useState } from 'react';
import { api, http } from '../api/client';
import { useImportJob } from '../api/hooks';
import type { ImportJobView, ImportPreview, RowRejectSchema } from '../api/model';
import { IMPORT_KINDS, type ImportKind } from '../api/vocabulary';
import { saveFile } from '../components/files';
import { useI18n } from '../i18n/context';
import { fieldProblemText, errorText, fieldLabel } from '../i18n/labels';

type Mapping = Record<string, string | null>;

/** A field's name in the user's language; a unit's "name" is the unit's, not a person's. */
const importFieldLabel = (i18n: Parameters<typeof fieldLabel>[0], kind: ImportKind, field: string) =>
  fieldLabel(i18n, kind === 'units' && field === 'name' ? 'unitName' : field);

/** Columns every file of a kind needs (the preview then lists them all, with their synonyms). */
const REQUIRED_COLUMNS: Record<ImportKind, string[]> = {
  persons: ['name', 'documentNumber', 'gridCode', 'residenceType'],
  houses: ['address', 'gridCode'],
  units: ['name', 'category', 'gridCode'],
};

interface Draft {
  kind: ImportKind;
  file: File;
  preview: ImportPreview;
  mapping: Mapping;
}

/** Upload → check the columns → import in the background with progress → counts and rejected rows. */
export function ImportPage() {
  const { t } = useI18n();
  const [kind, setKind] = useState<ImportKind>('persons');
  const [draft, setDraft] = useState<Draft | null>(null);
  const [jobId, setJobId] = useState<string | null>(null);
  const job = useImportJob(jobId);
  const step = jobId ? (job.data && job.data.status !== 'running' ? 3 : 2) : draft ? 1 : 0;

  const restart = () => {
    setDraft(null);
    setJobId(null);
  };

  return (
    <div className="page" data-testid="import-page">
      <Card title={t('import.title')}>
        <Steps
          current={step}
          status={step === 3 ? (job.data?.status === 'failed' ? 'error' : 'finish') : 'process'}
          size="small"
          className="import-steps"
          items={[
            { title: t('import.stepFile') },
            { title: t('import.stepMapping') },
            { title: t('import.stepRun') },
            { title: t('import.stepResult') },
          ]}
        />
        {step === 0 && (
          <FileStep
            kind={kind}
            onKind={setKind}
            onPreview={(file, preview) => setDraft({ kind, file, preview, mapping: preview.mapping })}
          />
        )}
        {step === 1 && draft && (
          <MappingStep
            draft={draft}
            onMapping={(mapping) => setDraft({ ...draft, mapping })}
            onStarted={(started) => setJobId(started.id)}
            onBack={restart}
          />
        )}
        {step === 2 && (
          <RunningStep
            job={job.data ?? null}
            error={job.error}
            fileName={draft?.file.name ?? ''}
            onRetry={job.reload}
          />
        )}
        {step === 3 && job.data && <ResultStep job={job.data} onAgain={restart} />}
      </Card>
    </div>
  );
}

interface FileStepProps {
  kind: ImportKind;
  onKind: (kind: ImportKind) => void;
  onPreview: (file: File, preview: ImportPreview) => void;
}

function FileStep({ kind, onKind, onPreview }: FileStepProps) {
  const i18n = useI18n();
  const { t } = i18n;
  const { message } = App.useApp();
  const [reading, setReading] = useState(false);

  const read = async (file: File) => {
    setReading(true);
    try {
      onPreview(file, await api.imports.preview(kind, file));
    } catch (error) {
      void message.error(errorText(i18n, error));
    } finally {
      setReading(false);
    }
  };

  return (
    <Space orientation="vertical" size="large" className="full-width">
      <div>
        <Typography.Text strong>{t('import.kind')}</Typography.Text>
        <div className="import-kinds">
          <Radio.Group
            optionType="button"
            buttonStyle="solid"
            value={kind}
            onChange={(event) => onKind(event.target.value as ImportKind)}
            options={IMPORT_KINDS.map((value) => ({ value, label: t(`import.kind.${value}`) }))}
          />
        </div>
      </div>
      <Spin spinning={reading} description={t('import.reading')}>
        <Upload.Dragger
          accept=".xlsx,.csv,.txt"
          multiple={false}
          showUploadList={false}
          beforeUpload={(file) => {
            void read(file);
            // The file goes to the preview call, not to an upload of antd's own.
            return Upload.LIST_IGNORE;
          }}
          data-testid="import-upload"
        >
          <p className="ant-upload-drag-icon">
            <InboxOutlined />
          </p>
          <p className="ant-upload-text">{t('import.drop')}</p>
          <p className="ant-upload-hint">{t('import.dropHint')}</p>
        </Upload.Dragger>
      </Spin>
      <Alert
        type="info"
        showIcon
        title={t('import.columnsHint', {
          required: REQUIRED_COLUMNS[kind].map((field) => importFieldLabel(i18n, kind, field)).join('、'),
        })}
        description={t('import.synonymsHint')}
      />
    </Space>
  );
}

interface MappingStepProps {
  draft: Draft;
  onMapping: (mapping: Mapping) => void;
  onStarted: (job: ImportJobView) => void;
  onBack: () => void;
}

interface HeaderRow {
  header: string;
  samples: string[];
}

/** One row per column of the file: what it holds, and the field it fills (the server's guess first). */
function MappingStep({ draft, onMapping, onStarted, onBack }: MappingStepProps) {
  const i18n = useI18n();
  const { t } = i18n;
  const { message } = App.useApp();
  const [starting, setStarting] = useState(false);
  const { preview, mapping } = draft;
  const fields = preview.fields;

  const chosen = Object.values(mapping).filter((field): field is string => field !== null);
  const missing = fields.filter((field) => field.required && !chosen.includes(field.field));
  const duplicates = [...new Set(chosen.filter((field, i) => chosen.indexOf(field) !== i))];

  const rows: HeaderRow[] = useMemo(
    () =>
      preview.headers.map((header) => ({
        header,
        samples: preview.rows
          .map((row) => row.values[header] ?? '')
          .filter(Boolean)
          .slice(0, 3),
      })),
    [preview],
  );

  const start = async () => {
    setStarting(true);
    try {
      onStarted(await api.imports.start(draft.kind, draft.file, mapping));
    } catch (error) {
      void message.error(errorText(i18n, error));
    } finally {
      setStarting(false);
    }
  };

  const columns: TableProps<HeaderRow>['columns'] = [
    {
      title: t('import.fileHeader'),
      dataIndex: 'header',
      render: (_v, row) => <strong>{row.header}</strong>,
    },
    {
      title: t('import.sample'),
      key: 'samples',
      responsive: ['md'],
      render: (_v, row) => <span className="muted import-samples">{row.samples.join(' · ')}</span>,
    },
    {
      title: t('import.field'),
      key: 'field',
      width: 260,
      render: (_v, row) => {
        const value = mapping[row.header] ?? null;
        return (
          <Select<string>
            className="full-width"
            value={value ?? ''}
            status={value && duplicates.includes(value) ? 'error' : undefined}
            onChange={(next) => onMapping({ ...mapping, [row.header]: next || null })}
            options={[
              { value: '', label: <span className="muted">{t('import.ignore')}</span> },
              ...fields.map((field) => ({
                value: field.field,
                label: (
                  <span>
                    {importFieldLabel(i18n, draft.kind, field.field)}
                    {field.required && <span className="required-mark"> *</span>}
                  </span>
                ),
              })),
            ]}
            data-testid="mapping-select"
          />
        );
      },
    },
  ];

  return (
    <Space orientation="vertical" size="middle" className="full-width">
      <Alert
        type="info"
        showIcon
        title={preview.fileName}
        description={[
          preview.format.toUpperCase(),
          preview.encoding,
          preview.sheetName,
          t('import.headerCount', { count: preview.headers.length }),
        ]
          .filter(Boolean)
          .join(' · ')}
      />
      <Table<HeaderRow>
        size="small"
        rowKey="header"
        columns={columns}
        dataSource={rows}
        pagination={false}
        data-testid="mapping-table"
      />
      {missing.length > 0 && (
        <Alert
          type="error"
          showIcon
          title={t('import.missing', {
            fields: missing.map((field) => importFieldLabel(i18n, draft.kind, field.field)).join('、'),
          })}
        />
      )}
      {duplicates.map((field) => (
        <Alert
          key={field}
          type="error"
          showIcon
          title={t('import.duplicateField', { field: importFieldLabel(i18n, draft.kind, field) })}
        />
      ))}
      <Space wrap>
        <Button
          type="primary"
          loading={starting}
          disabled={missing.length > 0 || duplicates.length > 0}
          onClick={() => void start()}
          data-testid="import-start"
        >
          {t('import.start')}
        </Button>
        <Button onClick={onBack}>{t('import.chooseAgain')}</Button>
      </Space>
      <Typography.Text type="secondary">{t('import.rerunHint')}</Typography.Text>
    </Space>
  );
}

interface RunningStepProps {
  job: ImportJobView | null;
  error: unknown;
  fileName: string;
  onRetry: () => void;
}

function RunningStep({ job, error, fileName, onRetry }: RunningStepProps) {
  const i18n = useI18n();
  const { t } = i18n;
  if (error) {
    return (
      <Result
        status="warning"
        title={errorText(i18n, error)}
        extra={<Button onClick={onRetry}>{t('common.retry')}</Button>}
      />
    );
  }
  const percent =
    job?.totalBytes && job.totalBytes > 0
      ? Math.min(99, Math.floor((job.bytesRead / job.totalBytes) * 100))
      : 0;
  return (
    <div className="import-running" data-testid="import-running">
      <Typography.Title level={5}>
        {t('import.running', { file: job?.fileName ?? fileName })}
      </Typography.Title>
      <Progress percent={percent} status="active" />
      <Typography.Text type="secondary">
        {t('import.processed', { rows: job?.processedRows ?? 0 })}
      </Typography.Text>
    </div>
  );
}

function ResultStep({ job, onAgain }: { job: ImportJobView; onAgain: () => void }) {
  const i18n = useI18n();
  const { t } = i18n;
  const { message } = App.useApp();
  const report = job.report;
  const failed = job.status === 'failed';

  const downloadRejects = async () => {
    try {
      saveFile(await http.download(`/imports/${job.id}/rejects.xlsx`, `rejects-${job.id}.xlsx`));
    } catch (error) {
      void message.error(errorText(i18n, error));
    }
  };

  const columns: TableProps<RowRejectSchema>['columns'] = [
    { title: t('import.row'), dataIndex: 'row', width: 80, align: 'right' },
    { title: t('import.fileHeader'), dataIndex: 'field', className: 'nowrap' },
    {
      title: t('import.code'),
      dataIndex: 'code',
      render: (_v, reject) => (
        <Space size={4} wrap>
          <Tag color="red" className="code-text">
            {reject.code}
          </Tag>
        </Space>
      ),
    },
    {
      title: t('import.message'),
      dataIndex: 'message',
      // Made from the stable code and its params in the page's language.
      render: (_v, reject) => fieldProblemText(i18n, reject),
    },
  ];

  return (
    <Space orientation="vertical" size="middle" className="full-width" data-testid="import-result">
      {failed ? (
        <Alert type="error" showIcon title={t('import.failed')} description={job.error ?? undefined} />
      ) : (
        <Alert type="success" showIcon title={t('import.done')} description={job.fileName} />
      )}
      {report && (
        <Row gutter={[12, 12]}>
          <Col xs={12} sm={6}>
            <Card size="small">
              <Statistic title={t('import.inserted')} value={report.inserted} />
            </Card>
          </Col>
          <Col xs={12} sm={6}>
            <Card size="small">
              <Statistic title={t('import.updated')} value={report.updated} />
            </Card>
          </Col>
          <Col xs={12} sm={6}>
            <Card size="small">
              <Statistic title={t('import.unchanged')} value={report.unchanged} />
            </Card>
          </Col>
          <Col xs={12} sm={6}>
            <Card size="small">
              <Statistic
                title={t('import.rejected')}
                value={job.rejectedTotal}
                styles={{ content: job.rejectedTotal > 0 ? { color: '#cf1322' } : {} }}
              />
            </Card>
          </Col>
        </Row>
      )}
      {report && report.rejected.length > 0 && (
        <Card
          size="small"
          title={t('import.rejects')}
          extra={
            <Button
              icon={<DownloadOutlined />}
              onClick={() => void downloadRejects()}
              data-testid="download-rejects"
            >
              {t('import.downloadRejects')}
            </Button>
          }
        >
          {job.rejectedTotal > report.rejected.length && (
            <Typography.Paragraph type="secondary">
              {t('import.rejectsShown', { shown: report.rejected.length, total: job.rejectedTotal })}
            </Typography.Paragraph>
          )}
          <Table<RowRejectSchema>
            size="small"
            rowKey={(reject) => `${reject.row}-${reject.field}-${reject.code}`}
            columns={columns}
            dataSource={report.rejected}
            pagination={{ pageSize: 20, size: 'small', showSizeChanger: false }}
            data-testid="rejects-table"
          />
        </Card>
      )}
      <Button icon={<ReloadOutlined />} onClick={onAgain}>
        {t('import.another')}
      </Button>
    </Space>
  );
}
