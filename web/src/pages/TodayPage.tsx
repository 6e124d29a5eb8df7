import {
  AlertOutlined,
  CheckCircleOutlined,
  ExperimentOutlined,
  EyeOutlined,
  FileSearchOutlined,
  FormOutlined,
  HeartOutlined,
  PhoneOutlined,
  ReloadOutlined,
  ScanOutlined,
  TagOutlined,
  UserAddOutlined,
} from '@ant-design/icons';
import { Badge, Button, Card, Empty, List, Segmented, Space, Tag, Typography } from 'antd';
import dayjs from 'dayjs';
import { type ReactNode, useCallback, useEffect, useState } from 'react';
import { Link } from 'react-router-dom';
import {
  useKeyPersonList,
  useKeyPersonTasks,
  useLeadList,
  usePendingCount,
  usePersonList,
  useRoundList,
  useUntested,
} from '../api/hooks';
import type { KeyPersonView, LeadView, MarkView, RevealResponse, UntestedPerson } from '../api/model';
import { useAuth } from '../auth/AuthContext';
import { FollowUpDialog } from '../components/health/FollowUpDialog';
import { MarkDialog } from '../components/health/MarkDialog';
import { CategoryTag, LeadStatusTag, MarkTag } from '../components/health/tags';
import { VerifyLeadDialog } from '../components/health/VerifyLeadDialog';
import { RevealDialog } from '../components/register/PersonDialogs';
import { PersonTagList } from '../components/register/PersonTags';
import { useI18n } from '../i18n/context';
import { errorText } from '../i18n/labels';

/** Revealed phone numbers stay on screen this long. */
const REVEAL_MS = 60_000;

/** A grid worker's day on one phone screen: who to test, what to verify, whom to follow up. */
export function TodayPage() {
  const { t } = useI18n();
  const { me, can } = useAuth();
  const [version, setVersion] = useState(0);
  const health = can('health.read');
  const write = can('health.write');
  const areas = [...new Set(me?.assignments.map((assignment) => assignment.areaName) ?? [])].join('、');
  const [counts, setCounts] = useState<Partial<Record<SectionName, number>>>({});
  const report = useCallback(
    (name: SectionName, count: number | undefined) =>
      setCounts((current) => (current[name] === count ? current : { ...current, [name]: count })),
    [],
  );
  const shown: SectionName[] = [
    ...(health ? (['untested', 'leads', 'follow-ups'] as const) : []),
    ...(can('person.write') ? (['arrivals'] as const) : []),
    ...(health ? (['tasks', 'health'] as const) : []),
  ];

  return (
    <div className="page today-page" data-testid="today-page">
      <div className="today-head">
        <div>
          <Typography.Title level={3} className="page-title">
            {t('today.title')}
          </Typography.Title>
          <div className="muted">
            {dayjs().format(t('today.dateFormat'))} · {areas}
          </div>
        </div>
        <Space wrap className="today-head-actions">
          {can('person.write') && (
            <Link to="/scan" data-testid="today-scan">
              <Button type="primary" icon={<ScanOutlined />}>
                {t('scan.nav')}
              </Button>
            </Link>
          )}
          <Button
            icon={<ReloadOutlined />}
            onClick={() => setVersion((v) => v + 1)}
            aria-label={t('common.refresh')}
          >
            {t('common.refresh')}
          </Button>
        </Space>
      </div>
      <nav className="today-summary" aria-label={t('today.summary')}>
        {shown.map((name) => (
          <a
            key={name}
            href={`#today-${name}`}
            className={counts[name] ? 'today-chip busy' : 'today-chip'}
            onClick={(event) => {
              event.preventDefault();
              document
                .getElementById(`today-${name}`)
                ?.scrollIntoView({ behavior: 'smooth', block: 'start' });
            }}
          >
            <span className="today-chip-count">{counts[name] ?? '…'}</span>
            <span className="today-chip-label">{t(`today.chip.${name}`)}</span>
          </a>
        ))}
      </nav>
      {health && <UntestedSection version={version} write={write} onCount={report} />}
      {health && <LeadsSection version={version} write={write} onCount={report} />}
      {health && <FollowUpsSection version={version} write={write} onCount={report} />}
      {can('person.write') && <ArrivalsSection version={version} onCount={report} />}
      {health && <KeyPersonTasksSection version={version} onCount={report} />}
      {health && <HealthWatchSection version={version} onCount={report} />}
    </div>
  );
}

