import {
  FullscreenExitOutlined,
  FullscreenOutlined,
  LogoutOutlined,
  ReloadOutlined,
} from '@ant-design/icons';
import {
  Button,
  ConfigProvider,
  Empty,
  Result,
  Segmented,
  Spin,
  theme as antdTheme,
  type ThemeConfig,
} from 'antd';
import { lazy, type ReactNode, Suspense, useEffect, useMemo, useState } from 'react';
import { Link, useNavigate, useParams } from 'react-router-dom';
import { useChildFeatures, useDashboard, useLiveFeed } from '../api/hooks';
import type { ChildFigures, DashboardView } from '../api/model';
import { useAuth } from '../auth/AuthContext';
import { useCheckpointFigures } from '../components/checkpoints/api';
import { useEnterpriseBoard } from '../api/hooks';
import { CheckpointsPanel } from '../components/dashboard/CheckpointsPanel';
import { EnterprisesPanel } from '../components/dashboard/EnterprisesPanel';
import { EventsPanel } from '../components/dashboard/EventsPanel';
import { CategoryBars, Panel, RoundPanel } from '../components/dashboard/Panels';
import { FigureTiles, formatCount } from '../components/dashboard/FigureTiles';
import { LiveClock } from '../components/dashboard/LiveClock';
import { LiveFeed } from '../components/dashboard/LiveFeed';
import type { TrendSeries } from '../components/dashboard/TrendChart';
import { useStageScale } from '../components/dashboard/useStageScale';
import { DataAgeNotice } from '../components/DataAgeNotice';
import { ErrorResult } from '../components/ErrorResult';
import { DailyReportButton } from '../components/health/DailyReportButton';
import { LanguageSwitch } from '../components/LanguageSwitch';
import { useI18n } from '../i18n/context';
import { levelLabel } from '../i18n/labels';

const DashboardMap = lazy(() =>
  import('../components/dashboard/DashboardMap').then((module) => ({ default: module.DashboardMap })),
);
const TrendChart = lazy(() =>
  import('../components/dashboard/TrendChart').then((module) => ({ default: module.TrendChart })),
);

const DARK: ThemeConfig = {
  algorithm: antdTheme.darkAlgorithm,
  token: {
    colorPrimary: '#2f81f7',
    colorBgContainer: '#0d1d36',
    colorBgElevated: '#10233f',
    borderRadius: 6,
  },
};

/** Figures are asked again this often, and soon after the live feed reports something new. */
const REFRESH_MS = 60_000;
const AFTER_EVENT_MS = 3000;
/** The live feed keeps this many of the latest items (the server's backlog for a new screen). */
const FEED_ITEMS = 20;

type Measure = 'untested' | 'keyPersons' | 'openLeads' | 'openEvents';

function measureValue(child: ChildFigures, measure: Measure): number | null {
  switch (measure) {
    case 'untested':
      return child.untestedShare === null ? null : Math.round(child.untestedShare * 1000) / 10;
    case 'keyPersons':
      return child.keyPersons;
    case 'openLeads':
      return child.openLeads;
    case 'openEvents':
      return child.openEvents;
  }
}

/** The big screen (一屏掌握): full window, dark, for the wall of a command centre. */
export function DashboardPage() {
  const { areaId } = useParams();
  const node = areaId === undefined ? undefined : Number(areaId);
  const valid = node === undefined || (Number.isInteger(node) && node > 0);
  return (
    <ConfigProvider theme={DARK}>
      <div className="bigscreen" data-testid="dashboard-page">
        {valid ? <DashboardScreen key={node ?? 'top'} node={node} /> : <NodeNotFound />}
      </div>
    </ConfigProvider>
  );
}

function NodeNotFound() {
  const { t } = useI18n();
  return (
    <Result
      status="404"
      title={t('area.notFound')}
      extra={
        <Link to="/">
          <Button type="primary">{t('notFound.home')}</Button>
        </Link>
      }
    />
  );
}

