// 今日平安报: the worker's one screen for the daily check-ins — who has reported, who has not, fevers
// and unwell, per grid and row (a chart per grid on the desk); proxy reports for residents without a
// phone; the messages nobody could read. Phone first (390×844).
import { App, Button, Card, Empty, Grid, Input, List, Radio, Space, Spin, Statistic, Tabs, Tag } from 'antd';
import { lazy, Suspense, useCallback, useEffect, useState } from 'react';
import { api, call } from '../api/client';
import type { CheckinFigures, CheckinInboxMessage, CheckinProxyHouseholdList } from '../api/model';
import { useAuth } from '../auth/AuthContext';
import { AreaSelect } from '../components/AreaSelect';
import { useI18n } from '../i18n/context';
import { errorText } from '../i18n/labels';

const ReadsChart = lazy(() =>
  import('../components/services/ServiceCharts').then((module) => ({ default: module.ReadsChart })),
);

/** Loads with `load` whenever its inputs change; `reload` asks again. */
function useLoaded<T>(load: () => Promise<T>, deps: unknown[]) {
  const [data, setData] = useState<T | null>(null);
  const [error, setError] = useState<unknown>(null);
  const [version, setVersion] = useState(0);
  useEffect(() => {
    let live = true;
    setError(null);
    load().then(
      (value) => live && setData(value),
      (failure: unknown) => live && setError(failure),
    );
    return () => {
      live = false;
    };
    // The inputs are listed by the caller.
  }, [...deps, version]);
  return { data, error, reload: useCallback(() => setVersion((v) => v + 1), []) };
}

export function CheckinsPage() {
  const { t } = useI18n();
  const { can } = useAuth();
  const [areaId, setAreaId] = useState<number | undefined>();
  const reader = can('health.read');
  const items = [
    ...(reader
      ? [{ key: 'today', label: t('checkins.tab.today'), children: <Today areaId={areaId} /> }]
      : []),
    { key: 'proxy', label: t('checkins.tab.proxy'), children: <Proxy areaId={areaId} /> },
    ...(reader
      ? [{ key: 'inbox', label: t('checkins.tab.inbox'), children: <Inbox areaId={areaId} /> }]
      : []),
  ];
  return (
    <div className="page" data-testid="checkins-page">
      <Space direction="vertical" style={{ width: '100%' }}>
        <h1 style={{ margin: 0 }}>{t('checkins.title')}</h1>
        {reader && <AreaSelect value={areaId} onChange={(id) => setAreaId(id)} />}
        <Tabs items={items} />
      </Space>
    </div>
  );
}

