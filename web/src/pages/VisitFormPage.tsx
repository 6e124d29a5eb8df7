import { LogoutOutlined, PhoneOutlined, TagsOutlined, UserAddOutlined } from '@ant-design/icons';
import {
  App,
  Button,
  Card,
  Checkbox,
  DatePicker,
  Empty,
  Form,
  Input,
  Result,
  Space,
  Spin,
  Tag,
  Typography,
} from 'antd';
import dayjs, { type Dayjs } from 'dayjs';
import { useState } from 'react';
import { Link, useNavigate, useSearchParams } from 'react-router-dom';
import { useHouse } from '../api/hooks';
import type { PersonView, VisitArrival, VisitBody, VisitResult } from '../api/model';
import { isOneOf, PERSON_TAGS, type PersonTag } from '../api/vocabulary';
import { ErrorResult } from '../components/ErrorResult';
import { FormModal } from '../components/FormModal';
import { showFormError } from '../components/forms';
import { HouseSelect } from '../components/register/pickers';
import { PersonTagList } from '../components/register/PersonTags';
import { RegisterPersonDrawer } from '../components/register/RegisterPersonDrawer';
import { TagPicker } from '../components/register/TagPicker';
import { NARROW_SCREEN, useMediaQuery } from '../components/useMediaQuery';
import { useI18n } from '../i18n/context';
import { sexLabel, tagLabel } from '../i18n/labels';
import { offlineActions } from '../offline/actions';

/** What the worker found at the door, applied in one go when the visit is recorded. */
interface Findings {
  seen: number[];
  phones: Record<number, string | null>;
  tags: Record<number, PersonTag[]>;
  departures: Record<number, { departedOn: string; destination?: string }>;
  arrivals: VisitArrival[];
}

const NO_FINDINGS: Findings = { seen: [], phones: {}, tags: {}, departures: {}, arrivals: [] };

type QuickAction = { kind: 'phone' | 'tags' | 'leave'; person: PersonView } | null;

/** 智慧走访: a phone-first form — who was met, what changed, notes — recorded against the house. */
export function VisitFormPage() {
  const { t } = useI18n();
  const [params, setParams] = useSearchParams();
  const houseParam = Number(params.get('houseId'));
  const houseId = Number.isInteger(houseParam) && houseParam > 0 ? houseParam : null;

  if (houseId === null) {
    return (
      <div className="page visit-page" data-testid="visit-form">
        <Card title={t('visits.chooseHouse')}>
          <HouseSelect size="large" onChange={(id) => id && setParams({ houseId: String(id) })} />
        </Card>
      </div>
    );
  }
  return <VisitForm key={houseId} houseId={houseId} />;
}