function DashboardScreen({ node }: { node: number | undefined }) {
  const { t, locale } = useI18n();
  const [version, setVersion] = useState(0);
  const dashboard = useDashboard(node, version);
  // A failed refresh keeps the last figures on the wall (marked stale) rather than a blank screen.
  const [shown, setShown] = useState<DashboardView | null>(null);
  useEffect(() => {
    if (dashboard.data) setShown(dashboard.data);
  }, [dashboard.data]);
  const feed = useLiveFeed(shown?.node.id ?? null, FEED_ITEMS);
  const newest = feed.events[0];
  const { can } = useAuth();
  const checkpoints = useCheckpointFigures(shown?.node.id, version, can('checkpoint.read') && shown !== null);
  const withCheckpoints = (checkpoints.data?.checkpoints.length ?? 0) > 0;
  const enterprises = useEnterpriseBoard(shown?.node.id, version, can('enterprise.read') && shown !== null);
  const withEnterprises = (enterprises.data?.total.enterprises ?? 0) > 0;

  useEffect(() => {
    const timer = setInterval(() => setVersion((v) => v + 1), REFRESH_MS);
    return () => clearInterval(timer);
  }, []);
  useEffect(() => {
    if (!newest || !shown || newest.at <= shown.asOf) return;
    const timer = setTimeout(() => setVersion((v) => v + 1), AFTER_EVENT_MS);
    return () => clearTimeout(timer);
  }, [newest, shown]);

  if (!shown) {
    if (dashboard.error) return <ErrorResult error={dashboard.error} onRetry={dashboard.reload} />;
    return <Spin size="large" className="bigscreen-spin" description={t('common.loading')} />;
  }
  return (
    <Stage>
      <ScreenHeader data={shown} stale={Boolean(dashboard.error)} onReload={dashboard.reload} />
      <FigureTiles data={shown} />
      <main className="bigscreen-body">
        <div
          className={`bigscreen-col bigscreen-side${withCheckpoints ? ' bigscreen-side-checkpoints' : ''}`}
        >
          <Panel title={t('dashboard.panel.round')} className="panel-round">
            <RoundPanel data={shown} />
          </Panel>
          <Panel
            title={t('dashboard.panel.categories')}
            extra={
              <span className="bigscreen-panel-extra">
                {formatCount(shown.figures.keyPersons.total, locale)}
              </span>
            }
            className="panel-categories"
          >
            <CategoryBars data={shown} />
          </Panel>
          {withEnterprises && enterprises.data && (
            <Panel title={t('dashboard.panel.enterprises')} className="panel-enterprises">
              <EnterprisesPanel board={enterprises.data} />
            </Panel>
          )}
          <Panel title={t('dashboard.panel.testsTrend')} className="panel-trend">
            <TestsTrend data={shown} />
          </Panel>
        </div>
        <div className="bigscreen-col bigscreen-centre-col">
          <MapPanel data={shown} />
          {withCheckpoints && checkpoints.data && (
            <Panel
              title={t('checkpointBoard.panel')}
              extra={
                <span className="bigscreen-panel-extra">
                  {t('checkpointBoard.panelCount', { n: checkpoints.data.checkpoints.length })}
                </span>
              }
              className="panel-checkpoints"
              testId="dashboard-checkpoints"
            >
              <CheckpointsPanel figures={checkpoints.data} />
            </Panel>
          )}
        </div>
        <div
          className={`bigscreen-col bigscreen-side${shown.figures.events ? ' bigscreen-side-events' : ''}`}
        >
          {shown.figures.events && (
            <Panel
              title={t('dashboard.panel.events')}
              className="panel-events"
              testId="dashboard-events-panel"
            >
              <EventsPanel figures={shown.figures.events} />
            </Panel>
          )}
          <Panel title={t('dashboard.panel.feed')} className="panel-feed" testId="dashboard-feed">
            <LiveFeed events={feed.events} state={feed.state} />
          </Panel>
          <Panel title={t('dashboard.panel.workTrend')} className="panel-trend-wide">
            <WorkTrend data={shown} />
          </Panel>
        </div>
      </main>
    </Stage>
  );
}

/** 1920×1080, scaled to fit the window; on a narrow window the panels flow one below the other. */
function Stage({ children }: { children: ReactNode }) {
  const stage = useStageScale();
  if (stage.scale === null) return <div className="bigscreen-flow">{children}</div>;
  return (
    <div
      className="bigscreen-stage"
      style={{ transform: `translate(${stage.offsetX}px, ${stage.offsetY}px) scale(${stage.scale})` }}
    >
      {children}
    </div>
  );
}

