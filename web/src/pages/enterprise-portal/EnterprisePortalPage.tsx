import { DeleteOutlined, DownloadOutlined, ShopOutlined, UploadOutlined } from '@ant-design/icons';
import {
  Alert,
  App,
  Button,
  Card,
  DatePicker,
  Form,
  Input,
  InputNumber,
  List,
  Popconfirm,
  Space,
  Tabs,
  Typography,
  Upload,
} from 'antd';
import dayjs, { type Dayjs } from 'dayjs';
import { useState } from 'react';
import { useParams } from 'react-router-dom';
import { api, call } from '../../api/client';
import { useResource } from '../../api/hooks';
import type { FilingDraftBody, FilingSupplies, PublicFiling } from '../../api/model';
import { saveFile } from '../../components/files';
import { FilingStateTag, StepsTimeline, SUPPLY_KINDS } from '../../components/filings/FilingParts';
import { PublicLayout, PublicLoadState } from '../../components/public/PublicLayout';
import { useI18n } from '../../i18n/context';
import { errorText } from '../../i18n/labels';
import { RosterSection } from './RosterSection';

type Supply = { stock?: number | null; days?: number | null };
type Values = {
  plannedOn?: Dayjs | null;
  headcount?: number | null;
  plan?: string | null;
  supplies?: Partial<Record<(typeof SUPPLY_KINDS)[number], Supply>>;
};

/** Form values → the draft body; a supply counts once both its stock and days are given. */
function draftBody(values: Values): FilingDraftBody {
  const supplies: FilingSupplies = {};
  for (const kind of SUPPLY_KINDS) {
    const s = values.supplies?.[kind];
    if (s?.stock != null && s.days != null) supplies[kind] = { stock: s.stock, days: s.days };
  }
  return {
    plannedOn: values.plannedOn ? values.plannedOn.format('YYYY-MM-DD') : null,
    headcount: values.headcount ?? null,
    plan: values.plan?.trim() || null,
    supplies,
  };
}

function formValues(filing: NonNullable<PublicFiling['filing']>): Values {
  return {
    plannedOn: filing.plannedOn ? dayjs(filing.plannedOn) : null,
    headcount: filing.headcount,
    plan: filing.plan,
    supplies: filing.supplies,
  };
}

/**
 * The enterprise's own page behind its code (/c/<token>), no sign-in, phone-first: the return-to-work
 * filing (draft, documents, the signed commitment, submit) and the employee roster.
 */
export function EnterprisePortalPage() {
  const { token = '' } = useParams();
  const { t } = useI18n();
  const page = useResource(
    (signal) =>
      call(api.GET('/api/public/enterprises/{token}/filing', { params: { path: { token } }, signal })),
    [token],
  );
  return (
    <PublicLayout>
      {!page.data ? (
        <PublicLoadState error={page.error} onRetry={page.reload} />
      ) : (
        <div className="public-page" data-testid="enterprise-portal">
          <Card className="public-card address-card">
            <div className="address-community">
              <ShopOutlined /> {page.data.enterprise.community}
            </div>
            <Typography.Title level={3} className="address-title" data-testid="enterprise-name">
              {page.data.enterprise.name}
            </Typography.Title>
          </Card>
          <Tabs
            items={[
              {
                key: 'filing',
                label: t('filings.tab.filing'),
                children: <FilingSection token={token} view={page.data} onChange={page.reload} />,
              },
              { key: 'roster', label: t('filings.tab.roster'), children: <RosterSection token={token} /> },
            ]}
          />
        </div>
      )}
    </PublicLayout>
  );
}

