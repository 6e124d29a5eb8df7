import { StopOutlined, TagOutlined } from '@ant-design/icons';
import {
  App,
  Breadcrumb,
  Button,
  Card,
  Col,
  Progress,
  Result,
  Row,
  Space,
  Spin,
  Statistic,
  Table,
  Tabs,
  Tag,
  Typography,
} from 'antd';
import { useEffect, useState } from 'react';
import { Link, useParams, useSearchParams } from 'react-router-dom';
import { api, call, isApiError } from '../api/client';
import { useOptionalArea, useRound, useRoundCoverage, useUntested } from '../api/hooks';
import type { AreaFigures, MarkView, UntestedPerson } from '../api/model';
import { useAuth } from '../auth/AuthContext';
import { ErrorResult } from '../components/ErrorResult';
import { DailyReportButton } from '../components/health/DailyReportButton';
import { MarkDialog } from '../components/health/MarkDialog';
import { MarkTag } from '../components/health/tags';
import { PersonTagList } from '../components/register/PersonTags';
import { useI18n } from '../i18n/context';
import { errorText, roundStatusLabel, testResultLabel } from '../i18n/labels';
import { tablePaging } from '../components/paging';

const percentOf = (share: number | null) => (share === null ? 0 : Math.round(share * 1000) / 10);
const shareColour = (share: number | null) =>
  share === null ? undefined : share >= 0.95 ? '#52c41a' : share >= 0.7 ? '#faad14' : '#f5222d';

export function RoundPage() {
  const { id } = useParams();
  const roundId = Number(id);
  const { t } = useI18n();
  if (!Number.isInteger(roundId) || roundId < 1) return <Result status="404" title={t('rounds.notFound')} />;
  return <RoundScreen key={roundId} id={roundId} />;
}

