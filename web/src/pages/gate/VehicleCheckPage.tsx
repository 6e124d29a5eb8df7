import { CarOutlined, SearchOutlined, WarningOutlined } from '@ant-design/icons';
import {
  Alert,
  App,
  Button,
  Card,
  Empty,
  Form,
  Input,
  List,
  Segmented,
  Select,
  Space,
  Spin,
  Tag,
  Typography,
} from 'antd';
import { useEffect, useMemo, useState } from 'react';
import { useNavigate, useSearchParams } from 'react-router-dom';
import { normalizePlate, parsePlate } from '../../../../src/checkpoints/plate';
import { api, call } from '../../api/client';
import { useResource } from '../../api/hooks';
import type { VehicleLookup, VehicleRecordView } from '../../api/model';
import { showFormError } from '../../components/forms';
import { type I18n, useI18n } from '../../i18n/context';
import { errorText } from '../../i18n/labels';
import './vehicle-check.css';

type Direction = 'in' | 'out';
type Decision = 'allowed' | 'refused';
interface CheckForm {
  origin?: string;
  destination?: string;
  cargo?: string;
  driverIdNumber?: string;
  passengerIdNumbers?: string[];
}

const time = (iso: string) =>
  new Date(iso).toLocaleTimeString('zh-CN', { hour: '2-digit', minute: '2-digit' });

/** The phone page at a checkpoint: type a plate, see where it was checked and whether it is a risk, record the check. */
export function VehicleCheckPage() {
  const i18n = useI18n();
  const { t } = i18n;
  const [params, setParams] = useSearchParams();
  const navigate = useNavigate();
  const checkpointId = Number(params.get('checkpoint'));
  const valid = Number.isInteger(checkpointId) && checkpointId > 0;
  const [typed, setTyped] = useState(params.get('plate') ?? '');
  const [version, setVersion] = useState(0);
  const parsed = useMemo(() => parsePlate(typed), [typed]);
  const [lookedUp, setLookedUp] = useState<string | null>(parsed.ok ? parsed.plate : null);

  const recent = useResource(
    (signal) =>
      valid
        ? call(api.GET('/api/checkpoints/{id}/vehicles', { params: { path: { id: checkpointId } }, signal }))
        : Promise.resolve(null),
    [checkpointId, version],
  );
  const vehicle = useResource(
    (signal) =>
      valid && lookedUp
        ? call(
            api.GET('/api/checkpoints/{id}/vehicles/{plate}', {
              params: { path: { id: checkpointId, plate: lookedUp } },
              signal,
            }),
          )
        : Promise.resolve(null),
    [checkpointId, lookedUp, version],
  );

  if (!valid)
    return <ChooseCheckpoint onChoose={(id) => setParams({ checkpoint: String(id) }, { replace: true })} />;

  const problem = typed.trim() && !parsed.ok ? t(`error.${parsed.problem}`) : null;
  const lookup = () => {
    if (!parsed.ok) return;
    setLookedUp(parsed.plate);
    setParams({ checkpoint: String(checkpointId), plate: parsed.plate }, { replace: true });
  };

  return (
    <div className="page gate-page" data-testid="vehicle-check-page">
      <Segmented
        block
        className="gate-tabs"
        value="vehicles"
        options={[
          { value: 'persons', label: t('gate.persons') },
          { value: 'vehicles', label: t('gate.vehicles') },
        ]}
        onChange={(value) => {
          if (value === 'persons') void navigate(`/gate?checkpoint=${checkpointId}`);
        }}
      />
      <Typography.Title level={4} className="page-title">
        <CarOutlined /> {t('vehicles.title')}
        {recent.data && <span className="gate-checkpoint"> · {recent.data.checkpoint.name}</span>}
      </Typography.Title>
      <Space.Compact style={{ width: '100%' }}>
        <Input
          size="large"
          value={typed}
          placeholder={t('vehicles.platePlaceholder')}
          aria-label={t('vehicles.plate')}
          status={problem ? 'error' : undefined}
          onChange={(e) => setTyped(normalizePlate(e.target.value))}
          onPressEnter={lookup}
          maxLength={12}
          data-testid="plate-input"
          className="plate-input"
        />
        <Button size="large" type="primary" icon={<SearchOutlined />} disabled={!parsed.ok} onClick={lookup}>
          {t('vehicles.lookup')}
        </Button>
      </Space.Compact>
      <div className="plate-problem" data-testid="plate-problem">
        {problem}
      </div>

      {vehicle.error ? <Alert type="error" showIcon title={errorText(i18n, vehicle.error)} /> : null}
      {vehicle.data && (
        <VehicleCard
          vehicle={vehicle.data}
          checkpointId={checkpointId}
          onRecorded={() => setVersion((v) => v + 1)}
        />
      )}

      <Card size="small" title={t('vehicles.recent')} className="gate-card">
        {recent.error ? (
          <Typography.Text type="danger">{errorText(i18n, recent.error)}</Typography.Text>
        ) : (
          <RecordList
            records={recent.data?.items ?? []}
            checkpointId={checkpointId}
            onPick={(plate) => {
              setTyped(plate);
              setLookedUp(plate);
            }}
          />
        )}
      </Card>
    </div>
  );
}