function Today({ areaId }: { areaId: number | undefined }) {
  const i18n = useI18n();
  const { t } = i18n;
  const desk = Grid.useBreakpoint().lg === true;
  const { data, error } = useLoaded<CheckinFigures>(
    () => call(api.GET('/api/health/checkins/figures', { params: { query: { areaId } } })),
    [areaId],
  );
  if (error) return <Empty description={errorText(i18n, error)} />;
  if (!data) return <Spin />;
  const { total } = data;
  const rows = (list: CheckinFigures['grids']) => (
    <List
      size="small"
      dataSource={list}
      renderItem={(a) => (
        <List.Item data-testid={`checkin-area-${a.area.id}`}>
          <span>{a.area.name}</span>
          <Space size={4} wrap>
            <span>{t('checkins.persons', { done: a.reported, all: a.persons })}</span>
            {a.fevers > 0 && <Tag color="red">{`${t('checkins.fevers')} ${a.fevers}`}</Tag>}
            {a.unwell > 0 && <Tag color="orange">{`${t('checkins.unwell')} ${a.unwell}`}</Tag>}
          </Space>
        </List.Item>
      )}
    />
  );
  return (
    <Space direction="vertical" style={{ width: '100%' }}>
      <Card size="small" data-testid="checkin-totals">
        <Space size="large" wrap>
          <Statistic
            title={t('checkins.persons', { done: total.reported, all: total.persons })}
            value={total.reported}
          />
          <Statistic title={t('checkins.notReported')} value={total.notReported} />
          <Statistic title={t('checkins.fevers')} value={total.fevers} valueStyle={{ color: '#cf1322' }} />
          <Statistic title={t('checkins.unwell')} value={total.unwell} />
        </Space>
        <div className="muted">
          {t('checkins.householdsReported', { done: total.householdsReported, all: total.households })}
        </div>
      </Card>
      {desk && data.grids.length > 0 && (
        <Card size="small" title={t('checkins.byGrid')}>
          <Suspense fallback={<Spin />}>
            <ReadsChart
              rows={data.grids.map((g) => ({ name: g.area.name, targeted: g.persons, read: g.reported }))}
              labels={{ targeted: t('checkins.chart.notReported'), read: t('checkins.chart.reported') }}
            />
          </Suspense>
        </Card>
      )}
      <Card size="small" title={t('checkins.attention')}>
        {data.attention.length === 0 ? (
          <Empty description={t('checkins.attentionEmpty')} />
        ) : (
          <List
            size="small"
            pagination={data.attention.length > 20 ? { pageSize: 20, size: 'small' } : false}
            dataSource={data.attention}
            renderItem={(p) => (
              <List.Item data-testid={`checkin-person-${p.personId}`}>
                <List.Item.Meta
                  title={p.name}
                  description={`${p.address}${p.phoneMasked ? ` · ${p.phoneMasked}` : ''}`}
                />
                <Space size={4}>
                  {p.temperature !== null && <span>{`${p.temperature.toFixed(1)}°C`}</span>}
                  <Tag
                    color={p.state === 'not_reported' ? 'default' : p.state === 'fever' ? 'red' : 'orange'}
                  >
                    {t(`checkins.state.${p.state}`)}
                  </Tag>
                </Space>
              </List.Item>
            )}
          />
        )}
        {data.attentionTruncated && <div className="muted">{t('checkins.attentionTruncated')}</div>}
      </Card>
      {data.grids.length > 1 && (
        <Card size="small" title={t('checkins.byGrid')}>
          {rows(data.grids)}
        </Card>
      )}
      <Card size="small" title={t('checkins.byCell')}>
        {rows(data.cells)}
      </Card>
    </Space>
  );
}

type Entry = { temperature: string; well: boolean | undefined };