/** One round: coverage of a node and its children (drill down), the node's untested list. */
function RoundScreen({ id }: { id: number }) {
  const i18n = useI18n();
  const { t } = i18n;
  const { canAt } = useAuth();
  const { modal, message } = App.useApp();
  const [params, setParams] = useSearchParams();
  const nodeParam = Number(params.get('node'));
  const node = Number.isInteger(nodeParam) && nodeParam > 0 ? nodeParam : undefined;
  const tab = params.get('tab') === 'untested' ? 'untested' : 'coverage';
  const [version, setVersion] = useState(0);
  const round = useRound(id, version);
  const coverage = useRoundCoverage(id, node, version);
  const nodeArea = coverage.data?.node.area;
  const trail = useOptionalArea(nodeArea?.id);

  const go = (next: { node?: number; tab?: string }) => {
    const query = new URLSearchParams(params);
    if (next.node !== undefined) query.set('node', String(next.node));
    if (next.tab !== undefined) query.set('tab', next.tab);
    setParams(query);
  };

  if (round.error) {
    return isApiError(round.error, 'ROUND_NOT_FOUND') ? (
      <Result status="404" title={t('rounds.notFound')} />
    ) : (
      <ErrorResult error={round.error} onRetry={round.reload} />
    );
  }
  if (!round.data) return <Spin className="page-spin" />;
  const data = round.data;
  const figures = coverage.data?.node;
  // The way back up, from the round's own area down to the node on screen.
  const ancestors = trail.data?.id === nodeArea?.id ? (trail.data?.ancestors ?? []) : [];
  const fromRound = ancestors.findIndex((area) => area.id === data.area.id);
  const steps = fromRound >= 0 ? ancestors.slice(fromRound) : [];

  const close = () =>
    modal.confirm({
      title: t('rounds.closeTitle', { name: data.name }),
      content: t('rounds.closeHint'),
      okText: t('rounds.close'),
      okButtonProps: { danger: true },
      cancelText: t('common.cancel'),
      onOk: async () => {
        try {
          await call(api.POST('/api/rounds/{id}/close', { params: { path: { id } } }));
          void message.success(t('rounds.closed'));
          setVersion((v) => v + 1);
        } catch (error) {
          void message.error(errorText(i18n, error));
        }
      },
    });

  return (
    <div className="page" data-testid="round-page">
      <Breadcrumb
        items={[
          { key: 'rounds', title: <Link to="/rounds">{t('rounds.title')}</Link> },
          ...steps.map((area) => ({
            key: area.id,
            title: (
              <a
                onClick={(event) => {
                  event.preventDefault();
                  go({ node: area.id });
                }}
                href={`?node=${area.id}`}
              >
                {area.name}
              </a>
            ),
          })),
          ...(nodeArea ? [{ key: 'node', title: nodeArea.name }] : []),
        ]}
      />
      <div className="page-title-row">
        <Space wrap size={8} align="center">
          <Typography.Title level={3} className="page-title">
            {data.name}
          </Typography.Title>
          <Tag color={data.status === 'open' ? 'green' : 'default'}>
            {roundStatusLabel(i18n, data.status)}
          </Tag>
          <span className="muted">
            {data.area.name} · {i18n.formatDateTime(data.startsAt)} – {i18n.formatDateTime(data.endsAt)}
          </span>
        </Space>
        <Space wrap>
          {nodeArea && <DailyReportButton areaId={nodeArea.id} />}
          {data.status === 'open' && canAt('health.write', data.area.path) && (
            <Button danger icon={<StopOutlined />} onClick={close}>
              {t('rounds.close')}
            </Button>
          )}
        </Space>
      </div>
      {coverage.error ? (
        <ErrorResult error={coverage.error} onRetry={coverage.reload} />
      ) : !figures ? (
        <Spin className="page-spin" />
      ) : (
        <>
          <Card size="small" className="page-alert" data-testid="round-figures">
            <Row gutter={[16, 16]} align="middle">
              <Col xs={24} md={6}>
                <Progress
                  type="dashboard"
                  percent={percentOf(figures.testedShare)}
                  strokeColor={shareColour(figures.testedShare)}
                  size={120}
                  format={(percent) => `${percent ?? 0}%`}
                />
              </Col>
              {(['due', 'tested', 'untested', 'exempt', 'departed'] as const).map((key) => (
                <Col key={key} xs={12} md={3}>
                  <Statistic title={t(`rounds.figure.${key}`)} value={figures[key]} />
                </Col>
              ))}
            </Row>
          </Card>
          <Card size="small">
            <Tabs
              activeKey={tab}
              onChange={(key) => go({ tab: key })}
              items={[
                {
                  key: 'coverage',
                  label: t('rounds.tab.coverage'),
                  children: (
                    <CoverageTable
                      rows={coverage.data?.children ?? []}
                      onDrill={(area) => go({ node: area })}
                    />
                  ),
                },
                {
                  key: 'untested',
                  label: t('rounds.tab.untested', { count: figures.untested }),
                  children: (
                    <UntestedTable
                      roundId={id}
                      node={figures.area.id}
                      open={data.status === 'open'}
                      mayMark={canAt('health.write', figures.area.path)}
                    />
                  ),
                },
              ]}
            />
          </Card>
        </>
      )}
    </div>
  );
}

function CoverageTable({ rows, onDrill }: { rows: AreaFigures[]; onDrill: (areaId: number) => void }) {
  const { t } = useI18n();
  return (
    <Table<AreaFigures>
      rowKey={(row) => row.area.id}
      size="middle"
      pagination={false}
      dataSource={rows}
      scroll={{ x: 'max-content' }}
      data-testid="coverage-table"
      locale={{ emptyText: t('area.noChildren') }}
      onRow={(row) => ({ onClick: () => onDrill(row.area.id), className: 'clickable-row' })}
      columns={[
        {
          key: 'area',
          title: t('visits.area'),
          render: (_, row) => <a>{row.area.name}</a>,
        },
        {
          key: 'progress',
          title: t('rounds.figure.testedShare'),
          width: 240,
          render: (_, row) => (
            <Progress
              percent={percentOf(row.testedShare)}
              size="small"
              strokeColor={shareColour(row.testedShare)}
              format={(percent) => `${percent ?? 0}%`}
            />
          ),
        },
        { key: 'due', title: t('rounds.figure.due'), dataIndex: 'due', align: 'right' },
        { key: 'tested', title: t('rounds.figure.tested'), dataIndex: 'tested', align: 'right' },
        {
          key: 'untested',
          title: t('rounds.figure.untested'),
          align: 'right',
          render: (_, row) => (
            <span className={row.untested > 0 ? 'text-warn' : undefined}>{row.untested}</span>
          ),
        },
        { key: 'exempt', title: t('rounds.figure.exempt'), dataIndex: 'exempt', align: 'right' },
        { key: 'departed', title: t('rounds.figure.departed'), dataIndex: 'departed', align: 'right' },
      ]}
    />
  );
}

