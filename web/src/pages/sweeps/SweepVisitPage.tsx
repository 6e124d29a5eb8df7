import {
  Alert,
  App,
  Button,
  Card,
  Checkbox,
  Form,
  Input,
  InputNumber,
  Radio,
  Result,
  Space,
  Spin,
  Switch,
  Tag,
} from 'antd';
import { useState } from 'react';
import { useNavigate, useParams } from 'react-router-dom';
import { ApiError, isApiError } from '../../api/client';
import type { SweepHouseholdDetail, SweepVisitBody } from '../../api/model';
import { useSweepHousehold } from '../../api/sweep-hooks';
import { SWEEP_SYMPTOMS, type SweepOutcome, type SweepSymptom } from '../../api/vocabulary';
import { ErrorResult } from '../../components/ErrorResult';
import { showFormError } from '../../components/forms';
import { useI18n } from '../../i18n/context';
import { actorLabel } from '../../i18n/labels';
import { offlineActions } from '../../offline/actions';

interface MemberValues {
  met?: boolean;
  temperature?: number | null;
  symptoms?: SweepSymptom[];
  travel?: string;
  fromRiskArea?: boolean;
  doses?: number | null;
  notes?: string;
}
interface VisitValues {
  outcome: SweepOutcome;
  members: MemberValues[];
  notes?: string;
}

/** The phone's sweep visit form (390×844): per resident met, temperature, symptoms, travel, doses, notes. */
export function SweepVisitPage() {
  const params = useParams();
  const id = Number(params.id);
  const houseId = Number(params.houseId);
  const household = useSweepHousehold(id, houseId);
  if (household.error) return <ErrorResult error={household.error} onRetry={household.reload} />;
  if (!household.data) return <Spin className="page-spin" />;
  return <SweepVisitForm key={`${id}:${houseId}`} detail={household.data} />;
}

function SweepVisitForm({ detail }: { detail: SweepHouseholdDetail }) {
  const i18n = useI18n();
  const { t } = i18n;
  const { message } = App.useApp();
  const navigate = useNavigate();
  const [form] = Form.useForm<VisitValues>();
  const [submitting, setSubmitting] = useState(false);
  const [done, setDone] = useState<'recorded' | 'queued' | null>(null);
  const outcome = Form.useWatch('outcome', form) ?? 'visited';
  const { household, sweep, residents, visits } = detail;
  const last = visits[0];

  if (done) {
    return (
      <div className="page sweep-visit-page" data-testid={`sweep-visit-${done}`}>
        <Result
          status={done === 'recorded' ? 'success' : 'info'}
          title={done === 'recorded' ? t('sweeps.recorded') : t('offline.queuedTitle')}
          subTitle={
            <>
              <div>{household.house.address}</div>
              {done === 'queued' && t('offline.queued')}
            </>
          }
          extra={
            <Button type="primary" size="large" block onClick={() => void navigate('/sweeps/mine')}>
              {t('sweeps.toMine')}
            </Button>
          }
        />
      </div>
    );
  }

  const body = (values: VisitValues): { body: SweepVisitBody; indexOf: number[] } => {
    if (values.outcome === 'nobody_home')
      return {
        body: { outcome: 'nobody_home', members: [], notes: values.notes?.trim() || null },
        indexOf: [],
      };
    const indexOf: number[] = [];
    const members = residents.flatMap((resident, index) => {
      const m = values.members[index];
      if (!m?.met) return [];
      indexOf.push(index);
      return [
        {
          personId: resident.personId,
          temperature: m.temperature ?? null,
          symptoms: m.symptoms ?? [],
          travel: m.travel?.trim() || null,
          fromRiskArea: m.fromRiskArea ?? false,
          doses: m.doses ?? null,
          notes: m.notes?.trim() || null,
        },
      ];
    });
    return { body: { outcome: 'visited', members, notes: values.notes?.trim() || null }, indexOf };
  };

  const submit = async (values: VisitValues) => {
    const { body: payload, indexOf } = body(values);
    if (payload.outcome === 'visited' && payload.members.length === 0) {
      void message.warning(t('sweeps.memberRule'));
      return;
    }
    setSubmitting(true);
    try {
      const sent = await offlineActions.recordSweepVisit(
        sweep.id,
        household.house.id,
        payload,
        household.house.address,
      );
      setDone(sent.queued ? 'queued' : 'recorded');
      if (!sent.queued) void message.success(t('sweeps.recorded'));
    } catch (error) {
      // The server names members by their place in what was sent: show it on the resident's card.
      const shown = isApiError(error)
        ? new ApiError(
            error.status,
            error.code,
            error.message,
            error.details.map((d) => ({
              ...d,
              field: d.field.replace(
                /^body\.members\.(\d+)\./,
                (_, n: string) => `body.members.${indexOf[Number(n)] ?? n}.`,
              ),
            })),
            error.data,
          )
        : error;
      showFormError(form, shown, i18n, message);
    } finally {
      setSubmitting(false);
    }
  };

  return (
    <div className="page sweep-visit-page" data-testid="sweep-visit-form">
      <Card size="small" title={household.house.address}>
        <Space orientation="vertical" size={2}>
          <span className="muted">
            {household.area.name} · {sweep.name}
          </span>
          <Space>
            <Tag>{t(`sweeps.state.${household.state}`)}</Tag>
            {last && (
              <span className="muted">
                {t('sweeps.lastVisit', {
                  outcome: t(`sweeps.outcome.${last.outcome}`),
                  time: i18n.formatDateTime(last.visitedAt),
                  worker: actorLabel(i18n, last.worker.name),
                })}
              </span>
            )}
          </Space>
        </Space>
      </Card>
      {sweep.phase !== 'running' && <Alert type="warning" showIcon title={t('sweeps.notRunning')} />}
      {last && <Alert type="info" showIcon title={t('sweeps.correctHint')} />}
      <Form<VisitValues>
        form={form}
        layout="vertical"
        initialValues={{ outcome: 'visited', members: residents.map(() => ({ met: false, symptoms: [] })) }}
        onFinish={(values) => void submit(values)}
        disabled={sweep.phase !== 'running'}
      >
        <Form.Item name="outcome" label={t('sweeps.outcome')}>
          <Radio.Group
            optionType="button"
            buttonStyle="solid"
            block
            options={(['visited', 'nobody_home'] as const).map((value) => ({
              value,
              label: t(`sweeps.outcome.${value}`),
            }))}
          />
        </Form.Item>
        {outcome === 'visited' &&
          (residents.length === 0 ? (
            <Alert type="info" title={t('sweeps.noResidents')} />
          ) : (
            residents.map((resident, index) => (
              <MemberCard key={resident.personId} index={index} name={resident.name} />
            ))
          ))}
        <Form.Item name="notes" label={t('sweeps.notes')} rules={[{ max: 2000 }]}>
          <Input.TextArea rows={2} />
        </Form.Item>
        <Button
          type="primary"
          htmlType="submit"
          size="large"
          block
          loading={submitting}
          data-testid="sweep-submit"
        >
          {last ? t('sweeps.correct') : t('sweeps.submit')}
        </Button>
      </Form>
    </div>
  );
}

