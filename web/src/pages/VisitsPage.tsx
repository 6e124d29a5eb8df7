import { PlusOutlined } from '@ant-design/icons';
import {
  Button,
  Card,
  Col,
  DatePicker,
  Empty,
  Progress,
  Row,
  Space,
  Spin,
  Table,
  type TableProps,
  Tag,
} from 'antd';
import dayjs, { type Dayjs } from 'dayjs';
import { lazy, Suspense, useMemo, useState } from 'react';
import { Link, useNavigate } from 'react-router-dom';
import { useAreaRoots, useCoverage, useVisitList } from '../api/hooks';
import type { AreaView, CoverageRow, VisitView } from '../api/model';
import { useAuth } from '../auth/AuthContext';
import { AreaSelect } from '../components/AreaSelect';
import { useI18n } from '../i18n/context';
import { errorText } from '../i18n/labels';
import { tablePaging } from '../components/paging';

const CoverageChart = lazy(() =>
  import('../components/visits/CoverageChart').then((module) => ({ default: module.CoverageChart })),
);

type CoverageTreeRow = CoverageRow & { children?: CoverageTreeRow[] };

/** Grids with their micro-grids folded under them (a micro-grid's code extends its grid's). */
function coverageTree(rows: CoverageRow[]): CoverageTreeRow[] {
  const grids = rows.filter((row) => row.area.level === 'grid');
  if (grids.length === 0) return rows;
  const placed = new Set<number>();
  const tree = grids.map((grid) => {
    const children = rows.filter(
      (row) => row.area.level !== 'grid' && row.area.code.startsWith(grid.area.code),
    );
    children.forEach((row) => placed.add(row.area.id));
    return children.length > 0 ? { ...grid, children } : grid;
  });
  return [...tree, ...rows.filter((row) => row.area.level !== 'grid' && !placed.has(row.area.id))];
}

/** Visits (智慧走访) and how much of each grid they cover this month. */
export function VisitsPage() {
  const { t } = useI18n();
  const { can } = useAuth();
  const navigate = useNavigate();
  const roots = useAreaRoots();
  const [picked, setPicked] = useState<AreaView | null>(null);
  const [month, setMonth] = useState<Dayjs>(dayjs().startOf('month'));
  const area = picked ?? roots.data?.items[0] ?? null;

  return (
    <div className="page" data-testid="visits-page">
      <div className="page-title-row">
        <Space wrap className="page-filters">
          <div className="toolbar-area">
            <AreaSelect
              value={area?.id}
              initial={area}
              placeholder={t('visits.area')}
              onChange={(_id, next) => setPicked(next ?? null)}
            />
          </div>
          <DatePicker
            picker="month"
            allowClear={false}
            value={month}
            onChange={(value: Dayjs | null) => value && setMonth(value.startOf('month'))}
            disabledDate={(day) => day.isAfter(dayjs(), 'month')}
          />
        </Space>
        {can('person.write') && (
          <Button type="primary" icon={<PlusOutlined />} onClick={() => void navigate('/visits/new')}>
            {t('visits.new')}
          </Button>
        )}
      </div>
      {area ? <CoverageCard area={area} month={month} /> : <Card loading={roots.loading} />}
      <VisitTable within={area?.id} month={month} />
    </div>
  );
}

