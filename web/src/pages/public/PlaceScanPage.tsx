import { CheckCircleFilled, ShopOutlined } from '@ant-design/icons';
import { Button, Card, Form, Input, Result, Select, Typography } from 'antd';
import { useState } from 'react';
import { useParams } from 'react-router-dom';
import { api, call } from '../../api/client';
import { usePlacePage, useResource } from '../../api/hooks';
import type { GatePublicPage, PlacePublicPage, ScanReceipt } from '../../api/model';
import { DOCUMENT_TYPES, type DocumentType } from '../../api/vocabulary';
import {
  normalisedDocument,
  PHONE_PATTERN,
  SubmitProblemAlert,
  usePublicSubmit,
} from '../../components/public/fields';
import { PublicFormHeader, PublicLayout, PublicLoadState } from '../../components/public/PublicLayout';
import { residentIdFacts } from '../../components/register/identity';
import { useI18n } from '../../i18n/context';
import { documentTypeLabel, placeKindLabel } from '../../i18n/labels';

interface ScanValues {
  documentType: DocumentType;
  documentNumber?: string;
  phone?: string;
  name?: string;
  /** At a residents-only gate: whom the visitor comes to, and why. */
  hostHouseId?: number;
  purpose?: string;
}

/** A place code (场所码, /p/<token>): whoever enters leaves a document number or a phone. */
export function PlaceScanPage() {
  const { token = '' } = useParams();
  const page = usePlacePage(token);
  // A residents-only checkpoint's visitor code also asks for the host household and the purpose.
  const gate = useResource(
    (signal) => call(api.GET('/api/public/places/{token}/gate', { params: { path: { token } }, signal })),
    [token],
  );
  const [receipt, setReceipt] = useState<ScanReceipt | null>(null);
  return (
    <PublicLayout>
      {!page.data || (!gate.data && !gate.error) ? (
        <PublicLoadState error={page.error} onRetry={page.reload} />
      ) : (
        <div className="public-page" data-testid="place-page">
          <PlaceCard page={page.data} />
          {receipt ? (
            <Recorded receipt={receipt} onAgain={() => setReceipt(null)} />
          ) : (
            <ScanForm
              token={token}
              page={page.data}
              gate={gate.data?.residentsOnly ? gate.data : null}
              onDone={setReceipt}
            />
          )}
        </div>
      )}
    </PublicLayout>
  );
}

function PlaceCard({ page }: { page: PlacePublicPage }) {
  const i18n = useI18n();
  return (
    <Card className="public-card address-card">
      <div className="address-community">
        <ShopOutlined /> {page.community?.name} · {placeKindLabel(i18n, page.place.kind)}
      </div>
      <Typography.Title level={3} className="address-title">
        {page.place.name}
      </Typography.Title>
    </Card>
  );
}

function Recorded({ receipt, onAgain }: { receipt: ScanReceipt; onAgain: () => void }) {
  const i18n = useI18n();
  const { t } = i18n;
  return (
    <Result
      icon={<CheckCircleFilled className="scan-ok" />}
      title={<span data-testid="scan-recorded">{t('public.scanRecorded')}</span>}
      subTitle={t('public.scanRecordedAt', {
        place: receipt.place,
        at: i18n.formatDateTime(receipt.scannedAt),
      })}
      extra={
        <Button size="large" block onClick={onAgain}>
          {t('public.another')}
        </Button>
      }
    />
  );
}