function decisionTag(i18n: I18n, decision: Decision | null) {
  if (!decision) return null;
  return (
    <Tag color={decision === 'allowed' ? 'green' : 'red'}>{i18n.t(`checkpoint.decision.${decision}`)}</Tag>
  );
}

function VehicleCard({
  vehicle,
  checkpointId,
  onRecorded,
}: {
  vehicle: VehicleLookup;
  checkpointId: number;
  onRecorded: () => void;
}) {
  const i18n = useI18n();
  const { t } = i18n;
  const last = vehicle.lastCheck;
  return (
    <>
      {vehicle.flagged ? (
        <Alert
          type="error"
          showIcon
          icon={<WarningOutlined />}
          className="gate-card"
          data-testid="vehicle-flag"
          title={`${vehicle.plate} · ${t('vehicles.flagged')}`}
          description={
            <>
              <div>{t('vehicles.flaggedHint')}</div>
              <ul className="gate-reasons">
                {vehicle.reasons.map((r, i) => (
                  <li key={i}>
                    {t('vehicles.reasonLine', {
                      kind: t(`vehicles.reason.${r.kind}`),
                      place: r.place,
                      area: r.riskArea,
                      level: t(`vehicles.level.${r.level}`),
                      time: i18n.formatDateTime(r.at),
                    })}
                  </li>
                ))}
              </ul>
            </>
          }
        />
      ) : (
        <Alert
          type="success"
          showIcon
          className="gate-card"
          data-testid="vehicle-flag"
          title={`${vehicle.plate} · ${t('vehicles.notFlagged')}`}
        />
      )}
      <Alert
        type={last ? 'info' : 'warning'}
        className="gate-card"
        data-testid="last-check"
        title={
          last
            ? t('vehicles.checkedAt', {
                time: time(last.at),
                checkpoint:
                  last.checkpoint.id === checkpointId ? t('vehicles.checkedHere') : last.checkpoint.name,
                decision: last.decision ? t(`checkpoint.decision.${last.decision}`) : '—',
              })
            : t('vehicles.notChecked', { hours: vehicle.windowHours })
        }
        description={last?.origin ? t('vehicles.checkedOrigin', { origin: last.origin }) : undefined}
      />
      <CheckFormCard plate={vehicle.plate} checkpointId={checkpointId} onRecorded={onRecorded} />
      <Card size="small" className="gate-card" title={t('vehicles.history', { hours: vehicle.windowHours })}>
        <RecordList records={vehicle.history} checkpointId={checkpointId} />
      </Card>
    </>
  );
}

function CheckFormCard({
  plate,
  checkpointId,
  onRecorded,
}: {
  plate: string;
  checkpointId: number;
  onRecorded: () => void;
}) {
  const i18n = useI18n();
  const { t } = i18n;
  const { message } = App.useApp();
  const [form] = Form.useForm<CheckForm>();
  const [direction, setDirection] = useState<Direction>('in');
  const [busy, setBusy] = useState<Decision | null>(null);
  useEffect(() => form.resetFields(), [plate, form]);

  const record = async (decision: Decision) => {
    const values = form.getFieldsValue();
    setBusy(decision);
    try {
      const blank = (v?: string) => (v?.trim() ? v.trim() : undefined);
      await call(
        api.POST('/api/checkpoints/{id}/vehicles/checks', {
          params: { path: { id: checkpointId } },
          body: {
            plate,
            direction,
            decision,
            origin: blank(values.origin),
            destination: blank(values.destination),
            cargo: blank(values.cargo),
            driverIdNumber: blank(values.driverIdNumber),
            passengerIdNumbers: values.passengerIdNumbers?.length ? values.passengerIdNumbers : undefined,
          },
        }),
      );
      void message.success(t('vehicles.saved', { plate, decision: t(`checkpoint.decision.${decision}`) }));
      onRecorded();
    } catch (error) {
      showFormError(form, error, i18n, message, {
        'body.origin': 'origin',
        'body.destination': 'destination',
        'body.cargo': 'cargo',
        'body.driverIdNumber': 'driverIdNumber',
      });
    } finally {
      setBusy(null);
    }
  };

  return (
    <Card size="small" className="gate-card" title={t('vehicles.record')} data-testid="vehicle-check-form">
      <Segmented<Direction>
        block
        value={direction}
        onChange={setDirection}
        options={(['in', 'out'] as const).map((d) => ({ value: d, label: t(`checkpoint.direction.${d}`) }))}
        style={{ marginBottom: 12 }}
      />
      <Form form={form} layout="vertical" requiredMark={false}>
        <Form.Item name="origin" label={t('vehicles.origin')} extra={t('vehicles.originHint')}>
          <Input maxLength={100} />
        </Form.Item>
        <Form.Item name="destination" label={t('vehicles.destination')}>
          <Input maxLength={100} />
        </Form.Item>
        <Form.Item name="cargo" label={t('vehicles.cargo')}>
          <Input maxLength={200} />
        </Form.Item>
        <Form.Item name="driverIdNumber" label={t('vehicles.driver')}>
          <Input maxLength={18} inputMode="text" autoComplete="off" />
        </Form.Item>
        <Form.Item
          name="passengerIdNumbers"
          label={t('vehicles.passengers')}
          extra={t('vehicles.passengersHint')}
        >
          <Select
            mode="tags"
            open={false}
            suffixIcon={null}
            tokenSeparators={[' ', ',', '，']}
            maxCount={8}
          />
        </Form.Item>
      </Form>
      <div className="gate-decisions">
        <Button
          size="large"
          type="primary"
          block
          loading={busy === 'allowed'}
          disabled={busy !== null}
          onClick={() => void record('allowed')}
          data-testid="allow"
        >
          {t('vehicles.allow')}
        </Button>
        <Button
          size="large"
          danger
          block
          loading={busy === 'refused'}
          disabled={busy !== null}
          onClick={() => void record('refused')}
          data-testid="refuse"
        >
          {t('vehicles.refuse')}
        </Button>
      </div>
    </Card>
  );
}