function CoverageCard({ area, month }: { area: AreaView; month: Dayjs }) {
  const i18n = useI18n();
  const { t } = i18n;
  const coverage = useCoverage({
    areaId: area.id,
    from: month.toISOString(),
    to: month.add(1, 'month').toISOString(),
  });
  const data = coverage.data;
  const percent = (row: CoverageRow) => Math.round(row.coverage * 1000) / 10;
  const tree = useMemo(() => (data ? coverageTree(data.rows) : []), [data]);
  // The bars compare the smallest units the worker is measured by: micro-grids when there are some.
  const charted = useMemo(() => {
    const micro = data?.rows.filter((row) => row.area.level === 'microgrid') ?? [];
    return micro.length > 0 ? micro : (data?.rows ?? []);
  }, [data]);

  const columns: TableProps<CoverageTreeRow>['columns'] = [
    {
      title: t('visits.area'),
      key: 'area',
      className: 'nowrap',
      render: (_v, row) => <Link to={`/areas/${row.area.id}`}>{row.area.name}</Link>,
    },
    { title: t('visits.houses'), dataIndex: 'houses', align: 'right', responsive: ['sm'] },
    { title: t('visits.visitedHouses'), dataIndex: 'visitedHouses', align: 'right' },
    {
      title: t('visits.rate'),
      key: 'rate',
      width: 140,
      render: (_v, row) => (
        <Progress percent={percent(row)} size="small" status={row.coverage >= 0.8 ? 'success' : 'normal'} />
      ),
    },
    { title: t('visits.visits'), dataIndex: 'visits', align: 'right', responsive: ['md'] },
    {
      title: t('visits.workers'),
      key: 'workers',
      responsive: ['lg'],
      render: (_v, row) => (
        <Space size={[2, 4]} wrap>
          {row.workers.map((worker) => (
            <Tag key={`${worker.userId ?? worker.name}`}>
              {worker.name} · {worker.houses}
            </Tag>
          ))}
        </Space>
      ),
    },
  ];

  return (
    <Card
      size="small"
      title={t('visits.coverage')}
      className="side-card"
      data-testid="coverage-card"
      extra={data && <strong data-testid="coverage-total">{percent(data.total)}%</strong>}
    >
      {coverage.error ? (
        <Empty description={errorText(i18n, coverage.error)} />
      ) : !data ? (
        <Spin className="map-spin" />
      ) : (
        <Row gutter={[16, 16]}>
          <Col xs={24} xl={10}>
            {charted.length > 0 && (
              <Suspense fallback={<Spin className="map-spin" />}>
                <CoverageChart
                  rows={charted}
                  describe={(row) => `${t('visits.visitedHouses')} ${row.visitedHouses} / ${row.houses}`}
                />
              </Suspense>
            )}
          </Col>
          <Col xs={24} xl={14}>
            <Table<CoverageTreeRow>
              size="small"
              rowKey={(row) => row.area.id}
              columns={columns}
              dataSource={tree}
              pagination={false}
              expandable={{ defaultExpandAllRows: tree.length <= 1 }}
              className="coverage-table"
              summary={() =>
                data.rows.length > 1 ? (
                  <Table.Summary.Row>
                    <Table.Summary.Cell index={0}>
                      <strong>{data.total.area.name}</strong>
                    </Table.Summary.Cell>
                    <Table.Summary.Cell index={1} align="right">
                      {data.total.houses}
                    </Table.Summary.Cell>
                    <Table.Summary.Cell index={2} align="right">
                      {data.total.visitedHouses}
                    </Table.Summary.Cell>
                    <Table.Summary.Cell index={3}>
                      <Progress percent={percent(data.total)} size="small" />
                    </Table.Summary.Cell>
                  </Table.Summary.Row>
                ) : null
              }
            />
          </Col>
        </Row>
      )}
    </Card>
  );
}

function VisitTable({ within, month }: { within: number | undefined; month: Dayjs }) {
  const i18n = useI18n();
  const { t } = i18n;
  const [paging, setPaging] = useState({ page: 1, pageSize: 20 });
  const list = useVisitList({
    within,
    from: month.toISOString(),
    to: month.add(1, 'month').toISOString(),
    ...paging,
  });

  const columns: TableProps<VisitView>['columns'] = [
    {
      title: t('visits.visitedAt'),
      dataIndex: 'visitedAt',
      render: (_v, visit) => (
        <span className="nowrap">{dayjs(visit.visitedAt).format('YYYY-MM-DD HH:mm')}</span>
      ),
    },
    {
      title: t('visits.house'),
      key: 'house',
      render: (_v, visit) => <Link to={`/houses/${visit.house.id}`}>{visit.house.address}</Link>,
    },
    {
      title: t('visits.worker'),
      key: 'worker',
      responsive: ['md'],
      render: (_v, visit) => visit.worker.name,
    },
    {
      title: t('visits.counts'),
      key: 'counts',
      render: (_v, visit) => (
        <Space size={[2, 4]} wrap>
          <Tag>{t('visits.seen', { count: visit.counts.seen })}</Tag>
          {visit.counts.arrivals > 0 && (
            <Tag color="green">{t('visits.arrivals', { count: visit.counts.arrivals })}</Tag>
          )}
          {visit.counts.departures > 0 && (
            <Tag color="red">{t('visits.departures', { count: visit.counts.departures })}</Tag>
          )}
          {visit.counts.phoneUpdates + visit.counts.tagUpdates > 0 && (
            <Tag color="blue">
              {t('visits.updates', { count: visit.counts.phoneUpdates + visit.counts.tagUpdates })}
            </Tag>
          )}
        </Space>
      ),
    },
    {
      title: t('visits.notes'),
      dataIndex: 'notes',
      responsive: ['lg'],
      ellipsis: true,
      render: (_v, visit) => visit.notes ?? '',
    },
  ];

  return (
    <Card size="small" title={t('visits.list')} className="side-card" data-testid="visit-list">
      <Table<VisitView>
        size="small"
        rowKey="id"
        columns={columns}
        dataSource={list.data?.items ?? []}
        loading={list.loading}
        locale={{ emptyText: list.error ? errorText(i18n, list.error) : t('visits.empty') }}
        pagination={tablePaging(t, paging, list.data?.total ?? 0, setPaging, { size: 'small' })}
      />
    </Card>
  );
}
