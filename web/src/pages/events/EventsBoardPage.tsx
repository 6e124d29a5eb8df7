import { EnvironmentOutlined, PlusOutlined, ReloadOutlined, SettingOutlined } from '@ant-design/icons';
import { Button, Card, Checkbox, Col, Input, Row, Select, Space, Statistic, Table, Typography } from 'antd';
import { useCallback, useEffect, useRef, useState } from 'react';
import { Link, useNavigate } from 'react-router-dom';
import { api, call } from '../../api/client';
import { useResource } from '../../api/hooks';
import type { EventBoardQuery, EventListItem } from '../../api/model';
import { useAuth } from '../../auth/AuthContext';
import { AreaSelect } from '../../components/AreaSelect';
import { CategoryTreeSelect } from '../../components/events/EventInputs';
import {
  assigneeText,
  categoryName,
  DeadlineText,
  eventErrorText,
  EventStatusTag,
  eventSourceLabel,
  eventStatusLabel,
  eventTierLabel,
  EventTierTag,
} from '../../components/events/labels';
import { useEventNotificationVersion } from '../../components/events/notificationStream';
import {
  EVENT_SOURCES,
  EVENT_STATUSES,
  EVENT_TIERS,
  type EventSource,
  type EventStatus,
  type EventTier,
  OPEN_STATUSES,
} from '../../components/events/vocabulary';
import { useI18n } from '../../i18n/context';
import { EventsMapCard } from '../../components/map/EventsMapCard';

const PAGE_SIZE = 30;
type StatusChoice = 'open' | 'all' | EventStatus;

interface Filters {
  status: StatusChoice;
  category?: number;
  tier?: EventTier;
  overdue: boolean;
  source?: EventSource;
  areaId?: number;
  mine: boolean;
  q: string;
}

function boardQuery(filters: Filters): EventBoardQuery {
  return {
    status:
      filters.status === 'open'
        ? [...OPEN_STATUSES]
        : filters.status === 'all'
          ? undefined
          : [filters.status],
    category: filters.category,
    tier: filters.tier,
    overdue: filters.overdue || undefined,
    source: filters.source,
    areaId: filters.areaId,
    assignee: filters.mine ? 'me' : undefined,
    q: filters.q.trim() || undefined,
    limit: PAGE_SIZE,
  };
}