function VisitForm({ houseId }: { houseId: number }) {
  const i18n = useI18n();
  const { t } = i18n;
  const { message, modal } = App.useApp();
  const navigate = useNavigate();
  const narrow = useMediaQuery(NARROW_SCREEN);
  const house = useHouse(houseId);
  const [findings, setFindings] = useState<Findings>(NO_FINDINGS);
  const [action, setAction] = useState<QuickAction>(null);
  const [addingArrival, setAddingArrival] = useState(false);
  const [submitting, setSubmitting] = useState(false);
  const [result, setResult] = useState<VisitResult | null>(null);
  const [queued, setQueued] = useState(false);
  const [form] = Form.useForm<{ notes?: string }>();

  if (house.error) return <ErrorResult error={house.error} onRetry={house.reload} />;
  const data = house.data;
  if (!data) return <Spin className="page-spin" />;

  if (queued) {
    return (
      <div className="page visit-page" data-testid="visit-queued">
        <Result
          status="info"
          title={t('offline.queuedTitle')}
          subTitle={
            <>
              <div>{data.address}</div>
              {t('offline.queued')}
            </>
          }
          extra={
            <Space orientation="vertical" className="full-width">
              <Button type="primary" size="large" block onClick={() => void navigate('/today')}>
                {t('offline.toToday')}
              </Button>
              <Button size="large" block onClick={() => void navigate(`/houses/${data.id}`)}>
                {t('visits.openHouse')}
              </Button>
            </Space>
          }
        />
      </div>
    );
  }

  if (result) {
    const { counts } = result.visit;
    return (
      <div className="page visit-page" data-testid="visit-recorded">
        <Result
          status="success"
          title={t('visits.recorded')}
          subTitle={
            <>
              <div>{data.address}</div>
              {t('visits.recordedSummary', {
                seen: counts.seen,
                arrivals: counts.arrivals,
                departures: counts.departures,
                updates: counts.phoneUpdates + counts.tagUpdates,
              })}
            </>
          }
          extra={
            <Space orientation="vertical" className="full-width">
              <Button type="primary" size="large" block onClick={() => void navigate('/visits/new')}>
                {t('visits.again')}
              </Button>
              <Button size="large" block onClick={() => void navigate(`/houses/${data.id}`)}>
                {t('visits.openHouse')}
              </Button>
              <Link to="/visits">{t('visits.toList')}</Link>
            </Space>
          }
        />
      </div>
    );
  }

  const update = (change: (current: Findings) => Findings) => setFindings(change);
  const without = <T,>(record: Record<number, T>, id: number) =>
    Object.fromEntries(Object.entries(record).filter(([key]) => Number(key) !== id)) as Record<number, T>;

  const body = (notes: string | undefined): VisitBody => {
    const changes: NonNullable<VisitBody['changes']> = {};
    if (findings.arrivals.length) changes.arrivals = findings.arrivals;
    const departures = Object.entries(findings.departures).map(([id, departure]) => ({
      personId: Number(id),
      ...departure,
    }));
    if (departures.length) changes.departures = departures;
    const phones = Object.entries(findings.phones).map(([id, phone]) => ({ personId: Number(id), phone }));
    if (phones.length) changes.phoneUpdates = phones;
    const tags = Object.entries(findings.tags).map(([id, list]) => ({ personId: Number(id), tags: list }));
    if (tags.length) changes.tagUpdates = tags;
    return {
      houseId: data.id,
      seenPersonIds: findings.seen,
      ...(notes?.trim() ? { notes: notes.trim() } : {}),
      ...(Object.keys(changes).length ? { changes } : {}),
    };
  };

  const submit = async (values: { notes?: string }) => {
    setSubmitting(true);
    try {
      const sent = await offlineActions.recordVisit(body(values.notes), data.address);
      if (sent.queued) {
        setQueued(true);
        return;
      }
      setResult(sent.data);
      void message.success(t('visits.recorded'));
    } catch (error) {
      showFormError(form, error, i18n, message);
    } finally {
      setSubmitting(false);
    }
  };
  const onFinish = (values: { notes?: string }) => {
    const nothing = findings.seen.length === 0 && findings.arrivals.length === 0;
    if (!nothing) return void submit(values);
    modal.confirm({
      title: t('visits.nobodySeen'),
      okText: t('common.confirm'),
      cancelText: t('common.cancel'),
      onOk: () => submit(values),
    });
  };

  return (
    <div className="page visit-page" data-testid="visit-form">
      <Card size="small" className="visit-house">
        <Typography.Text type="secondary">{t('visits.house')}</Typography.Text>
        <Typography.Title level={4} className="visit-address">
          <Link to={`/houses/${data.id}`}>{data.address}</Link>
        </Typography.Title>
        <Typography.Text type="secondary">{data.area.name}</Typography.Text>
      </Card>

      <Card size="small" title={t('visits.residentsSeen')} className="side-card">
        {data.residents.length === 0 ? (
          <Empty image={Empty.PRESENTED_IMAGE_SIMPLE} description={t('visits.noResidents')} />
        ) : (
          <div className="visit-residents">
            {data.residents.map((person) => (
              <ResidentRow
                key={person.id}
                person={person}
                findings={findings}
                onToggle={(checked) =>
                  update((current) => ({
                    ...current,
                    seen: checked
                      ? [...current.seen, person.id]
                      : current.seen.filter((id) => id !== person.id),
                  }))
                }
                onAction={(kind) => setAction({ kind, person })}
                onUndo={(kind) =>
                  update((current) =>
                    kind === 'phone'
                      ? { ...current, phones: without(current.phones, person.id) }
                      : kind === 'tags'
                        ? { ...current, tags: without(current.tags, person.id) }
                        : { ...current, departures: without(current.departures, person.id) },
                  )
                }
              />
            ))}
          </div>
        )}
      </Card>

      <Card
        size="small"
        title={t('visits.newcomers')}
        className="side-card"
        extra={
          <Button
            icon={<UserAddOutlined />}
            onClick={() => setAddingArrival(true)}
            data-testid="add-newcomer"
          >
            {t('visits.addNewcomer')}
          </Button>
        }
      >
        {findings.arrivals.length === 0 ? (
          <span className="muted">{t('common.none')}</span>
        ) : (
          <Space orientation="vertical" className="full-width">
            {findings.arrivals.map((arrival, index) => (
              <div key={`${arrival.documentNumber}-${index}`} className="visit-newcomer">
                <span>
                  <strong>{arrival.name}</strong>
                  {arrival.tags?.length
                    ? ` · ${arrival.tags.map((tag) => tagLabel(i18n, tag)).join('、')}`
                    : ''}
                </span>
                <Button
                  type="link"
                  size="small"
                  onClick={() =>
                    update((current) => ({
                      ...current,
                      arrivals: current.arrivals.filter((_a, i) => i !== index),
                    }))
                  }
                >
                  {t('visits.undo')}
                </Button>
              </div>
            ))}
          </Space>
        )}
      </Card>

      <Card size="small" className="side-card">
        <Form form={form} layout="vertical" onFinish={onFinish}>
          <Form.Item name="notes" label={t('visits.notes')} rules={[{ max: 2000 }]}>
            <Input.TextArea autoSize={{ minRows: 3, maxRows: 8 }} />
          </Form.Item>
          <Button
            type="primary"
            htmlType="submit"
            size="large"
            block
            loading={submitting}
            data-testid="visit-submit"
          >
            {t('visits.submit')}
          </Button>
        </Form>
      </Card>

      {action && (
        <QuickActionDialog
          action={action}
          findings={findings}
          onClose={() => setAction(null)}
          onDone={(change) => {
            update(change);
            setAction(null);
          }}
        />
      )}
      <RegisterPersonDrawer
        open={addingArrival}
        narrow={narrow}
        target={{ kind: 'visit', house: { id: data.id, address: data.address } }}
        onClose={() => setAddingArrival(false)}
        onArrival={(arrival) => {
          update((current) => ({ ...current, arrivals: [...current.arrivals, arrival] }));
          setAddingArrival(false);
        }}
      />
    </div>
  );
}