/** mayMark: the caller may write screening over the node (marks of people below it are checked by the server). */
function UntestedTable({
  roundId,
  node,
  open,
  mayMark,
}: {
  roundId: number;
  node: number;
  open: boolean;
  mayMark: boolean;
}) {
  const i18n = useI18n();
  const { t } = i18n;
  const [paging, setPaging] = useState({ page: 1, pageSize: 20 });
  const [version, setVersion] = useState(0);
  const list = useUntested(roundId, { within: node, ...paging }, version);
  const [marks, setMarks] = useState<Record<number, MarkView | null>>({});
  const [marking, setMarking] = useState<UntestedPerson | null>(null);
  useEffect(() => setMarks({}), [list.data]);

  return (
    <>
      <Table<UntestedPerson>
        rowKey="personId"
        size="middle"
        loading={list.loading}
        dataSource={list.data?.items ?? []}
        scroll={{ x: 'max-content' }}
        data-testid="untested-table"
        locale={{ emptyText: list.error ? errorText(i18n, list.error) : t('today.allTested') }}
        pagination={tablePaging(t, paging, list.data?.total ?? 0, setPaging)}
        columns={[
          {
            key: 'name',
            title: t('field.name'),
            render: (_, person) => (
              <Space size={4} wrap>
                <Link to={`/persons/${person.personId}`}>{person.name}</Link>
                <PersonTagList tags={person.tags} />
              </Space>
            ),
          },
          {
            key: 'document',
            title: t('field.documentNumber'),
            render: (_, person) => <span className="code-cell">{person.documentMasked}</span>,
          },
          {
            key: 'phone',
            title: t('field.phone'),
            render: (_, person) => <span className="code-cell">{person.phoneMasked ?? '—'}</span>,
          },
          {
            key: 'address',
            title: t('field.address'),
            render: (_, person) => person.address ?? person.area.name,
          },
          {
            key: 'lastTest',
            title: t('rounds.lastTest'),
            render: (_, person) =>
              person.lastTestAt
                ? `${i18n.formatDateTime(person.lastTestAt)} ${person.lastTestResult ? testResultLabel(i18n, person.lastTestResult) : ''}`
                : '—',
          },
          {
            key: 'mark',
            title: t('rounds.markColumn'),
            render: (_, person) => {
              const mark = person.personId in marks ? marks[person.personId] : person.mark;
              return mark ? <MarkTag mark={mark} /> : null;
            },
          },
          ...(open && mayMark
            ? [
                {
                  key: 'actions',
                  title: t('common.actions'),
                  render: (_: unknown, person: UntestedPerson) => (
                    <Button size="small" icon={<TagOutlined />} onClick={() => setMarking(person)}>
                      {t('today.mark')}
                    </Button>
                  ),
                },
              ]
            : []),
        ]}
      />
      {marking && (
        <MarkDialog
          roundId={roundId}
          person={{
            ...marking,
            mark: marking.personId in marks ? (marks[marking.personId] ?? null) : marking.mark,
          }}
          onClose={() => setMarking(null)}
          onDone={(mark) => {
            setMarking(null);
            if (mark?.kind === 'exempt') setVersion((v) => v + 1);
            else setMarks((current) => ({ ...current, [marking.personId]: mark }));
          }}
        />
      )}
    </>
  );
}
