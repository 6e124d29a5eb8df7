import { DownloadOutlined, HomeOutlined, StopOutlined, TagOutlined } from '@ant-design/icons';
import {
  App,
  Breadcrumb,
  Button,
  Card,
  Col,
  Input,
  Progress,
  Result,
  Row,
  Select,
  Space,
  Spin,
  Statistic,
  Switch,
  Table,
  Tabs,
  Tag,
  Typography,
} from 'antd';
import { useEffect, useState } from 'react';
import { Link, useParams, useSearchParams } from 'react-router-dom';
import { api, call, http, isApiError } from '../api/client';
import { useOptionalArea, useRound, useRoundCoverage, useUntested } from '../api/hooks';
import type { AreaFigures, MarkView, UntestedFilter, UntestedPerson } from '../api/model';
import { PERSON_TAGS, type PersonTag } from '../api/vocabulary';
import { useAuth } from '../auth/AuthContext';
import { ErrorResult } from '../components/ErrorResult';
import { DailyReportButton } from '../components/health/DailyReportButton';
import { AreaSelect } from '../components/AreaSelect';
import { saveFile } from '../components/files';
import { FormModal } from '../components/FormModal';
import { MarkDialog, MarkFields, type MarkValues } from '../components/health/MarkDialog';
import { HealthBadge, useHealthStatuses } from '../components/health/HealthBadge';
import { MarkTag } from '../components/health/tags';
import { PersonTagList } from '../components/register/PersonTags';
import { useI18n } from '../i18n/context';
import { errorText, roundStatusLabel, tagLabel, testResultLabel } from '../i18n/labels';
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
          {data.status === 'open' && canAt('health.manage', data.area.path) && (
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

type UntestedSort = NonNullable<UntestedFilter['sort']>;
const SORTS: readonly UntestedSort[] = ['address', 'name', 'lastTest', 'area'];

/**
 * The node's untested list, a worker's tool: search, area / house / tag filters, sort, "only mine"
 * (on for whoever does field work), masked export and marks one by one or for the selected rows.
 * mayMark: the caller may write screening over the node (each row is checked by its own area).
 */
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
  const { can, canAt } = useAuth();
  const { message } = App.useApp();
  const [paging, setPaging] = useState({ page: 1, pageSize: 20 });
  const [version, setVersion] = useState(0);
  const [q, setQ] = useState('');
  const [area, setArea] = useState<number | undefined>(undefined);
  const [house, setHouse] = useState<{ id: number; address: string } | null>(null);
  const [tag, setTag] = useState<PersonTag | undefined>(undefined);
  const [sort, setSort] = useState<UntestedSort>('address');
  // "My rows" by default for whoever works the ground (health.write); a desk sees the whole node.
  const [mine, setMine] = useState(can('health.write'));
  const filter: UntestedFilter = {
    within: area ?? node,
    ...(house ? { houseId: house.id } : {}),
    ...(tag ? { tag } : {}),
    ...(q.trim() ? { q: q.trim() } : {}),
    ...(mine ? { mine: true } : {}),
    sort,
  };
  const list = useUntested(roundId, { ...filter, ...paging }, version);
  // One request for the page's badges (the shared health verdict).
  const health = useHealthStatuses(
    (list.data?.items ?? []).map((person) => person.personId),
    can('health.read'),
  );
  const [marks, setMarks] = useState<Record<number, MarkView | null>>({});
  const [marking, setMarking] = useState<UntestedPerson | null>(null);
  const [selected, setSelected] = useState<number[]>([]);
  const [bulk, setBulk] = useState(false);
  const [exporting, setExporting] = useState(false);
  useEffect(() => setMarks({}), [list.data]);
  const filtered =
    <T,>(set: (value: T) => void) =>
    (value: T) => {
      set(value);
      setSelected([]);
      setPaging((p) => ({ ...p, page: 1 }));
    };
  const markable = (person: UntestedPerson) =>
    open && mayMark && canAt('health.write', person.area.path ?? null);

  const exportList = async () => {
    setExporting(true);
    try {
      saveFile(await http.download(`/rounds/${roundId}/untested.xlsx`, `untested-${roundId}.xlsx`, filter));
      void message.success(t('untested.exported'));
    } catch (error) {
      void message.error(errorText(i18n, error));
    } finally {
      setExporting(false);
    }
  };

  return (
    <>
      <Space wrap className="toolbar" data-testid="untested-toolbar">
        <Input.Search
          allowClear
          placeholder={t('untested.search')}
          onSearch={filtered(setQ)}
          style={{ width: 280 }}
          data-testid="untested-search"
        />
        <div style={{ width: 260 }}>
          <AreaSelect value={area} onChange={filtered(setArea)} placeholder={t('untested.area')} />
        </div>
        <Select<PersonTag | ''>
          value={tag ?? ''}
          onChange={(next) => filtered(setTag)(next || undefined)}
          style={{ minWidth: 140 }}
          options={[
            { value: '', label: t('untested.allTags') },
            ...PERSON_TAGS.map((value) => ({ value, label: tagLabel(i18n, value) })),
          ]}
          data-testid="untested-tag"
        />
        <Select<UntestedSort>
          value={sort}
          onChange={filtered(setSort)}
          style={{ minWidth: 150 }}
          options={SORTS.map((value) => ({ value, label: t(`untested.sort.${value}`) }))}
          data-testid="untested-sort"
        />
        {can('health.write') && (
          <Space size={4}>
            <Switch checked={mine} onChange={filtered(setMine)} data-testid="untested-mine" />
            <span>{t('untested.mine')}</span>
          </Space>
        )}
        {house && (
          <Tag closable onClose={() => filtered(setHouse)(null)}>
            {t('untested.house', { address: house.address })}
          </Tag>
        )}
        <Button icon={<DownloadOutlined />} loading={exporting} onClick={() => void exportList()}>
          {t('untested.export')}
        </Button>
        {selected.length > 0 && (
          <>
            <span className="muted">{t('untested.selected', { count: selected.length })}</span>
            <Button type="primary" icon={<TagOutlined />} onClick={() => setBulk(true)}>
              {t('untested.markSelected')}
            </Button>
          </>
        )}
      </Space>
      <Table<UntestedPerson>
        rowKey="personId"
        size="middle"
        loading={list.loading}
        dataSource={list.data?.items ?? []}
        scroll={{ x: 'max-content' }}
        data-testid="untested-table"
        locale={{ emptyText: list.error ? errorText(i18n, list.error) : t('today.allTested') }}
        pagination={tablePaging(t, paging, list.data?.total ?? 0, (next) => {
          setPaging(next);
          setSelected([]);
        })}
        rowSelection={
          open && mayMark
            ? {
                selectedRowKeys: selected,
                onChange: (keys) => setSelected(keys as number[]),
                getCheckboxProps: (person) => ({ disabled: !markable(person) }),
              }
            : undefined
        }
        columns={[
          {
            key: 'name',
            title: t('field.name'),
            render: (_, person) => (
              <Space size={4} wrap>
                <Link to={`/persons/${person.personId}`}>{person.name}</Link>
                <PersonTagList tags={person.tags} />
                <HealthBadge status={health.get(person.personId)} />
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
            render: (_, person) =>
              person.house && !house ? (
                <Space size={4}>
                  <span>{person.address ?? person.area.name}</span>
                  <a
                    className="muted"
                    onClick={() => filtered(setHouse)(person.house)}
                    title={t('untested.houseFilter')}
                  >
                    <HomeOutlined />
                  </a>
                </Space>
              ) : (
                (person.address ?? person.area.name)
              ),
          },
          { key: 'area', title: t('field.area'), render: (_, person) => person.area.name },
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
                  render: (_: unknown, person: UntestedPerson) =>
                    markable(person) ? (
                      <Button size="small" icon={<TagOutlined />} onClick={() => setMarking(person)}>
                        {t('today.mark')}
                      </Button>
                    ) : null,
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
      {bulk && (
        <FormModal<MarkValues>
          testId="bulk-mark-dialog"
          title={t('untested.bulkTitle', { count: selected.length })}
          initialValues={{ kind: 'outcome' }}
          onCancel={() => setBulk(false)}
          onSubmit={async (values) => {
            const result = await call(
              api.POST('/api/rounds/{id}/marks', {
                params: { path: { id: roundId } },
                body: {
                  personIds: selected,
                  kind: values.kind,
                  reason: values.reason,
                  ...(values.note?.trim() ? { note: values.note.trim() } : {}),
                },
              }),
            );
            void message.success(t('untested.bulkDone', { count: result.marked }));
            setBulk(false);
            setSelected([]);
            setVersion((v) => v + 1);
          }}
        >
          {(form) => <MarkFields form={form} />}
        </FormModal>
      )}
    </>
  );
}