interface ResidentRowProps {
  person: PersonView;
  findings: Findings;
  onToggle: (checked: boolean) => void;
  onAction: (kind: 'phone' | 'tags' | 'leave') => void;
  onUndo: (kind: 'phone' | 'tags' | 'leave') => void;
}

function ResidentRow({ person, findings, onToggle, onAction, onUndo }: ResidentRowProps) {
  const i18n = useI18n();
  const { t } = i18n;
  const pending = (kind: 'phone' | 'tags' | 'leave', label: string, colour: string) => (
    <Tag color={colour} closable onClose={() => onUndo(kind)}>
      {label}
    </Tag>
  );
  return (
    <div className="visit-resident" data-testid="visit-resident">
      <Checkbox
        className="visit-check"
        checked={findings.seen.includes(person.id)}
        onChange={(event) => onToggle(event.target.checked)}
      >
        <span className="visit-name">{person.name}</span>
        <span className="muted">
          {sexLabel(i18n, person.sex)}
          {person.birthYear !== null && ` · ${t('common.bornIn', { year: person.birthYear })}`}
          {person.phoneMasked && ` · ${person.phoneMasked}`}
        </span>
      </Checkbox>
      <div className="visit-resident-tags">
        <PersonTagList tags={findings.tags[person.id] ?? person.tags} />
        {person.id in findings.phones &&
          pending('phone', `${t('visits.pendingPhone')} ${findings.phones[person.id] ?? '—'}`, 'blue')}
        {person.id in findings.tags && pending('tags', t('visits.pendingTags'), 'blue')}
        {person.id in findings.departures && pending('leave', t('visits.pendingLeave'), 'red')}
      </div>
      <Space size={6} className="visit-actions">
        <Button size="small" icon={<PhoneOutlined />} onClick={() => onAction('phone')}>
          {t('visits.phone')}
        </Button>
        <Button size="small" icon={<TagsOutlined />} onClick={() => onAction('tags')}>
          {t('visits.tags')}
        </Button>
        <Button size="small" danger icon={<LogoutOutlined />} onClick={() => onAction('leave')}>
          {t('visits.leave')}
        </Button>
      </Space>
    </div>
  );
}