type SectionName = 'untested' | 'leads' | 'follow-ups' | 'arrivals' | 'tasks' | 'health';

interface SectionProps {
  version: number;
  /** Tells the summary at the top how many things wait in the section. */
  onCount: (name: SectionName, count: number | undefined) => void;
}

function Section({
  name,
  icon,
  title,
  count,
  extra,
  children,
  onCount,
}: {
  name: SectionName;
  icon: ReactNode;
  title: string;
  count: number | undefined;
  extra?: ReactNode;
  children: ReactNode;
  onCount: SectionProps['onCount'];
}) {
  useEffect(() => onCount(name, count), [name, count, onCount]);
  return (
    <Card
      id={`today-${name}`}
      className="today-section"
      data-testid={`today-${name}`}
      size="small"
      title={
        <span className="today-section-title">
          {icon}
          <span>{title}</span>
          <Badge
            count={count ?? 0}
            showZero
            overflowCount={999}
            color={count ? '#fa541c' : '#52c41a'}
            data-testid={`today-${name}-count`}
          />
        </span>
      }
      extra={extra}
    >
      {children}
    </Card>
  );
}

function ErrorLine({ error }: { error: unknown }) {
  const i18n = useI18n();
  return <Typography.Text type="danger">{errorText(i18n, error)}</Typography.Text>;
}

/** Phone numbers revealed for a minute, by person. */
function useRevealed() {
  const [revealed, setRevealed] = useState<Record<number, RevealResponse>>({});
  const reveal = (personId: number, secrets: RevealResponse) => {
    setRevealed((current) => ({ ...current, [personId]: secrets }));
    setTimeout(
      () =>
        setRevealed((current) => {
          const next = { ...current };
          delete next[personId];
          return next;
        }),
      REVEAL_MS,
    );
  };
  return { revealed, reveal };
}

