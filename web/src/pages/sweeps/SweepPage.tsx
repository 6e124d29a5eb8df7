import { ReloadOutlined } from '@ant-design/icons';
import {
  Alert,
  App,
  Breadcrumb,
  Button,
  Card,
  Col,
  Form,
  Row,
  Select,
  Space,
  Spin,
  Statistic,
  Table,
  Tag,
} from 'antd';
import { lazy, Suspense, useMemo, useState } from 'react';
import { Link, useParams } from 'react-router-dom';
import { api, call } from '../../api/client';
import type { SweepFigures, SweepHouseholdView, SweepProgressRow } from '../../api/model';
import { useSweepAssignees, useSweepHouseholds, useSweepProgress } from '../../api/sweep-hooks';
import { useAuth } from '../../auth/AuthContext';
import { ErrorResult } from '../../components/ErrorResult';
import { FormModal } from '../../components/FormModal';
import { tablePaging } from '../../components/paging';
import { useI18n } from '../../i18n/context';
import { errorText, roleLabel } from '../../i18n/labels';

const SweepChart = lazy(() =>
  import('../../components/sweeps/SweepChart').then((module) => ({ default: module.SweepChart })),
);

const share = (f: SweepFigures) => (f.visitedShare === null ? '—' : `${(f.visitedShare * 100).toFixed(1)}%`);

/** One sweep at the desk (1920×1080): figures, a bar per grid, grid and row tables, households to assign. */
export function SweepPage() {
  const i18n = useI18n();
  const { t } = i18n;
  const { modal, message } = App.useApp();
  const { canAt } = useAuth();
  const id = Number(useParams().id);
  const [version, setVersion] = useState(0);
  const progress = useSweepProgress(id, undefined, version);
  const data = progress.data;
  const labels = useMemo(
    () => ({
      visited: t('sweeps.figure.visited'),
      attempted: t('sweeps.figure.attempted'),
      unvisited: t('sweeps.figure.unvisited'),
    }),
    [t],
  );

  if (progress.error) return <ErrorResult error={progress.error} onRetry={progress.reload} />;
  if (!data) return <Spin className="page-spin" />;
  const sweep = data.sweep;
  const mayClose = sweep.status === 'open' && canAt('health.write', sweep.area.path);
  const figures = data.node.figures;

  const close = () =>
    modal.confirm({
      title: t('sweeps.close'),
      content: (
        <>
          <p>{t('sweeps.closeConfirm', { name: sweep.name })}</p>
          {sweep.phase === 'running' && <p>{t('sweeps.closeEarly')}</p>}
        </>
      ),
      okText: t('sweeps.close'),
      okButtonProps: { danger: true },
      cancelText: t('common.cancel'),
      onOk: async () => {
        try {
          await call(api.POST('/api/sweeps/{id}/close', { params: { path: { id } } }));
          void message.success(t('sweeps.closed'));
          setVersion((v) => v + 1);
        } catch (error) {
          void message.error(errorText(i18n, error));
        }
      },
    });

  const figureColumns = [
    {
      key: 'area',
      title: t('sweeps.areaColumn'),
      render: (_: unknown, row: SweepProgressRow) => row.area.name,
    },
    {
      key: 'total',
      title: t('sweeps.figure.total'),
      render: (_: unknown, row: SweepProgressRow) => row.figures.total,
    },
    {
      key: 'visited',
      title: t('sweeps.figure.visited'),
      render: (_: unknown, row: SweepProgressRow) => row.figures.visited,
    },
    {
      key: 'attempted',
      title: t('sweeps.figure.attempted'),
      render: (_: unknown, row: SweepProgressRow) => row.figures.attempted,
    },
    {
      key: 'unvisited',
      title: t('sweeps.figure.unvisited'),
      render: (_: unknown, row: SweepProgressRow) => row.figures.unvisited,
    },
    {
      key: 'fevers',
      title: t('sweeps.figure.fevers'),
      render: (_: unknown, row: SweepProgressRow) =>
        row.figures.fevers > 0 ? <Tag color="red">{row.figures.fevers}</Tag> : 0,
    },
    {
      key: 'share',
      title: t('sweeps.figure.share'),
      render: (_: unknown, row: SweepProgressRow) => share(row.figures),
    },
  ];

  return (
    <div className="page" data-testid="sweep-page">
      <Breadcrumb
        items={[
          { key: 'sweeps', title: <Link to="/sweeps">{t('sweeps.title')}</Link> },
          { key: 'this', title: sweep.name },
        ]}
      />
      <Card
        title={
          <Space>
            {sweep.name}
            <Tag>{t(`sweeps.phase.${sweep.phase}`)}</Tag>
          </Space>
        }
        extra={
          <Space>
            <span>
              {sweep.area.name} · {sweep.startsOn} – {sweep.endsOn}
            </span>
            <Button size="small" icon={<ReloadOutlined />} onClick={() => setVersion((v) => v + 1)}>
              {t('common.refresh')}
            </Button>
            {mayClose && (
              <Button size="small" danger onClick={close} data-testid="close-sweep">
                {t('sweeps.close')}
              </Button>
            )}
          </Space>
        }
      >
        {sweep.phase === 'ended' && <Alert type="warning" showIcon title={t('sweeps.endedHint')} />}
        <Row gutter={16} data-testid="sweep-figures">
          {(['total', 'visited', 'attempted', 'unvisited', 'fevers'] as const).map((key) => (
            <Col key={key} span={4}>
              <Statistic
                title={t(`sweeps.figure.${key}`)}
                value={figures[key]}
                data-testid={`figure-${key}`}
              />
            </Col>
          ))}
          <Col span={4}>
            <Statistic title={t('sweeps.figure.share')} value={share(figures)} />
          </Col>
        </Row>
      </Card>
      <Row gutter={16}>
        <Col span={12}>
          <Card title={t('sweeps.byGrid')} size="small">
            <Suspense fallback={<Spin />}>
              <SweepChart rows={data.grids} labels={labels} />
            </Suspense>
            <Table<SweepProgressRow>
              rowKey={(row) => row.area.id}
              size="small"
              pagination={false}
              dataSource={data.grids}
              columns={figureColumns}
              data-testid="sweep-grids"
            />
          </Card>
        </Col>
        <Col span={12}>
          <Card title={t('sweeps.byRow')} size="small">
            <Table<SweepProgressRow>
              rowKey={(row) => row.area.id}
              size="small"
              pagination={{ pageSize: 15, showSizeChanger: false }}
              dataSource={data.rows}
              columns={figureColumns}
              data-testid="sweep-rows"
            />
          </Card>
        </Col>
      </Row>
      <PendingHouseholds
        sweepId={id}
        open={sweep.status === 'open'}
        version={version}
        onChange={() => setVersion((v) => v + 1)}
      />
    </div>
  );
}