function Proxy({ areaId }: { areaId: number | undefined }) {
  const i18n = useI18n();
  const { t } = i18n;
  const { message } = App.useApp();
  const { data, error, reload } = useLoaded<CheckinProxyHouseholdList>(
    () => call(api.GET('/api/health/checkins/households', { params: { query: { areaId } } })),
    [areaId],
  );
  const [entries, setEntries] = useState<Record<number, Entry>>({});
  const [sending, setSending] = useState<number | null>(null);
  if (error) return <Empty description={errorText(i18n, error)} />;
  if (!data) return <Spin />;
  const set = (personId: number, change: Partial<Entry>) =>
    setEntries((all) => ({
      ...all,
      [personId]: { temperature: '', well: undefined, ...all[personId], ...change },
    }));
  const submit = async (household: CheckinProxyHouseholdList['households'][number]) => {
    const members = [];
    for (const m of household.members) {
      const entry = entries[m.personId];
      if (!entry || (entry.temperature.trim() === '' && entry.well === undefined)) continue;
      const value = entry.temperature.trim() === '' ? null : Number(entry.temperature);
      if (value !== null && !(value >= 34 && value <= 43)) {
        void message.error(t('checkins.proxy.badTemperature'));
        return;
      }
      members.push({
        personId: m.personId,
        temperature: value === null ? null : Math.round(value * 10) / 10,
        well: entry.well ?? true,
      });
    }
    if (members.length === 0) {
      void message.warning(t('checkins.proxy.nothing'));
      return;
    }
    setSending(household.houseId);
    try {
      const receipt = await call(
        api.POST('/api/health/checkins/proxy', { body: { houseId: household.houseId, members } }),
      );
      void message.success(t('checkins.proxy.sent', { count: receipt.recorded }));
      reload();
    } catch (failure) {
      void message.error(errorText(i18n, failure));
    } finally {
      setSending(null);
    }
  };
  if (data.households.length === 0) return <Empty description={t('checkins.proxy.empty')} />;
  return (
    <Space direction="vertical" style={{ width: '100%' }}>
      <div className="muted">{t('checkins.proxy.hint')}</div>
      {data.truncated && <div className="muted">{t('checkins.proxy.truncated')}</div>}
      {data.households.map((h) => (
        <Card key={h.houseId} size="small" title={h.address} data-testid={`proxy-house-${h.houseId}`}>
          <List
            size="small"
            dataSource={h.members}
            renderItem={(m) => (
              <List.Item>
                <Space direction="vertical" style={{ width: '100%' }}>
                  <Space wrap>
                    <strong>{m.name}</strong>
                    {m.today && (
                      <Tag color={m.today.well ? 'green' : 'red'}>
                        {`${m.today.temperature === null ? '' : `${m.today.temperature.toFixed(1)}°C `}${t(`checkins.channel.${m.today.channel}`)}`}
                      </Tag>
                    )}
                  </Space>
                  <Space wrap>
                    <Input
                      style={{ width: 110 }}
                      inputMode="decimal"
                      placeholder={t('checkins.proxy.temperature')}
                      value={entries[m.personId]?.temperature ?? ''}
                      onChange={(event) => set(m.personId, { temperature: event.target.value })}
                    />
                    <Radio.Group
                      optionType="button"
                      value={entries[m.personId]?.well}
                      onChange={(event) => set(m.personId, { well: event.target.value as boolean })}
                      options={[
                        { value: true, label: t('checkins.proxy.well') },
                        { value: false, label: t('checkins.proxy.unwell') },
                      ]}
                    />
                  </Space>
                </Space>
              </List.Item>
            )}
          />
          <Button type="primary" block loading={sending === h.houseId} onClick={() => void submit(h)}>
            {t('checkins.proxy.submit')}
          </Button>
        </Card>
      ))}
    </Space>
  );
}

function Inbox({ areaId }: { areaId: number | undefined }) {
  const i18n = useI18n();
  const { t, formatDateTime } = i18n;
  const { message } = App.useApp();
  const { canAt } = useAuth();
  const { data, error, reload } = useLoaded<{ items: CheckinInboxMessage[] }>(
    () => call(api.GET('/api/health/checkins/inbox', { params: { query: { areaId } } })),
    [areaId],
  );
  if (error) return <Empty description={errorText(i18n, error)} />;
  if (!data) return <Spin />;
  if (data.items.length === 0) return <Empty description={t('checkins.inbox.empty')} />;
  const dismiss = async (id: number) => {
    try {
      await call(api.POST('/api/health/checkins/inbox/{id}/resolve', { params: { path: { id } }, body: {} }));
      void message.success(t('checkins.inbox.resolved'));
      reload();
    } catch (failure) {
      void message.error(errorText(i18n, failure));
    }
  };
  return (
    <List
      dataSource={data.items}
      renderItem={(m) => (
        <List.Item
          data-testid={`checkin-message-${m.id}`}
          actions={
            canAt('health.write', m.areaPath)
              ? [
                  <Button key="done" size="small" onClick={() => void dismiss(m.id)}>
                    {t('checkins.inbox.dismiss')}
                  </Button>,
                ]
              : []
          }
        >
          <List.Item.Meta
            title={m.text ?? '—'}
            description={[
              t(`checkins.inbox.channel.${m.channel}`),
              m.phoneMasked,
              m.house?.address,
              formatDateTime(m.receivedAt),
            ]
              .filter(Boolean)
              .join(' · ')}
          />
          <Tag>{t(m.outcome === 'unmatched' ? 'checkins.inbox.unmatched' : 'checkins.inbox.unparsed')}</Tag>
        </List.Item>
      )}
    />
  );
}