function ScreenHeader({
  data,
  stale,
  onReload,
}: {
  data: DashboardView;
  stale: boolean;
  onReload: () => void;
}) {
  const i18n = useI18n();
  const { t } = i18n;
  const navigate = useNavigate();
  const [fullscreen, setFullscreen] = useState(() => document.fullscreenElement !== null);
  useEffect(() => {
    const update = () => setFullscreen(document.fullscreenElement !== null);
    document.addEventListener('fullscreenchange', update);
    return () => document.removeEventListener('fullscreenchange', update);
  }, []);
  const toggleFullscreen = () =>
    void (document.fullscreenElement
      ? document.exitFullscreen()
      : document.documentElement.requestFullscreen());

  return (
    <header className="bigscreen-header">
      <nav className="bigscreen-trail" aria-label={t('dashboard.trail')} data-testid="dashboard-trail">
        {data.trail.map((area) => (
          <span key={area.id} className="bigscreen-trail-step">
            <button type="button" onClick={() => void navigate(`/dashboard/${area.id}`)}>
              {area.name}
            </button>
            <span className="bigscreen-trail-sep">›</span>
          </span>
        ))}
        <span className="bigscreen-trail-here">
          {data.node.name}
          <span className="bigscreen-level">{levelLabel(i18n, data.node.level)}</span>
        </span>
      </nav>
      <h1 className="bigscreen-title" data-testid="dashboard-title">
        {t('dashboard.title', { name: data.node.name })}
      </h1>
      <div className="bigscreen-tools">
        <DataAgeNotice compact />
        {stale && (
          <Button size="small" danger icon={<ReloadOutlined />} onClick={onReload}>
            {t('dashboard.stale')}
          </Button>
        )}
        <LiveClock />
        <DailyReportButton areaId={data.node.id} compact />
        <LanguageSwitch compact />
        <Button
          type="text"
          className="header-button"
          aria-label={t(fullscreen ? 'dashboard.exitFullscreen' : 'dashboard.fullscreen')}
          title={t(fullscreen ? 'dashboard.exitFullscreen' : 'dashboard.fullscreen')}
          icon={fullscreen ? <FullscreenExitOutlined /> : <FullscreenOutlined />}
          onClick={toggleFullscreen}
        />
        <Link to={`/areas/${data.node.id}`} title={t('dashboard.leave')}>
          <Button
            type="text"
            className="header-button"
            icon={<LogoutOutlined />}
            aria-label={t('dashboard.leave')}
          />
        </Link>
      </div>
    </header>
  );
}