function UntestedSection({ version, write, onCount }: SectionProps & { write: boolean }) {
  const { t } = useI18n();
  const { canAt } = useAuth();
  const rounds = useRoundList({ status: 'open', pageSize: 10 }, version);
  const [chosen, setChosen] = useState<number | null>(null);
  const round = rounds.data?.items.find((item) => item.id === chosen) ?? rounds.data?.items[0] ?? null;
  const [page, setPage] = useState(1);
  const [local, setLocal] = useState(0);
  const untested = useUntested(round?.id ?? null, { page, pageSize: 10 }, version + local);
  const [marks, setMarks] = useState<Record<number, MarkView | null>>({});
  const [marking, setMarking] = useState<UntestedPerson | null>(null);
  const [revealing, setRevealing] = useState<UntestedPerson | null>(null);
  const { revealed, reveal } = useRevealed();
  useEffect(() => setMarks({}), [untested.data]);

  const count = round ? untested.data?.total : 0;
  return (
    <Section
      name="untested"
      onCount={onCount}
      icon={<ExperimentOutlined />}
      title={t('today.untested')}
      count={count}
      extra={
        round && (
          <Link to={`/rounds/${round.id}`} className="today-more">
            {t('today.roundLink')}
          </Link>
        )
      }
    >
      {rounds.error ? (
        <ErrorLine error={rounds.error} />
      ) : !round ? (
        <Empty
          image={Empty.PRESENTED_IMAGE_SIMPLE}
          description={rounds.loading ? t('common.loading') : t('today.noRound')}
        />
      ) : (
        <>
          {(rounds.data?.items.length ?? 0) > 1 && (
            <Segmented<number>
              block
              className="today-rounds"
              value={round.id}
              onChange={(id) => {
                setChosen(id);
                setPage(1);
              }}
              options={(rounds.data?.items ?? []).map((item) => ({ value: item.id, label: item.name }))}
            />
          )}
          <div className="muted today-round-name">{round.name}</div>
          <List<UntestedPerson>
            loading={untested.loading}
            dataSource={untested.data?.items ?? []}
            locale={{
              emptyText: untested.error ? (
                <ErrorLine error={untested.error} />
              ) : (
                <Empty description={t('today.allTested')} />
              ),
            }}
            pagination={
              (untested.data?.total ?? 0) > 10
                ? {
                    current: page,
                    pageSize: 10,
                    total: untested.data?.total ?? 0,
                    size: 'small',
                    simple: true,
                    onChange: setPage,
                  }
                : false
            }
            renderItem={(person) => {
              const mark = person.personId in marks ? marks[person.personId] : person.mark;
              const phone = revealed[person.personId]?.phone;
              return (
                <List.Item className="today-item" data-testid="untested-item">
                  <div className="today-item-body">
                    <div className="today-item-head">
                      <Link to={`/persons/${person.personId}`} className="today-name">
                        {person.name}
                      </Link>
                      {mark && <MarkTag mark={mark} />}
                      <PersonTagList tags={person.tags} />
                    </div>
                    <div className="muted">{person.address ?? person.area.name}</div>
                    <div className="today-phone">
                      {phone ? (
                        <a href={`tel:${phone}`} className="code-text revealed">
                          <PhoneOutlined /> {phone}
                        </a>
                      ) : (
                        <span className="code-text">{person.phoneMasked ?? t('common.notFilled')}</span>
                      )}
                    </div>
                  </div>
                  <Space className="today-actions" wrap>
                    {!phone && person.phoneMasked && canAt('person.reveal', person.area.path) && (
                      <Button icon={<EyeOutlined />} onClick={() => setRevealing(person)}>
                        {t('today.showNumber')}
                      </Button>
                    )}
                    {write && canAt('health.write', person.area.path) && (
                      <Button
                        icon={<TagOutlined />}
                        onClick={() => setMarking({ ...person, mark: mark ?? null })}
                        data-testid="mark-button"
                      >
                        {t('today.mark')}
                      </Button>
                    )}
                  </Space>
                </List.Item>
              );
            }}
          />
        </>
      )}
      {marking && round && (
        <MarkDialog
          roundId={round.id}
          person={marking}
          onClose={() => setMarking(null)}
          onDone={(mark) => {
            setMarking(null);
            // An exemption takes the person off the list; an outcome stays beside the name.
            if (mark?.kind === 'exempt') setLocal((v) => v + 1);
            else setMarks((current) => ({ ...current, [marking.personId]: mark }));
          }}
        />
      )}
      {revealing && (
        <RevealDialog
          person={{ id: revealing.personId, name: revealing.name }}
          onClose={() => setRevealing(null)}
          onRevealed={(secrets) => {
            reveal(revealing.personId, secrets);
            setRevealing(null);
          }}
        />
      )}
    </Section>
  );
}

