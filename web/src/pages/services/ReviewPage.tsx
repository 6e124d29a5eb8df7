import { DownloadOutlined, ReloadOutlined } from '@ant-design/icons';
import {
  App,
  Button,
  Card,
  DatePicker,
  Space,
  Spin,
  Table,
  type TableColumnsType as ColumnsType,
  Tag,
  Typography,
} from 'antd';
import dayjs, { type Dayjs } from 'dayjs';
import { lazy, Suspense, useState } from 'react';
import { saveFile } from '../../components/files';
import { api, call, http } from '../../api/client';
import { useResource } from '../../api/hooks';
import type { AreaReview, ReviewExportQuery, ReviewQuery, WorkerReview } from '../../api/model';
import { AreaSelect } from '../../components/AreaSelect';
import { ErrorText, percent, useMinutes, usePageArea } from '../../components/services/common';
import { useI18n } from '../../i18n/context';
import { errorText, roleLabel } from '../../i18n/labels';

const ReviewChart = lazy(() =>
  import('../../components/services/ServiceCharts').then((module) => ({ default: module.ReviewChart })),
);

const DAY = 'YYYY-MM-DD';

/** The figures a worker's row and an area's row share. */
type ReviewFigures = Pick<
  AreaReview & WorkerReview,
  | 'eventsHandled'
  | 'medianRespondMinutes'
  | 'medianCloseMinutes'
  | 'overdueEvents'
  | 'overdueShare'
  | 'ratingAverage'
  | 'ratingCount'
  | 'visits'
>;

/** A child area's row, or the subtree's total at the bottom. */
type AreaRow = AreaReview & { total?: boolean };