interface QuickActionDialogProps {
  action: NonNullable<QuickAction>;
  findings: Findings;
  onClose: () => void;
  onDone: (change: (current: Findings) => Findings) => void;
}

function QuickActionDialog({ action, findings, onClose, onDone }: QuickActionDialogProps) {
  const { t } = useI18n();
  const { person } = action;
  switch (action.kind) {
    case 'phone':
      return (
        <FormModal<{ phone?: string }>
          title={t('visits.phoneTitle', { name: person.name })}
          initialValues={{ phone: findings.phones[person.id] ?? '' }}
          onCancel={onClose}
          onSubmit={async (values) => {
            const phone = values.phone?.trim() || null;
            onDone((current) => ({ ...current, phones: { ...current.phones, [person.id]: phone } }));
            return Promise.resolve();
          }}
        >
          <Form.Item
            name="phone"
            label={t('field.phone')}
            extra={t('visits.phoneClear')}
            rules={[{ pattern: /^[\d\s+()-]{5,30}$/, message: t('personForm.phoneRule') }]}
          >
            <Input inputMode="tel" autoFocus placeholder={person.phoneMasked ?? undefined} />
          </Form.Item>
        </FormModal>
      );
    case 'tags':
      return (
        <FormModal<{ tags: PersonTag[] }>
          title={t('visits.tagsTitle', { name: person.name })}
          initialValues={{
            tags:
              findings.tags[person.id] ??
              person.tags.filter((tag): tag is PersonTag => isOneOf(PERSON_TAGS, tag)),
          }}
          onCancel={onClose}
          onSubmit={async (values) => {
            onDone((current) => ({ ...current, tags: { ...current.tags, [person.id]: values.tags } }));
            return Promise.resolve();
          }}
        >
          <Form.Item name="tags">
            <TagPicker />
          </Form.Item>
        </FormModal>
      );
    case 'leave':
      return (
        <FormModal<{ departedOn: Dayjs; destination?: string }>
          title={t('visits.leaveTitle', { name: person.name })}
          danger
          initialValues={{ departedOn: dayjs() }}
          onCancel={onClose}
          onSubmit={async (values) => {
            const destination = values.destination?.trim();
            onDone((current) => ({
              ...current,
              seen: current.seen.filter((id) => id !== person.id),
              departures: {
                ...current.departures,
                [person.id]: {
                  departedOn: values.departedOn.format('YYYY-MM-DD'),
                  ...(destination ? { destination } : {}),
                },
              },
            }));
            return Promise.resolve();
          }}
        >
          <Form.Item
            name="departedOn"
            label={t('field.departedOn')}
            rules={[{ required: true, message: t('problem.required') }]}
          >
            <DatePicker className="full-width" />
          </Form.Item>
          <Form.Item name="destination" label={t('field.destination')} rules={[{ max: 200 }]}>
            <Input />
          </Form.Item>
        </FormModal>
      );
  }
}