function MemberCard({ index, name }: { index: number; name: string }) {
  const { t } = useI18n();
  const met = Form.useWatch(['members', index, 'met']) as boolean | undefined;
  return (
    <Card size="small" className="sweep-member" data-testid="sweep-member">
      <Form.Item name={['members', index, 'met']} valuePropName="checked" noStyle>
        <Checkbox>
          <strong>{name}</strong> · {t('sweeps.memberMet')}
        </Checkbox>
      </Form.Item>
      {met && (
        <>
          <Form.Item
            name={['members', index, 'temperature']}
            label={t('sweeps.temperature')}
            extra={t('sweeps.temperatureHint')}
            rules={[{ type: 'number', min: 34, max: 43, message: t('sweeps.temperatureHint') }]}
          >
            <InputNumber step={0.1} precision={1} inputMode="decimal" className="full-width" />
          </Form.Item>
          <Form.Item name={['members', index, 'symptoms']} label={t('sweeps.symptoms')}>
            <Checkbox.Group
              options={SWEEP_SYMPTOMS.map((symptom) => ({
                value: symptom,
                label: t(`sweeps.symptom.${symptom}`),
              }))}
            />
          </Form.Item>
          <Form.Item name={['members', index, 'travel']} label={t('sweeps.travel')} rules={[{ max: 200 }]}>
            <Input placeholder={t('sweeps.travelHint')} />
          </Form.Item>
          <Form.Item
            name={['members', index, 'fromRiskArea']}
            label={t('sweeps.fromRiskArea')}
            valuePropName="checked"
          >
            <Switch />
          </Form.Item>
          <Form.Item name={['members', index, 'doses']} label={t('sweeps.doses')}>
            <InputNumber min={0} max={10} precision={0} inputMode="numeric" className="full-width" />
          </Form.Item>
          <Form.Item
            name={['members', index, 'notes']}
            label={t('sweeps.memberNotes')}
            rules={[{ max: 500 }]}
          >
            <Input />
          </Form.Item>
        </>
      )}
    </Card>
  );
}