/** The event board (事件中心): counts, filters, the list newest first, kept live by notifications. */
export function EventsBoardPage() {
  const i18n = useI18n();
  const { t } = i18n;
  const { can } = useAuth();
  const navigate = useNavigate();
  const [filters, setFilters] = useState<Filters>({ status: 'open', overdue: false, mine: false, q: '' });
  const [search, setSearch] = useState('');
  const [items, setItems] = useState<EventListItem[]>([]);
  const [cursor, setCursor] = useState<string | null>(null);
  const [loading, setLoading] = useState(false);
  const [error, setError] = useState<unknown>(null);
  const [version, setVersion] = useState(0);
  const live = useEventNotificationVersion();
  const summary = useResource(
    (signal) =>
      call(api.GET('/api/events/summary', { params: { query: { areaId: filters.areaId } }, signal })),
    [filters.areaId, version + live],
  );
  const request = useRef(0);

  const load = useCallback(
    async (after: string | null) => {
      const mine = ++request.current;
      setLoading(true);
      setError(null);
      try {
        const query = { ...boardQuery(filters), cursor: after ?? undefined };
        const page = await call(api.GET('/api/events', { params: { query } }));
        if (mine !== request.current) return;
        setItems((current) => (after ? [...current, ...page.items] : page.items));
        setCursor(page.nextCursor);
      } catch (failure) {
        if (mine === request.current) setError(failure);
      } finally {
        if (mine === request.current) setLoading(false);
      }
    },
    [filters],
  );

  useEffect(() => {
    void load(null);
  }, [load, version, live]);

  const [showMap, setShowMap] = useState(false);
  const change = (next: Partial<Filters>) => setFilters((current) => ({ ...current, ...next }));
  const byStatus = summary.data?.byStatus;

  return (
    <div className="page" data-testid="events-board">
      <div className="page-title-row">
        <Typography.Title level={3} className="page-title">
          {t('events.title')}
        </Typography.Title>
        <Space wrap>
          <Button icon={<ReloadOutlined />} onClick={() => setVersion((v) => v + 1)}>
            {t('common.refresh')}
          </Button>
          {can('event.configure') && (
            <Button icon={<SettingOutlined />} onClick={() => void navigate('/events/settings')}>
              {t('events.settings')}
            </Button>
          )}
          {(can('event.handle') || can('event.dispatch')) && (
            <Button
              type="primary"
              icon={<PlusOutlined />}
              onClick={() => void navigate('/events/new')}
              data-testid="event-new"
            >
              {t('events.new')}
            </Button>
          )}
        </Space>
      </div>

      <Row gutter={[12, 12]} style={{ marginBottom: 12 }} data-testid="event-summary">
        <Col xs={12} sm={8} md={6} lg={3}>
          <Card size="small" hoverable onClick={() => change({ status: 'open', overdue: false })}>
            <Statistic title={t('events.summary.open')} value={summary.data?.open ?? '-'} />
          </Card>
        </Col>
        <Col xs={12} sm={8} md={6} lg={3}>
          <Card size="small" hoverable onClick={() => change({ status: 'open', overdue: true })}>
            <Statistic
              title={t('events.summary.overdue')}
              value={summary.data?.overdue ?? '-'}
              valueStyle={summary.data?.overdue ? { color: '#cf1322' } : undefined}
            />
          </Card>
        </Col>
        {OPEN_STATUSES.map((status) => (
          <Col xs={12} sm={8} md={6} lg={3} key={status}>
            <Card size="small" hoverable onClick={() => change({ status, overdue: false })}>
              <Statistic title={eventStatusLabel(i18n, status)} value={byStatus?.[status] ?? '-'} />
            </Card>
          </Col>
        ))}
      </Row>

      <Card size="small">
        <Space wrap className="toolbar">
          <Input.Search
            allowClear
            className="toolbar-search"
            placeholder={t('events.searchPlaceholder')}
            value={search}
            onChange={(event) => setSearch(event.target.value)}
            onSearch={(q) => change({ q })}
            data-testid="event-search"
          />
          <Select<StatusChoice>
            className="toolbar-select"
            value={filters.status}
            onChange={(status) => change({ status })}
            data-testid="status-filter"
            options={[
              { value: 'open', label: t('events.openStatuses') },
              { value: 'all', label: t('events.allStatuses') },
              ...EVENT_STATUSES.map((value) => ({ value, label: eventStatusLabel(i18n, value) })),
            ]}
          />
          <CategoryTreeSelect
            className="toolbar-select"
            value={filters.category}
            onChange={(category) => change({ category })}
          />
          <Select<EventTier>
            allowClear
            className="toolbar-select"
            placeholder={t('events.allTiers')}
            value={filters.tier}
            onChange={(tier) => change({ tier })}
            options={EVENT_TIERS.map((value) => ({ value, label: eventTierLabel(i18n, value) }))}
          />
          <Select<EventSource>
            allowClear
            className="toolbar-select"
            placeholder={t('events.allSources')}
            value={filters.source}
            onChange={(source) => change({ source })}
            options={EVENT_SOURCES.map((value) => ({ value, label: eventSourceLabel(i18n, value) }))}
          />
          <div className="toolbar-area">
            <AreaSelect value={filters.areaId} onChange={(areaId) => change({ areaId })} />
          </div>
          <Checkbox checked={filters.overdue} onChange={(event) => change({ overdue: event.target.checked })}>
            {t('events.overdueOnly')}
          </Checkbox>
          <Checkbox checked={filters.mine} onChange={(event) => change({ mine: event.target.checked })}>
            {t('events.mineOnly')}
          </Checkbox>
          <Button
            icon={<EnvironmentOutlined />}
            type={showMap ? 'primary' : 'default'}
            onClick={() => setShowMap((shown) => !shown)}
            data-testid="events-board-map-toggle"
          >
            {t('events.detail.map')}
          </Button>
        </Space>
        {showMap && <EventsMapCard areaId={filters.areaId} openOnly={filters.status === 'open'} />}
        <Table<EventListItem>
          rowKey="id"
          size="middle"
          loading={loading}
          dataSource={items}
          pagination={false}
          scroll={{ x: 'max-content' }}
          data-testid="events-table"
          locale={{ emptyText: error ? eventErrorText(i18n, error) : t('events.empty') }}
          columns={[
            {
              key: 'code',
              title: t('events.code'),
              render: (_, item) => (
                <Link to={`/events/${item.id}`} className="code-text" data-testid="event-link">
                  {item.code}
                </Link>
              ),
            },
            {
              key: 'title',
              title: t('events.titleField'),
              render: (_, item) => (
                <Space direction="vertical" size={0}>
                  <Link to={`/events/${item.id}`}>{item.title}</Link>
                  <span className="muted">
                    {eventSourceLabel(i18n, item.source)} · {i18n.formatDateTime(item.createdAt)}
                  </span>
                </Space>
              ),
              width: 280,
            },
            {
              key: 'category',
              title: t('events.category'),
              render: (_, item) => categoryName(i18n, item.category),
            },
            { key: 'area', title: t('events.area'), render: (_, item) => item.area.name },
            {
              key: 'tier',
              title: t('events.tier'),
              render: (_, item) => <EventTierTag tier={item.tier} i18n={i18n} />,
            },
            {
              key: 'status',
              title: t('events.status'),
              render: (_, item) => <EventStatusTag status={item.status} i18n={i18n} />,
            },
            {
              key: 'deadline',
              title: t('events.deadline'),
              render: (_, item) => (
                <DeadlineText deadline={item.stepDeadline} overdue={item.overdue} i18n={i18n} />
              ),
            },
            {
              key: 'assignee',
              title: t('events.assignee'),
              render: (_, item) => assigneeText(i18n, item.assignee),
            },
          ]}
        />
        <div style={{ textAlign: 'center', marginTop: 12 }}>
          {cursor ? (
            <Button loading={loading} onClick={() => void load(cursor)} data-testid="events-more">
              {t('events.loadMore')}
            </Button>
          ) : (
            items.length > 0 && <span className="muted">{t('events.noMore')}</span>
          )}
        </div>
      </Card>
    </div>
  );
}