function ScanForm({
  token,
  page,
  gate,
  onDone,
}: {
  token: string;
  page: PlacePublicPage;
  gate: GatePublicPage | null;
  onDone: (r: ScanReceipt) => void;
}) {
  const i18n = useI18n();
  const { t } = i18n;
  const [form] = Form.useForm<ScanValues>();
  const { submitting, problem, submit } = usePublicSubmit(form);
  const type = Form.useWatch('documentType', form) ?? 'resident_id';

  return (
    <Card className="public-card" data-testid="scan-form">
      <PublicFormHeader title={t('public.placeTitle')} />
      <Typography.Paragraph type="secondary">{t('public.placeHint')}</Typography.Paragraph>
      <Form<ScanValues>
        form={form}
        layout="vertical"
        size="large"
        requiredMark="optional"
        initialValues={{ documentType: 'resident_id' }}
        onFinish={(values) =>
          void submit(async () => {
            const documentNumber = values.documentNumber ? normalisedDocument(values.documentNumber) : '';
            const phone = values.phone?.replace(/[\s-]/g, '') ?? '';
            const name = values.name?.trim();
            const body = {
              ...(documentNumber ? { documentType: values.documentType, documentNumber } : {}),
              ...(phone ? { phone } : {}),
              ...(name ? { name } : {}),
            };
            onDone(
              await call(
                gate
                  ? api.POST('/api/public/places/{token}/visits', {
                      params: { path: { token } },
                      body: {
                        ...body,
                        hostHouseId: values.hostHouseId ?? 0,
                        purpose: values.purpose?.trim() ?? '',
                      },
                    })
                  : api.POST('/api/public/places/{token}/scans', { params: { path: { token } }, body }),
              ),
            );
            form.resetFields();
          })
        }
      >
        <Form.Item name="documentType" label={t('field.documentType')} rules={[{ required: true }]}>
          <Select
            options={DOCUMENT_TYPES.map((value) => ({ value, label: documentTypeLabel(i18n, value) }))}
          />
        </Form.Item>
        <Form.Item
          name="documentNumber"
          label={t('field.documentNumber')}
          dependencies={['phone']}
          validateTrigger="onBlur"
          rules={[
            ({ getFieldValue }) => ({
              validator: async (_rule, value?: string) => {
                const phone = (getFieldValue('phone') as string | undefined)?.trim();
                if (!value?.trim() && !phone) throw new Error(t('public.documentOrPhone'));
                if (value?.trim() && type === 'resident_id' && residentIdFacts(value) === null)
                  throw new Error(t('personForm.idInvalid'));
              },
            }),
          ]}
        >
          <Input autoComplete="off" className="code-text" maxLength={40} />
        </Form.Item>
        <Form.Item
          name="phone"
          label={t('field.phone')}
          validateTrigger="onBlur"
          rules={[
            {
              validator: async (_rule, value?: string) => {
                if (value?.trim() && !PHONE_PATTERN.test(value.replace(/[\s-]/g, '')))
                  throw new Error(t('personForm.phoneRule'));
              },
            },
          ]}
        >
          <Input inputMode="tel" autoComplete="tel" placeholder={t('public.phonePlaceholder')} />
        </Form.Item>
        <Form.Item
          name="name"
          label={t('field.name')}
          rules={[{ max: 50, message: t('common.maxLength', { max: 50 }) }]}
        >
          <Input autoComplete="name" />
        </Form.Item>
        {gate && (
          <>
            <Form.Item
              name="hostHouseId"
              label={t('passes.gate.host')}
              extra={t('passes.gate.hint', { gate: gate.checkpoint?.name ?? page.place.name })}
              rules={[{ required: true, message: t('passes.gate.hostRule') }]}
            >
              <Select
                showSearch={{ optionFilterProp: 'label' }}
                placeholder={t('passes.gate.hostPlaceholder')}
                options={gate.houses.map((house) => ({ value: house.id, label: house.address }))}
                data-testid="gate-host"
              />
            </Form.Item>
            <Form.Item
              name="purpose"
              label={t('passes.gate.purpose')}
              rules={[
                { required: true, whitespace: true, message: t('passes.gate.purposeRule') },
                { max: 200 },
              ]}
            >
              <Input placeholder={t('passes.gate.purposePlaceholder')} data-testid="gate-purpose" />
            </Form.Item>
          </>
        )}
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
        <Typography.Paragraph type="secondary" className="public-retention">
          {t('public.placeRetention', { days: page.retentionDays })}
        </Typography.Paragraph>
      </Form>
    </Card>
  );
}
