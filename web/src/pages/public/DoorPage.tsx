import { HomeOutlined, LoginOutlined, LogoutOutlined } from '@ant-design/icons';
import { Button, Card, Form, Input, Typography } from 'antd';
import { useState } from 'react';
import { useParams, useSearchParams } from 'react-router-dom';
import { api, call } from '../../api/client';
import { useDoorPage } from '../../api/hooks';
import type { ArrivalBody, DepartureBody, HouseholdDoorPage } from '../../api/model';
import {
  ChoiceChips,
  DateInput,
  dateRules,
  DosesField,
  HealthColourField,
  IdentityFields,
  normalisedDocument,
  phoneRules,
  SubmitProblemAlert,
  todayText,
  usePublicSubmit,
} from '../../components/public/fields';
import {
  PublicFormHeader,
  PublicLayout,
  PublicLoadState,
  Submitted,
} from '../../components/public/PublicLayout';
import { DoorServices } from '../../components/services/DoorServices';
import { useI18n } from '../../i18n/context';
import { arrivalReasonLabel, relationLabel } from '../../i18n/labels';

type View = 'arrival' | 'departure';

/** The page a door code opens (/h/<token>): the address, and 来时登记 / 走时注销 — never who lives there. */
export function DoorPage() {
  const { token = '' } = useParams();
  const page = useDoorPage(token);
  const [params, setParams] = useSearchParams();
  const [done, setDone] = useState<View | null>(null);
  const formParam = params.get('form');
  const view: View | null = formParam === 'arrival' || formParam === 'departure' ? formParam : null;
  const open = (next: View | null) => {
    setDone(null);
    setParams(next ? { form: next } : {});
  };

  return (
    <PublicLayout>
      {!page.data ? (
        <PublicLoadState error={page.error} onRetry={page.reload} />
      ) : (
        <div className="public-page" data-testid="door-page">
          <AddressCard page={page.data} />
          {done ? (
            <Submitted onAgain={() => open(null)} />
          ) : view === 'arrival' ? (
            <ArrivalForm
              token={token}
              page={page.data}
              onBack={() => open(null)}
              onDone={() => setDone('arrival')}
            />
          ) : view === 'departure' ? (
            <DepartureForm
              token={token}
              page={page.data}
              onBack={() => open(null)}
              onDone={() => setDone('departure')}
            />
          ) : (
            <>
              <Choice onChoose={open} />
              <DoorServices token={token} />
            </>
          )}
        </div>
      )}
    </PublicLayout>
  );
}

function AddressCard({ page }: { page: HouseholdDoorPage }) {
  return (
    <Card className="public-card address-card">
      <div className="address-community">
        <HomeOutlined /> {page.community?.name}
      </div>
      <Typography.Title level={3} className="address-title" data-testid="door-address">
        {page.house.address}
      </Typography.Title>
    </Card>
  );
}

function Choice({ onChoose }: { onChoose: (view: View) => void }) {
  const { t } = useI18n();
  return (
    <div className="door-choices">
      <Button
        type="primary"
        className="door-button door-arrival"
        onClick={() => onChoose('arrival')}
        data-testid="door-arrival"
      >
        <LoginOutlined className="door-button-icon" />
        <span className="door-button-title">{t('public.arrival')}</span>
        <span className="door-button-hint">{t('public.arrivalHint')}</span>
      </Button>
      <Button
        className="door-button door-departure"
        onClick={() => onChoose('departure')}
        data-testid="door-departure"
      >
        <LogoutOutlined className="door-button-icon" />
        <span className="door-button-title">{t('public.departure')}</span>
        <span className="door-button-hint">{t('public.departureHint')}</span>
      </Button>
    </div>
  );
}

interface FormProps {
  token: string;
  page: HouseholdDoorPage;
  onBack: () => void;
  onDone: () => void;
}