/** 考核: events handled, response and closing times, overdue share, ratings and visits, per worker and area. */
export function ReviewPage() {
  const i18n = useI18n();
  const { t } = i18n;
  const { message } = App.useApp();
  const { areaId, area, setArea } = usePageArea();
  const [range, setRange] = useState<[Dayjs, Dayjs]>(() => [dayjs().startOf('month'), dayjs()]);
  const [page, setPage] = useState({ page: 1, pageSize: 20 });
  const [version, setVersion] = useState(0);
  const [exporting, setExporting] = useState(false);
  const minutes = useMinutes();
  const query: ReviewQuery | null =
    areaId === undefined ? null : { areaId, from: range[0].format(DAY), to: range[1].format(DAY) };
  const areas = useResource(
    (signal) =>
      query === null
        ? Promise.resolve(null)
        : call(api.GET('/api/review/areas', { params: { query }, signal })),
    [JSON.stringify(query), version],
  );
  const workers = useResource(
    (signal) =>
      query === null
        ? Promise.resolve(null)
        : call(api.GET('/api/review/workers', { params: { query: { ...query, ...page } }, signal })),
    [JSON.stringify(query), JSON.stringify(page), version],
  );

  const figures = <T extends ReviewFigures>(): ColumnsType<T> => [
    { key: 'handled', title: t('review.eventsHandled'), dataIndex: 'eventsHandled', align: 'right' },
    {
      key: 'respond',
      title: t('review.medianRespond'),
      align: 'right',
      render: (_, row) => minutes(row.medianRespondMinutes),
    },
    {
      key: 'close',
      title: t('review.medianClose'),
      align: 'right',
      render: (_, row) => minutes(row.medianCloseMinutes),
    },
    {
      key: 'overdue',
      title: t('review.overdueShare'),
      align: 'right',
      render: (_, row) => (
        <span className={row.overdueShare && row.overdueShare > 0.1 ? 'text-alert' : undefined}>
          {percent(row.overdueShare)}
          {row.overdueEvents > 0 && <span className="muted"> ({row.overdueEvents})</span>}
        </span>
      ),
    },
    {
      key: 'rating',
      title: t('review.rating'),
      align: 'right',
      render: (_, row) =>
        row.ratingAverage === null ? '—' : `${row.ratingAverage.toFixed(2)} (${row.ratingCount})`,
    },
    { key: 'visits', title: t('review.visits'), dataIndex: 'visits', align: 'right' },
  ];

  const exportXlsx = async () => {
    if (!query) return;
    setExporting(true);
    try {
      const exportQuery: ReviewExportQuery = { ...query, lang: i18n.locale };
      const file = await http.download(
        '/review/export.xlsx',
        `review-${query.from}-${query.to}.xlsx`,
        exportQuery,
      );
      saveFile(file);
    } catch (error) {
      void message.error(errorText(i18n, error));
    } finally {
      setExporting(false);
    }
  };

  const childRows = (areas.data?.items ?? []).filter((row) => !row.ownLevel);

  return (
    <div className="page" data-testid="review-page">
      <div className="page-title-row">
        <Typography.Title level={3} className="page-title">
          {t('review.title')}
        </Typography.Title>
        <Space wrap>
          <div className="toolbar-area">
            <AreaSelect value={areaId} initial={area} onChange={(id) => setArea(id)} />
          </div>
          <DatePicker.RangePicker
            value={range}
            allowClear={false}
            disabledDate={(day) => day.isAfter(dayjs(), 'day')}
            presets={[
              { label: t('review.thisMonth'), value: [dayjs().startOf('month'), dayjs()] },
              {
                label: t('review.lastMonth'),
                value: [
                  dayjs().subtract(1, 'month').startOf('month'),
                  dayjs().subtract(1, 'month').endOf('month'),
                ],
              },
              { label: t('review.last30'), value: [dayjs().subtract(29, 'day'), dayjs()] },
              { label: t('review.thisYear'), value: [dayjs().startOf('year'), dayjs()] },
            ]}
            onChange={(next) => {
              if (next?.[0] && next[1]) {
                setRange([next[0], next[1]]);
                setPage((current) => ({ ...current, page: 1 }));
              }
            }}
          />
          <Button icon={<ReloadOutlined />} onClick={() => setVersion((v) => v + 1)}>
            {t('common.refresh')}
          </Button>
          <Button
            type="primary"
            icon={<DownloadOutlined />}
            loading={exporting}
            disabled={!query}
            onClick={() => void exportXlsx()}
            data-testid="review-export"
          >
            {t('review.export')}
          </Button>
        </Space>
      </div>
      <Card size="small" title={t('review.byArea')} style={{ marginBottom: 12 }}>
        {areas.error ? (
          <ErrorText error={areas.error} />
        ) : (
          <>
            {childRows.length > 0 && (
              <Suspense fallback={<Spin />}>
                <ReviewChart
                  rows={childRows.map((row) => ({
                    name: row.name,
                    handled: row.eventsHandled,
                    overdueShare: row.overdueShare,
                  }))}
                  labels={{ handled: t('review.eventsHandled'), overdue: t('review.overdueShare') }}
                />
              </Suspense>
            )}
            <Table<AreaRow>
              rowKey={(row) => (row.total ? 'total' : `${row.areaId}-${String(row.ownLevel)}`)}
              size="small"
              loading={areas.loading}
              pagination={false}
              scroll={{ x: 'max-content' }}
              data-testid="review-areas"
              dataSource={
                areas.data ? [...areas.data.items, { ...areas.data.total, ownLevel: false, total: true }] : []
              }
              rowClassName={(row) => (row.total ? 'review-total-row' : '')}
              columns={[
                {
                  key: 'name',
                  title: t('field.area'),
                  render: (_, row) =>
                    row.total ? (
                      <strong>{t('review.total', { name: row.name })}</strong>
                    ) : (
                      <Space size={4}>
                        {row.name}
                        {row.ownLevel && <Tag>{t('review.ownLevel')}</Tag>}
                      </Space>
                    ),
                },
                {
                  key: 'created',
                  title: t('review.eventsCreated'),
                  dataIndex: 'eventsCreated',
                  align: 'right',
                },
                ...figures<AreaRow>(),
              ]}
            />
          </>
        )}
      </Card>
      <Card size="small" title={t('review.byWorker')}>
        {workers.error ? (
          <ErrorText error={workers.error} />
        ) : (
          <Table<WorkerReview>
            rowKey="userId"
            size="small"
            loading={workers.loading}
            dataSource={workers.data?.items ?? []}
            scroll={{ x: 'max-content' }}
            data-testid="review-workers"
            locale={{ emptyText: t('review.noWorkers') }}
            pagination={{
              current: page.page,
              pageSize: page.pageSize,
              total: workers.data?.total ?? 0,
              showTotal: (total) => t('common.total', { total }),
              onChange: (next, pageSize) => setPage({ page: next, pageSize }),
            }}
            columns={[
              {
                key: 'name',
                title: t('review.worker'),
                fixed: 'left',
                render: (_, row) => (
                  <Space direction="vertical" size={0}>
                    <span>{row.displayName}</span>
                    <span className="muted">
                      {row.roles.map((role) => roleLabel(i18n, role)).join('、')}
                      {row.areas.length > 0 && ` · ${row.areas.map((a) => a.name).join('、')}`}
                    </span>
                  </Space>
                ),
              },
              ...figures<WorkerReview>(),
            ]}
          />
        )}
      </Card>
    </div>
  );
}