function MapPanel({ data }: { data: DashboardView }) {
  const i18n = useI18n();
  const { t, locale } = i18n;
  const navigate = useNavigate();
  const [measure, setMeasure] = useState<Measure>(data.round ? 'untested' : 'keyPersons');
  const features = useChildFeatures(data.node.id, data.node.childCount > 0);
  const count = useMemo(() => new Intl.NumberFormat(locale), [locale]);
  const collection = features.data;
  const drawable = collection?.features.some((feature) => feature.geometry !== null) ?? false;
  const regions = useMemo(
    () =>
      data.children.map((child) => ({
        id: child.area.id,
        code: child.area.code,
        value: measureValue(child, measure),
        notes:
          child.openEvents === null
            ? []
            : [
                t('dashboard.mapEvents', {
                  open: count.format(child.openEvents),
                  overdue: count.format(child.overdueEvents ?? 0),
                }),
              ],
      })),
    [data.children, measure, count, t],
  );
  const format = useMemo(
    () =>
      measure === 'untested'
        ? (value: number) => `${value.toFixed(1)}%`
        : (value: number) => count.format(value),
    [measure, count],
  );
  const measureLabel = t(`dashboard.measure.${measure}`);
  const drill = (id: number) => void navigate(`/dashboard/${id}`);

  return (
    <Panel
      title={t('dashboard.panel.map', {
        level: levelLabel(i18n, data.children[0]?.area.level ?? data.node.level),
      })}
      className="bigscreen-centre"
      testId="dashboard-map-panel"
      extra={
        <Segmented<Measure>
          value={measure}
          onChange={setMeasure}
          data-testid="measure-switch"
          options={[
            { value: 'untested', label: t('dashboard.measure.untested'), disabled: !data.round },
            { value: 'keyPersons', label: t('dashboard.measure.keyPersons') },
            { value: 'openLeads', label: t('dashboard.measure.openLeads') },
            {
              value: 'openEvents',
              label: t('dashboard.measure.openEvents'),
              disabled: !data.figures.events,
            },
          ]}
        />
      }
    >
      {data.children.length === 0 ? (
        <Empty image={Empty.PRESENTED_IMAGE_SIMPLE} description={t('dashboard.noChildren')} />
      ) : (
        <div className="bigscreen-map-area">
          <div className="bigscreen-map-box">
            {collection && drawable ? (
              <Suspense fallback={<Spin className="map-spin" />}>
                <DashboardMap
                  areaId={data.node.id}
                  regions={regions}
                  scale={measure === 'untested' ? 'share' : 'count'}
                  format={format}
                  measureLabel={measureLabel}
                  noData={t('dashboard.noData')}
                  onSelect={drill}
                />
              </Suspense>
            ) : features.loading ? (
              <Spin className="map-spin" />
            ) : (
              <Empty image={Empty.PRESENTED_IMAGE_SIMPLE} description={t('dashboard.noBoundaries')} />
            )}
          </div>
          <ol
            className="bigscreen-areas"
            aria-label={t('dashboard.areaList')}
            data-testid="dashboard-area-list"
          >
            {data.children.map((child) => {
              const value = measureValue(child, measure);
              return (
                <li key={child.area.id}>
                  <button
                    type="button"
                    className="bigscreen-area"
                    onClick={() => drill(child.area.id)}
                    data-testid="dashboard-area-item"
                    title={t('dashboard.drill', { name: child.area.name })}
                  >
                    <span className="bigscreen-area-name">{child.area.name}</span>
                    <span className="bigscreen-area-value">{value === null ? '—' : format(value)}</span>
                    <span className="bigscreen-area-note">
                      {t('dashboard.areaNote', { residents: count.format(child.residents) })}
                      {child.overdueLeads > 0 && (
                        <span className="bigscreen-area-alert">
                          {t('dashboard.areaOverdue', { count: child.overdueLeads })}
                        </span>
                      )}
                      {child.openEvents !== null && (
                        <span className="bigscreen-area-events" data-testid="dashboard-area-events">
                          {t('dashboard.areaEvents', { open: count.format(child.openEvents) })}
                          {(child.overdueEvents ?? 0) > 0 && (
                            <span className="bigscreen-area-alert">
                              {' '}
                              {t('dashboard.areaEventsOverdue', { count: child.overdueEvents ?? 0 })}
                            </span>
                          )}
                        </span>
                      )}
                    </span>
                  </button>
                </li>
              );
            })}
          </ol>
        </div>
      )}
    </Panel>
  );
}

function TestsTrend({ data }: { data: DashboardView }) {
  const { t } = useI18n();
  const series = useMemo<TrendSeries[]>(
    () => [{ name: t('dashboard.trend.tests'), values: data.trend.tests, colour: '#2f81f7', kind: 'bar' }],
    [data.trend.tests, t],
  );
  return (
    <Suspense fallback={<Spin className="map-spin" />}>
      <TrendChart days={data.trend.days} series={series} testId="trend-tests" />
    </Suspense>
  );
}

function WorkTrend({ data }: { data: DashboardView }) {
  const { t } = useI18n();
  const series = useMemo<TrendSeries[]>(
    () => [
      {
        name: t('dashboard.trend.newKeyPersons'),
        values: data.trend.newKeyPersons,
        colour: '#f0883e',
        kind: 'line',
      },
      {
        name: t('dashboard.trend.leadsVerified'),
        values: data.trend.leadsVerified,
        colour: '#3fb950',
        kind: 'line',
      },
    ],
    [data.trend.newKeyPersons, data.trend.leadsVerified, t],
  );
  return (
    <Suspense fallback={<Spin className="map-spin" />}>
      <TrendChart days={data.trend.days} series={series} testId="trend-work" />
    </Suspense>
  );
}