function RecordList({
  records,
  checkpointId,
  onPick,
}: {
  records: VehicleRecordView[];
  checkpointId: number;
  onPick?: (plate: string) => void;
}) {
  const i18n = useI18n();
  const { t } = i18n;
  return (
    <List
      size="small"
      dataSource={records}
      locale={{ emptyText: t('vehicles.noHistory') }}
      renderItem={(r) => (
        <List.Item
          onClick={onPick ? () => onPick(r.plate) : undefined}
          className={onPick ? 'gate-pick' : undefined}
        >
          <div className="gate-record">
            <div>
              <strong>
                {onPick
                  ? r.plate
                  : r.checkpoint.id === checkpointId
                    ? t('vehicles.checkedHere')
                    : r.checkpoint.name}
              </strong>{' '}
              {!r.inScope && <Tag>{t('vehicles.outOfScope')}</Tag>}
              {r.flagged && <Tag color="red">{t('vehicles.flagged')}</Tag>}
            </div>
            <div className="gate-record-meta">
              {i18n.formatDateTime(r.at)} · {t(`checkpoint.source.${r.source}`)}
              {r.direction ? ` · ${t(`checkpoint.direction.${r.direction}`)}` : ''}
              {r.reads > 1 ? ` · ${t('vehicles.reads', { n: r.reads })}` : ''} {decisionTag(i18n, r.decision)}
            </div>
            {r.origin && (
              <div className="gate-record-meta">{t('vehicles.checkedOrigin', { origin: r.origin })}</div>
            )}
            {r.occupants.length > 0 && (
              <div className="gate-record-meta">
                {r.occupants.map((o, i) => (
                  <span key={i}>
                    {t(o.role === 'driver' ? 'vehicles.driverRole' : 'vehicles.passengerRole')}{' '}
                    {o.documentMasked} ({t(o.known ? 'vehicles.occupantKnown' : 'vehicles.occupantUnknown')}
                    ){' '}
                  </span>
                ))}
              </div>
            )}
          </div>
        </List.Item>
      )}
    />
  );
}

/**
 * Opened without a checkpoint (from the menu): the one the worker is on duty at, or the only one they
 * may staff; else they choose.
 */
function ChooseCheckpoint({ onChoose }: { onChoose: (id: number) => void }) {
  const i18n = useI18n();
  const { t } = i18n;
  const mine = useResource((signal) => call(api.GET('/api/checkpoints/duty/mine', { signal })), []);
  const data = mine.data;
  const only = data?.duty?.checkpoint.id ?? (data?.checkpoints.length === 1 ? data.checkpoints[0]!.id : null);
  useEffect(() => {
    if (only !== null) onChoose(only);
  }, [only, onChoose]);
  if (mine.error)
    return <Alert type="error" showIcon className="page-alert" title={errorText(i18n, mine.error)} />;
  if (!data || only !== null) return <Spin className="page-spin" />;
  return (
    <div className="page gate-page" data-testid="vehicle-choose-checkpoint">
      <Typography.Title level={4} className="page-title">
        <CarOutlined /> {t('vehicles.title')}
      </Typography.Title>
      {data.checkpoints.length === 0 ? (
        <Empty description={t('gate.noCheckpoints')} />
      ) : (
        <Select
          className="gate-checkpoint-select"
          style={{ width: '100%' }}
          placeholder={t('gate.chooseCheckpoint')}
          options={data.checkpoints.map((c) => ({ value: c.id, label: c.name }))}
          onChange={(id: number) => onChoose(id)}
        />
      )}
    </div>
  );
}