function LeadsSection({ version, write, onCount }: SectionProps & { write: boolean }) {
  const i18n = useI18n();
  const { t } = i18n;
  const { canAt } = useAuth();
  const [local, setLocal] = useState(0);
  const leads = useLeadList({ mine: true, status: 'open', pageSize: 50 }, version + local);
  const [verifying, setVerifying] = useState<LeadView | null>(null);
  return (
    <Section
      name="leads"
      onCount={onCount}
      icon={<FileSearchOutlined />}
      title={t('today.leads')}
      count={leads.data?.total}
      extra={
        <Link to="/leads" className="today-more">
          {t('today.all')}
        </Link>
      }
    >
      <List<LeadView>
        loading={leads.loading}
        dataSource={leads.data?.items ?? []}
        locale={{
          emptyText: leads.error ? (
            <ErrorLine error={leads.error} />
          ) : (
            <Empty description={t('today.noLeads')} />
          ),
        }}
        renderItem={(lead) => (
          <List.Item className="today-item" data-testid="lead-item">
            <div className="today-item-body">
              <div className="today-item-head">
                <span className="today-name">
                  {lead.nameMasked ?? lead.documentMasked ?? lead.phoneMasked ?? `#${lead.id}`}
                </span>
                <LeadStatusTag lead={lead} />
              </div>
              <div>{lead.reason}</div>
              <div className="muted">
                {lead.address ?? lead.area.name}
                {lead.phoneMasked && <span className="code-text"> · {lead.phoneMasked}</span>}
              </div>
              <div className={lead.overdue ? 'today-deadline overdue' : 'today-deadline'}>
                {t('today.deadline', { at: i18n.formatDateTime(lead.deadline) })}
              </div>
            </div>
            {write && canAt('health.write', lead.area.path) && (
              <Button
                type="primary"
                icon={<CheckCircleOutlined />}
                onClick={() => setVerifying(lead)}
                data-testid="verify-button"
              >
                {t('leads.verify')}
              </Button>
            )}
          </List.Item>
        )}
      />
      {verifying && (
        <VerifyLeadDialog
          lead={verifying}
          onClose={() => setVerifying(null)}
          onDone={() => {
            setVerifying(null);
            setLocal((v) => v + 1);
          }}
        />
      )}
    </Section>
  );
}

function FollowUpsSection({ version, write, onCount }: SectionProps & { write: boolean }) {
  const { t } = useI18n();
  const { canAt } = useAuth();
  const [local, setLocal] = useState(0);
  const list = useKeyPersonList({ responsible: 'me', status: 'active', pageSize: 200 }, version + local);
  const [recording, setRecording] = useState<KeyPersonView | null>(null);
  const due = (list.data?.items ?? []).filter(
    (item) => item.followUps.dueToday > item.followUps.doneToday || item.followUps.missing > 0,
  );
  const left = due.reduce(
    (total, item) => total + Math.max(0, item.followUps.dueToday - item.followUps.doneToday),
    0,
  );
  return (
    <Section
      name="follow-ups"
      onCount={onCount}
      icon={<HeartOutlined />}
      title={t('today.followUps')}
      count={list.data ? left : undefined}
      extra={
        <Link to="/key-persons" className="today-more">
          {t('today.all')}
        </Link>
      }
    >
      <List<KeyPersonView>
        loading={list.loading}
        dataSource={due}
        locale={{
          emptyText: list.error ? (
            <ErrorLine error={list.error} />
          ) : (
            <Empty description={t('today.noFollowUps')} />
          ),
        }}
        renderItem={(item) => (
          <List.Item className="today-item" data-testid="follow-up-item">
            <div className="today-item-body">
              <div className="today-item-head">
                <Link to={`/key-persons/${item.id}`} className="today-name">
                  {item.person.name}
                </Link>
                <CategoryTag category={item.category} />
              </div>
              <div className="muted">{item.person.address ?? item.person.area?.name}</div>
              <Space size={4} wrap>
                <Tag color={item.followUps.doneToday >= item.followUps.dueToday ? 'green' : 'blue'}>
                  {t('today.doneToday', { done: item.followUps.doneToday, due: item.followUps.dueToday })}
                </Tag>
                {item.followUps.missing > 0 && (
                  <Tag color="red">{t('today.missing', { count: item.followUps.missing })}</Tag>
                )}
                <span className="muted">{t('today.until', { date: item.endsOn })}</span>
              </Space>
            </div>
            {write && canAt('health.write', item.areaPath) && (
              <Button
                type="primary"
                icon={<FormOutlined />}
                onClick={() => setRecording(item)}
                data-testid="record-button"
              >
                {t('today.record')}
              </Button>
            )}
          </List.Item>
        )}
      />
      {recording && (
        <FollowUpDialog
          keyPerson={recording}
          onClose={() => setRecording(null)}
          onDone={() => {
            setRecording(null);
            setLocal((v) => v + 1);
          }}
        />
      )}
    </Section>
  );
}

