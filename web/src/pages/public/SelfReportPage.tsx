import { TeamOutlined } from '@ant-design/icons';
import { Button, Card, Form, Input, Typography } from 'antd';
import { useState } from 'react';
import { useParams } from 'react-router-dom';
import { api, call } from '../../api/client';
import { useSelfReportPage } from '../../api/hooks';
import type { SelfReportBody, SelfReportPage as SelfReportPageData } from '../../api/model';
import {
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
import { useI18n } from '../../i18n/context';

/** The community's self-report code (自主报备码, /r/<token>): returnees report themselves. */
export function SelfReportPage() {
  const { t } = useI18n();
  const { token = '' } = useParams();
  const page = useSelfReportPage(token);
  const [done, setDone] = useState(false);
  return (
    <PublicLayout>
      {!page.data ? (
        <PublicLoadState error={page.error} onRetry={page.reload} />
      ) : (
        <div className="public-page" data-testid="self-report-page">
          <Card className="public-card address-card">
            <div className="address-community">
              <TeamOutlined /> {t('public.selfReportCode')}
            </div>
            <Typography.Title level={3} className="address-title">
              {page.data.community.name}
            </Typography.Title>
          </Card>
          {done ? (
            <Submitted onAgain={() => setDone(false)} />
          ) : (
            <SelfReportForm token={token} page={page.data} onDone={() => setDone(true)} />
          )}
        </div>
      )}
    </PublicLayout>
  );
}

function SelfReportForm({
  token,
  page,
  onDone,
}: {
  token: string;
  page: SelfReportPageData;
  onDone: () => void;
}) {
  const { t } = useI18n();
  const [form] = Form.useForm<SelfReportBody>();
  const { submitting, problem, submit } = usePublicSubmit(form);
  const limits = page.forms.dateLimits;

  return (
    <Card className="public-card" data-testid="self-report-form">
      <PublicFormHeader title={t('public.selfReportTitle')} />
      <Typography.Paragraph type="secondary">{t('public.selfReportHint')}</Typography.Paragraph>
      <Form<SelfReportBody>
        form={form}
        layout="vertical"
        size="large"
        requiredMark="optional"
        scrollToFirstError
        initialValues={{ documentType: 'resident_id', arrivalDate: todayText() }}
        onFinish={(values) =>
          void submit(async () => {
            const transport = values.transport?.trim();
            await call(
              api.POST('/api/public/self-report/{token}', {
                params: { path: { token } },
                body: {
                  documentType: values.documentType,
                  documentNumber: normalisedDocument(values.documentNumber),
                  name: values.name.trim(),
                  phone: values.phone.replace(/[\s-]/g, ''),
                  arrivedFrom: values.arrivedFrom.trim(),
                  travelStartedOn: values.travelStartedOn,
                  arrivalDate: values.arrivalDate,
                  address: values.address.trim(),
                  healthCodeColour: values.healthCodeColour,
                  ...(transport ? { transport } : {}),
                  ...(values.vaccinationDoses !== undefined
                    ? { vaccinationDoses: values.vaccinationDoses }
                    : {}),
                },
              }),
            );
            form.resetFields();
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
          name="travelStartedOn"
          label={t('field.travelStartedOn')}
          rules={dateRules(t, limits.travelStartedOn)}
        >
          <DateInput min={limits.travelStartedOn?.min} max={limits.travelStartedOn?.max} />
        </Form.Item>
        <Form.Item
          name="arrivalDate"
          label={t('field.arrivalDate')}
          rules={dateRules(t, limits.selfReportArrivalDate)}
        >
          <DateInput min={limits.selfReportArrivalDate?.min} max={limits.selfReportArrivalDate?.max} />
        </Form.Item>
        <Form.Item
          name="transport"
          label={t('field.transport')}
          rules={[{ max: 100, message: t('common.maxLength', { max: 100 }) }]}
        >
          <Input placeholder={t('public.transportPlaceholder')} />
        </Form.Item>
        <Form.Item
          name="address"
          label={t('field.stayAddress')}
          rules={[
            { required: true, whitespace: true, message: t('problem.required') },
            { max: 200, message: t('common.maxLength', { max: 200 }) },
          ]}
        >
          <Input placeholder={t('public.stayAddressPlaceholder')} />
        </Form.Item>
        <HealthColourField options={page.forms} />
        <DosesField options={page.forms} required={false} />
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