function FilingSection({
  token,
  view,
  onChange,
}: {
  token: string;
  view: PublicFiling;
  onChange: () => void;
}) {
  const i18n = useI18n();
  const { t } = i18n;
  const { message } = App.useApp();
  const filing = view.filing;
  const editable = filing?.editable ?? true;
  const [form] = Form.useForm<Values>();
  const [busy, setBusy] = useState<string | null>(null);
  const [docTitle, setDocTitle] = useState('');
  const [signer, setSigner] = useState('');
  const path = { params: { path: { token } } };

  // One place for the busy flag and the error message of every action.
  const run = async (what: string, action: () => Promise<unknown>, done?: string) => {
    setBusy(what);
    try {
      await action();
      if (done) void message.success(done);
      onChange();
    } catch (error) {
      void message.error(errorText(i18n, error));
    } finally {
      setBusy(null);
    }
  };

  const save = () =>
    run(
      'save',
      async () =>
        call(
          api.PUT('/api/public/enterprises/{token}/filing', {
            ...path,
            body: draftBody(await form.validateFields()),
          }),
        ),
      t('filings.saved'),
    );

  const uploadDocument = (file: File) => {
    if (!docTitle.trim()) {
      void message.warning(t('filings.documents.titleRequired'));
      return;
    }
    void run(
      'upload',
      async () => {
        // The document belongs to a filing: save what is typed first, which creates the draft.
        if (!filing) await save();
        await api.filings.uploadDocument(token, docTitle.trim(), file);
        setDocTitle('');
      },
      t('filings.documents.uploaded'),
    );
  };

  return (
    <Space orientation="vertical" style={{ width: '100%' }} data-testid="filing-section">
      <Card className="public-card" size="small">
        <Space orientation="vertical" style={{ width: '100%' }}>
          <Space wrap>
            {t('filings.state')}
            <FilingStateTag state={filing?.state ?? null} />
          </Space>
          <Typography.Text type="secondary">{t('filings.portal.hint')}</Typography.Text>
          {filing?.state === 'returned' && filing.returnReasons && (
            <Alert
              type="warning"
              showIcon
              title={t('filings.returnReasons')}
              description={filing.returnReasons}
              data-testid="filing-return-reasons"
            />
          )}
          {filing?.state === 'suspended' && filing.returnReasons && (
            <Alert type="error" showIcon title={t('filings.reason')} description={filing.returnReasons} />
          )}
          {filing?.state === 'submitted' && <Alert type="info" showIcon title={t('filings.submitted')} />}
        </Space>
      </Card>

      <Card className="public-card" title={t('filings.tab.filing')}>
        <Form<Values>
          form={form}
          layout="vertical"
          size="large"
          disabled={!editable}
          initialValues={filing ? formValues(filing) : {}}
        >
          <Form.Item name="plannedOn" label={t('filings.field.plannedOn')}>
            <DatePicker style={{ width: '100%' }} data-testid="filing-planned-on" />
          </Form.Item>
          <Form.Item name="headcount" label={t('filings.field.headcount')}>
            <InputNumber
              min={0}
              max={100000}
              precision={0}
              style={{ width: '100%' }}
              data-testid="filing-headcount"
            />
          </Form.Item>
          <Typography.Paragraph strong>{t('filings.supplies')}</Typography.Paragraph>
          {SUPPLY_KINDS.map((kind) => (
            <Space key={kind} align="end" wrap className="filing-supply">
              <Form.Item name={['supplies', kind, 'stock']} label={t(`filings.supply.${kind}`)}>
                <InputNumber
                  min={0}
                  precision={0}
                  placeholder={t('filings.supply.stock')}
                  data-testid={`filing-${kind}-stock`}
                />
              </Form.Item>
              <Form.Item name={['supplies', kind, 'days']} label={t('filings.supply.days')}>
                <InputNumber min={0} precision={0} data-testid={`filing-${kind}-days`} />
              </Form.Item>
            </Space>
          ))}
          <Form.Item name="plan" label={t('filings.field.plan')}>
            <Input.TextArea rows={4} maxLength={4000} showCount data-testid="filing-plan" />
          </Form.Item>
          {editable && (
            <Button block onClick={() => void save()} loading={busy === 'save'} data-testid="filing-save">
              {t('filings.saveDraft')}
            </Button>
          )}
        </Form>
      </Card>

      <Card className="public-card" title={t('filings.documents')}>
        <List
          size="small"
          locale={{ emptyText: t('filings.documents.empty') }}
          dataSource={filing?.documents ?? []}
          data-testid="filing-documents"
          renderItem={(doc) => (
            <List.Item
              actions={[
                <Button
                  key="get"
                  type="link"
                  icon={<DownloadOutlined />}
                  aria-label={doc.title}
                  onClick={() =>
                    void api.filings
                      .publicDocument(token, doc.id, doc.title)
                      .then(saveFile, (e: unknown) => void message.error(errorText(i18n, e)))
                  }
                />,
                editable && (
                  <Popconfirm
                    key="delete"
                    title={t('filings.documents.deleteConfirm')}
                    onConfirm={() =>
                      run('delete', () =>
                        call(
                          api.DELETE('/api/public/enterprises/{token}/filing/documents/{documentId}', {
                            params: { path: { token, documentId: doc.id } },
                          }),
                        ),
                      )
                    }
                  >
                    <Button
                      type="link"
                      danger
                      icon={<DeleteOutlined />}
                      aria-label={t('filings.documents.delete')}
                    />
                  </Popconfirm>
                ),
              ]}
            >
              {doc.title}
            </List.Item>
          )}
        />
        {editable && (
          <Space orientation="vertical" style={{ width: '100%' }}>
            <Input
              value={docTitle}
              onChange={(e) => setDocTitle(e.target.value)}
              maxLength={100}
              placeholder={t('filings.documents.title')}
              data-testid="filing-document-title"
            />
            <Upload
              accept="application/pdf,image/jpeg,image/png,image/webp"
              showUploadList={false}
              beforeUpload={(file) => {
                uploadDocument(file);
                return false;
              }}
            >
              <Button
                icon={<UploadOutlined />}
                loading={busy === 'upload'}
                data-testid="filing-document-upload"
              >
                {t('filings.documents.upload')}
              </Button>
            </Upload>
            <Typography.Text type="secondary">{t('filings.documents.hint')}</Typography.Text>
          </Space>
        )}
      </Card>

      <Card className="public-card" title={view.commitment.title || t('filings.commitment')}>
        <ol className="filing-clauses">
          {view.commitment.clauses.map((clause) => (
            <li key={clause}>{clause}</li>
          ))}
        </ol>
        {filing?.signedAt && filing.signerName && (
          <Alert
            type="success"
            showIcon
            title={t('filings.signedBy', {
              name: filing.signerName,
              at: i18n.formatDateTime(filing.signedAt),
            })}
            data-testid="filing-signed"
          />
        )}
        {editable && filing && !filing.signedAt && (
          <Space.Compact style={{ width: '100%', marginTop: 8 }}>
            <Input
              value={signer}
              onChange={(e) => setSigner(e.target.value)}
              maxLength={50}
              placeholder={t('filings.sign.hint')}
              aria-label={t('filings.sign.name')}
              data-testid="filing-signer"
            />
            <Button
              type="primary"
              disabled={!signer.trim()}
              loading={busy === 'sign'}
              data-testid="filing-sign"
              onClick={() =>
                void run(
                  'sign',
                  () =>
                    call(
                      api.POST('/api/public/enterprises/{token}/filing/sign', {
                        ...path,
                        body: { signerName: signer.trim() },
                      }),
                    ),
                  t('filings.signed'),
                )
              }
            >
              {t('filings.sign')}
            </Button>
          </Space.Compact>
        )}
        {filing?.signedAt && (
          <Button
            icon={<DownloadOutlined />}
            style={{ marginTop: 8 }}
            data-testid="filing-commitment"
            onClick={() =>
              void api.filings
                .publicCommitment(token)
                .then(saveFile, (e: unknown) => void message.error(errorText(i18n, e)))
            }
          >
            {t('filings.commitment.download')}
          </Button>
        )}
      </Card>

      {editable && filing && (
        <Popconfirm
          title={t('filings.submitConfirm')}
          onConfirm={() =>
            run(
              'submit',
              () => call(api.POST('/api/public/enterprises/{token}/filing/submit', path)),
              t('filings.submitted'),
            )
          }
        >
          <Button
            type="primary"
            size="large"
            block
            disabled={!filing.signedAt}
            loading={busy === 'submit'}
            data-testid="filing-submit"
          >
            {t('filings.submit')}
          </Button>
        </Popconfirm>
      )}

      {filing && filing.steps.length > 0 && (
        <Card className="public-card" title={t('filings.steps')}>
          <StepsTimeline steps={filing.steps} />
        </Card>
      )}
    </Space>
  );
}