function ArrivalsSection({ version, onCount }: SectionProps) {
  const { t } = useI18n();
  const pending = usePendingCount(true, `today-${version}`);
  return (
    <Section
      name="arrivals"
      icon={<UserAddOutlined />}
      title={t('today.arrivals')}
      count={pending.data}
      onCount={onCount}
    >
      <div className="today-arrivals">
        <span>
          {pending.data ? t('today.arrivalsWaiting', { count: pending.data }) : t('today.noArrivals')}
        </span>
        <Link to="/tasks">
          <Button type={pending.data ? 'primary' : 'default'}>{t('today.openTasks')}</Button>
        </Link>
      </div>
    </Section>
  );
}

function KeyPersonTasksSection({ version, onCount }: SectionProps) {
  const { t } = useI18n();
  const tasks = useKeyPersonTasks({ responsible: 'me', pageSize: 20 }, version);
  return (
    <Section
      name="tasks"
      icon={<AlertOutlined />}
      title={t('today.tasks')}
      count={tasks.data?.total}
      onCount={onCount}
    >
      <List
        loading={tasks.loading}
        dataSource={tasks.data?.items ?? []}
        locale={{
          emptyText: tasks.error ? (
            <ErrorLine error={tasks.error} />
          ) : (
            <Empty description={t('today.noTasks')} />
          ),
        }}
        renderItem={(task) => (
          <List.Item className="today-item" data-testid="task-item">
            <div className="today-item-body">
              <div className="today-item-head">
                <Link to={`/key-persons/${task.keyPersonId}`} className="today-name">
                  {task.person.name}
                </Link>
                <CategoryTag category={task.category} />
              </div>
              <div>
                {task.kind === 'period_ended' ? (
                  <Tag color="purple">{t('today.periodEnded', { date: task.endsOn })}</Tag>
                ) : (
                  <Tag color="red">{t('today.missedSince', { count: task.missing, date: task.since })}</Tag>
                )}
              </div>
            </div>
            <Link to={`/key-persons/${task.keyPersonId}`}>
              <Button>{t('today.open')}</Button>
            </Link>
          </List.Item>
        )}
      />
    </Section>
  );
}

const WATCHED = ['fever_24h', 'red_code', 'yellow_code', 'no_dose'] as const;

/** Fevers, red and yellow codes, the unvaccinated in my area: each a count linking to the filtered register. */
function HealthWatchSection({ version, onCount }: SectionProps) {
  const { t } = useI18n();
  const query = { status: 'active' as const, page: 1, pageSize: 1 };
  // One count per watched filter, in WATCHED's order (the same four hooks every render).
  const counts = [
    usePersonList({ ...query, health: WATCHED[0] }, version),
    usePersonList({ ...query, health: WATCHED[1] }, version),
    usePersonList({ ...query, health: WATCHED[2] }, version),
    usePersonList({ ...query, health: WATCHED[3] }, version),
  ];
  const lists = WATCHED.map((health, i) => ({ health, list: counts[i]! }));
  const error = lists.find((entry) => entry.list.error)?.list.error;
  const urgent = lists.filter((entry) => entry.health !== 'no_dose').map((entry) => entry.list.data?.total);
  const total = urgent.every((n) => n !== undefined) ? urgent.reduce((a, b) => a! + b!, 0) : undefined;
  return (
    <Section
      name="health"
      icon={<HeartOutlined />}
      title={t('todayHealth.title')}
      count={total}
      onCount={onCount}
    >
      {error ? (
        <ErrorLine error={error} />
      ) : (
        <List
          size="small"
          dataSource={lists}
          renderItem={({ health, list }) => (
            <List.Item
              data-testid={`today-health-${health}`}
              extra={
                <Link to={`/register?tab=persons&health=${health}`}>
                  <Tag color={list.data?.total && health !== 'no_dose' ? 'red' : 'default'}>
                    {t('todayHealth.count', { count: list.data?.total ?? '…' })}
                  </Tag>
                </Link>
              }
            >
              <Link to={`/register?tab=persons&health=${health}`}>{t(`healthFilter.${health}`)}</Link>
            </List.Item>
          )}
        />
      )}
    </Section>
  );
}