function ArrivalForm({ token, page, onBack, onDone }: FormProps) {
  const i18n = useI18n();
  const { t } = i18n;
  const [form] = Form.useForm<ArrivalBody>();
  const { submitting, problem, submit } = usePublicSubmit(form);
  const limits = page.forms.dateLimits.arrivalDate;

  return (
    <Card className="public-card" data-testid="arrival-form">
      <PublicFormHeader title={t('public.arrival')} onBack={onBack} />
      <Form<ArrivalBody>
        form={form}
        layout="vertical"
        size="large"
        requiredMark="optional"
        scrollToFirstError
        initialValues={{ documentType: 'resident_id', arrivalDate: todayText() }}
        onFinish={(values) =>
          void submit(async () => {
            const relation = values.relation?.trim();
            await call(
              api.POST('/api/public/households/{token}/arrivals', {
                params: { path: { token } },
                body: {
                  documentType: values.documentType,
                  documentNumber: normalisedDocument(values.documentNumber),
                  name: values.name.trim(),
                  phone: values.phone.replace(/[\s-]/g, ''),
                  arrivedFrom: values.arrivedFrom.trim(),
                  arrivalDate: values.arrivalDate,
                  arrivalReason: values.arrivalReason,
                  healthCodeColour: values.healthCodeColour,
                  vaccinationDoses: values.vaccinationDoses,
                  ...(relation ? { relation } : {}),
                },
              }),
            );
            onDone();
          })
        }
      >
        <IdentityFields options={page.forms} />
        <Form.Item name="phone" label={t('field.phone')} rules={phoneRules(t)}>
          <Input inputMode="tel" autoComplete="tel" placeholder={t('public.phonePlaceholder')} />
        </Form.Item>
        <Form.Item
          name="arrivedFrom"
          label={t('field.arrivedFrom')}
          rules={[
            { required: true, whitespace: true, message: t('problem.required') },
            { max: 100, message: t('common.maxLength', { max: 100 }) },
          ]}
        >
          <Input placeholder={t('public.arrivedFromPlaceholder')} />
        </Form.Item>
        <Form.Item
          name="arrivalDate"
          label={t('field.arrivalDate')}
          rules={dateRules(t, limits)}
          extra={limits && t('public.dateRange', { min: limits.min, max: limits.max })}
        >
          <DateInput min={limits?.min} max={limits?.max} />
        </Form.Item>
        <Form.Item
          name="arrivalReason"
          label={t('field.arrivalReason')}
          rules={[{ required: true, message: t('problem.required') }]}
        >
          <ChoiceChips
            choices={page.forms.arrivalReasons}
            label={(choice) => arrivalReasonLabel(i18n, choice)}
          />
        </Form.Item>
        <HealthColourField options={page.forms} />
        <DosesField options={page.forms} />
        <Form.Item name="relation" label={t('field.relation')}>
          <ChoiceChips choices={page.forms.relations} label={(choice) => relationLabel(i18n, choice)} />
        </Form.Item>
        <SubmitProblemAlert problem={problem} />
        <Button
          type="primary"
          htmlType="submit"
          block
          size="large"
          className="public-submit"
          loading={submitting}
          disabled={problem?.kind === 'invalidCode'}
          data-testid="public-submit"
        >
          {t('common.submit')}
        </Button>
      </Form>
    </Card>
  );
}

function DepartureForm({ token, page, onBack, onDone }: FormProps) {
  const { t } = useI18n();
  const [form] = Form.useForm<DepartureBody>();
  const { submitting, problem, submit } = usePublicSubmit(form);
  const limits = page.forms.dateLimits.departedOn;

  return (
    <Card className="public-card" data-testid="departure-form">
      <PublicFormHeader title={t('public.departure')} onBack={onBack} />
      <Form<DepartureBody>
        form={form}
        layout="vertical"
        size="large"
        requiredMark="optional"
        scrollToFirstError
        initialValues={{ documentType: 'resident_id', departedOn: todayText() }}
        onFinish={(values) =>
          void submit(async () => {
            await call(
              api.POST('/api/public/households/{token}/departures', {
                params: { path: { token } },
                body: {
                  documentType: values.documentType,
                  documentNumber: normalisedDocument(values.documentNumber),
                  name: values.name.trim(),
                  departedOn: values.departedOn,
                  destination: values.destination.trim(),
                },
              }),
            );
            onDone();
          })
        }
      >
        <IdentityFields options={page.forms} />
        <Form.Item
          name="departedOn"
          label={t('field.departedOn')}
          rules={dateRules(t, limits)}
          extra={limits && t('public.dateRange', { min: limits.min, max: limits.max })}
        >
          <DateInput min={limits?.min} max={limits?.max} />
        </Form.Item>
        <Form.Item
          name="destination"
          label={t('field.destination')}
          rules={[
            { required: true, whitespace: true, message: t('problem.required') },
            { max: 100, message: t('common.maxLength', { max: 100 }) },
          ]}
        >
          <Input placeholder={t('public.destinationPlaceholder')} />
        </Form.Item>
        <SubmitProblemAlert problem={problem} />
        <Button
          type="primary"
          danger
          htmlType="submit"
          block
          size="large"
          className="public-submit"
          loading={submitting}
          disabled={problem?.kind === 'invalidCode'}
          data-testid="public-submit"
        >
          {t('common.submit')}
        </Button>
      </Form>
    </Card>
  );
}