/** Households not visited yet (unvisited or nobody home), with their visitor; bulk assignment. */
function PendingHouseholds({
  sweepId,
  open,
  version,
  onChange,
}: {
  sweepId: number;
  open: boolean;
  version: number;
  onChange: () => void;
}) {
  const i18n = useI18n();
  const { t } = i18n;
  const { canAt } = useAuth();
  const [paging, setPaging] = useState({ page: 1, pageSize: 20 });
  const [selected, setSelected] = useState<number[]>([]);
  const [assigning, setAssigning] = useState(false);
  const households = useSweepHouseholds(sweepId, { pending: true, ...paging }, version);
  const items = households.data?.items ?? [];
  const mayAssign = (h: SweepHouseholdView) => open && canAt('health.write', h.area.path);
  const anyAssignable = items.some(mayAssign);

  return (
    <Card
      title={t('sweeps.pendingTitle')}
      size="small"
      extra={
        anyAssignable && (
          <Button
            type="primary"
            size="small"
            disabled={selected.length === 0}
            onClick={() => setAssigning(true)}
            data-testid="assign-households"
          >
            {t('sweeps.assign')}
          </Button>
        )
      }
    >
      <Table<SweepHouseholdView>
        rowKey={(h) => h.house.id}
        size="small"
        loading={households.loading}
        dataSource={items}
        data-testid="sweep-pending"
        locale={{
          emptyText: households.error ? errorText(i18n, households.error) : t('sweeps.pendingEmpty'),
        }}
        pagination={tablePaging(t, paging, households.data?.total ?? 0, setPaging)}
        rowSelection={
          anyAssignable
            ? {
                selectedRowKeys: selected,
                onChange: (keys) => setSelected(keys.map(Number)),
                getCheckboxProps: (h) => ({ disabled: !mayAssign(h) }),
              }
            : undefined
        }
        columns={[
          { key: 'address', title: t('sweeps.address'), render: (_, h) => h.house.address },
          { key: 'area', title: t('sweeps.areaColumn'), render: (_, h) => h.area.name },
          { key: 'state', title: t('sweeps.state'), render: (_, h) => t(`sweeps.state.${h.state}`) },
          {
            key: 'assignee',
            title: t('sweeps.assignee'),
            render: (_, h) => h.assignee?.name ?? <span className="muted">{t('sweeps.unassigned')}</span>,
          },
        ]}
      />
      {assigning && (
        <AssignDialog
          sweepId={sweepId}
          houseIds={selected}
          onClose={() => setAssigning(false)}
          onDone={() => {
            setAssigning(false);
            setSelected([]);
            onChange();
          }}
        />
      )}
    </Card>
  );
}

function AssignDialog({
  sweepId,
  houseIds,
  onClose,
  onDone,
}: {
  sweepId: number;
  houseIds: number[];
  onClose: () => void;
  onDone: () => void;
}) {
  const i18n = useI18n();
  const { t } = i18n;
  const { message } = App.useApp();
  const assignees = useSweepAssignees(sweepId, true);
  const UNASSIGN = 0;
  return (
    <FormModal<{ assigneeUserId: number }>
      testId="assign-dialog"
      title={t('sweeps.assignTitle', { count: houseIds.length })}
      okText={t('common.confirm')}
      onCancel={onClose}
      onSubmit={async (values) => {
        const result = await call(
          api.POST('/api/sweeps/{id}/assignments', {
            params: { path: { id: sweepId } },
            body: {
              houseIds,
              assigneeUserId: values.assigneeUserId === UNASSIGN ? null : values.assigneeUserId,
            },
          }),
        );
        void message.success(t('sweeps.assigned', { count: result.assigned }));
        onDone();
      }}
    >
      <Form.Item
        name="assigneeUserId"
        label={t('sweeps.assignTo')}
        extra={t('sweeps.assignHint')}
        rules={[{ required: true, message: t('sweeps.assignRule') }]}
      >
        <Select
          showSearch={{ optionFilterProp: 'label' }}
          loading={assignees.loading}
          options={[
            { value: UNASSIGN, label: t('sweeps.unassign') },
            ...(assignees.data?.items ?? []).map((a) => ({
              value: a.userId,
              label: `${a.name}（${a.roles.map((role) => roleLabel(i18n, role)).join('、')}）`,
            })),
          ]}
        />
      </Form.Item>
    </FormModal>
  );
}
