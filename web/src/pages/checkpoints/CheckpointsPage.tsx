import { PlusOutlined, ReloadOutlined } from '@ant-design/icons';
import { Button, Card, Col, Empty, Row, Space, Table, Tag, Typography } from 'antd';
import { useMemo, useState } from 'react';
import { Link, useNavigate } from 'react-router-dom';
import type { CheckpointAreaFigures, CheckpointView } from '../../api/model';
import { useAuth } from '../../auth/AuthContext';
import { AreaSelect } from '../../components/AreaSelect';
import { useCheckpointFigures, useCheckpointList } from '../../components/checkpoints/api';
import { CheckpointForm } from '../../components/checkpoints/CheckpointForm';
import { FIGURE_FIELDS, FigureGrid, StaffingTag } from '../../components/checkpoints/Staffing';
import '../../components/checkpoints/checkpoints.css';
import { layerSet, useMapLayers } from '../../components/map/mapData';
import { MapView } from '../../components/map/MapView';
import { ErrorText, usePageArea } from '../../components/services/common';
import { NARROW_SCREEN, useMediaQuery } from '../../components/useMediaQuery';
import { useI18n } from '../../i18n/context';

/** 卡口: the checkpoints of an area on a map and in a list, with today's figures and who is on duty. */
export function CheckpointsPage() {
  const { t } = useI18n();
  const { can } = useAuth();
  const navigate = useNavigate();
  const { areaId, area, setArea } = usePageArea(['village', 'township']);
  const [version, setVersion] = useState(0);
  const [creating, setCreating] = useState(false);
  const narrow = useMediaQuery(NARROW_SCREEN);
  const reload = () => setVersion((v) => v + 1);
  const list = useCheckpointList({ within: areaId, pageSize: 200 }, version);
  const figures = useCheckpointFigures(areaId, version, areaId !== undefined);
  const map = useMapLayers(areaId, version);
  const layers = useMemo(() => layerSet(map.data), [map.data]);
  const countsOf = useMemo(
    () => new Map((figures.data?.checkpoints ?? []).map((c) => [c.id, c])),
    [figures.data],
  );

  const columns = [
    {
      title: t('checkpointBoard.name'),
      key: 'name',
      render: (_: unknown, c: CheckpointView) => (
        <Space direction="vertical" size={0}>
          <Link to={`/checkpoints/${c.id}`} data-testid="checkpoint-link">
            {c.name}
          </Link>
          <span className="muted">{t(`checkpoint.kind.${c.kind}`)}</span>
          <span className="muted">{c.code}</span>
        </Space>
      ),
    },
    {
      title: t('checkpointBoard.area'),
      key: 'area',
      responsive: ['md' as const],
      render: (_: unknown, c: CheckpointView) => (
        <Space direction="vertical" size={0}>
          <span>{c.area.name}</span>
          <span className="muted">{c.team ? c.team.name : t('checkpointBoard.noTeam')}</span>
        </Space>
      ),
    },
    {
      title: t('checkpointBoard.staffing'),
      key: 'staffing',
      render: (_: unknown, c: CheckpointView) => <StaffingTag staffing={c.staffing} />,
    },
    ...FIGURE_FIELDS.map((field) => ({
      title: t(`checkpointBoard.figures.${field}`),
      key: field,
      align: 'right' as const,
      responsive: field === 'people' || field === 'vehicles' ? undefined : ['lg' as const],
      render: (_: unknown, c: CheckpointView) => {
        const value = countsOf.get(c.id)?.[field] ?? 0;
        return field !== 'people' && field !== 'vehicles' && value > 0 ? (
          <Tag color="red">{value}</Tag>
        ) : (
          value
        );
      },
    })),
  ];

  return (
    <div className="page" data-testid="checkpoints-page">
      <div className="page-title-row">
        <div>
          <Typography.Title level={3} className="page-title">
            {t('checkpointBoard.title')}
          </Typography.Title>
          <Typography.Text type="secondary">{t('checkpointBoard.subtitle')}</Typography.Text>
        </div>
        <Space wrap>
          <div className="toolbar-area">
            <AreaSelect value={areaId} initial={area} onChange={(id) => setArea(id ?? undefined)} />
          </div>
          <Button icon={<ReloadOutlined />} onClick={reload}>
            {t('common.refresh')}
          </Button>
          {can('checkpoint.manage') && (
            <Button
              type="primary"
              icon={<PlusOutlined />}
              onClick={() => setCreating(true)}
              data-testid="checkpoint-create"
            >
              {t('checkpointBoard.create')}
            </Button>
          )}
        </Space>
      </div>

      {figures.data && (
        <Card
          size="small"
          title={t('checkpointBoard.todayFigures', { date: figures.data.date })}
          style={{ marginBottom: 12 }}
        >
          <FigureGrid counts={figures.data.total} testId="checkpoints-total" />
          {figures.data.areas.length > 1 && <AreaFigureTable areas={figures.data.areas} />}
        </Card>
      )}

      <Row gutter={[12, 12]}>
        <Col xs={24} xl={10}>
          <Card size="small" title={t('checkpointBoard.map')}>
            {map.data?.area.bounds ? (
              <MapView
                theme="light"
                layers={layers}
                bounds={map.data.area.bounds}
                onCheckpointClick={(id) => void navigate(`/checkpoints/${id}`)}
                height={narrow ? 260 : 380}
                testId="checkpoints-map"
                ariaLabel={t('checkpointBoard.map')}
              />
            ) : (
              <Empty image={Empty.PRESENTED_IMAGE_SIMPLE} />
            )}
          </Card>
        </Col>
        <Col xs={24} xl={14}>
          <Card size="small" styles={{ body: { padding: 0 } }}>
            {list.error ? (
              <div style={{ padding: 12 }}>
                <ErrorText error={list.error} />
              </div>
            ) : (
              <Table<CheckpointView>
                rowKey="id"
                size="small"
                loading={list.loading}
                dataSource={list.data?.items ?? []}
                columns={columns}
                pagination={false}
                locale={{ emptyText: t('checkpointBoard.empty') }}
                data-testid="checkpoint-table"
                rowClassName={(c) => (c.staffing.state === 'gap' ? 'checkpoint-row-gap' : '')}
              />
            )}
          </Card>
        </Col>
      </Row>

      {creating && (
        <CheckpointForm
          area={area}
          onCancel={() => setCreating(false)}
          onSaved={(saved) => {
            setCreating(false);
            void navigate(`/checkpoints/${saved.id}`);
          }}
        />
      )}
    </div>
  );
}

function AreaFigureTable({ areas }: { areas: CheckpointAreaFigures[] }) {
  const { t } = useI18n();
  return (
    <Table<CheckpointAreaFigures>
      style={{ marginTop: 12 }}
      rowKey={(a) => a.area.id}
      size="small"
      pagination={false}
      dataSource={areas}
      scroll={{ x: true }}
      title={() => t('checkpointBoard.byArea')}
      columns={[
        { title: t('checkpointBoard.area'), key: 'area', render: (_, a) => a.area.name },
        ...FIGURE_FIELDS.map((field) => ({
          title: t(`checkpointBoard.figures.${field}`),
          key: field,
          align: 'right' as const,
          render: (_: unknown, a: CheckpointAreaFigures) => a[field],
        })),
      ]}
    />
  );
}
