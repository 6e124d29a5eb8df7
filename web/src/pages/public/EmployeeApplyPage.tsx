import { TeamOutlined } from '@ant-design/icons';
import { Button, Card, Form, Input, Result, Typography } from 'antd';
import { useState } from 'react';
import { useParams } from 'react-router-dom';
import { api, call } from '../../api/client';
import { useResource } from '../../api/hooks';
import type { EmployeeApplicationBody, EmployeeApplicationResult } from '../../api/model';
import { phoneRules, SubmitProblemAlert, usePublicSubmit } from '../../components/public/fields';
import { PublicFormHeader, PublicLayout, PublicLoadState } from '../../components/public/PublicLayout';
import { useI18n } from '../../i18n/context';
import { ClearanceActions, ClearanceTag } from '../enterprise-portal/RosterSection';

/** The employee code (/j/<token>, phone): an employee applies and sees status and what to do only. */
export function EmployeeApplyPage() {
  const { t } = useI18n();
  const { token = '' } = useParams();
  const page = useResource(
    (signal) => call(api.GET('/api/public/employee-codes/{token}', { params: { path: { token } }, signal })),
    [token],
  );
  const [form] = Form.useForm<EmployeeApplicationBody>();
  const { submitting, problem, submit } = usePublicSubmit(form);
  const [result, setResult] = useState<EmployeeApplicationResult | null>(null);
  return (
    <PublicLayout>
      {!page.data ? (
        <PublicLoadState error={page.error} onRetry={page.reload} />
      ) : (
        <div className="public-page" data-testid="employee-apply-page">
          <Card className="public-card address-card">
            <div className="address-community">
              <TeamOutlined /> {page.data.community}
            </div>
            <Typography.Title level={3} className="address-title">
              {page.data.name}
            </Typography.Title>
          </Card>
          {result ? (
            <Card className="public-card" data-testid="employee-apply-result">
              <Result
                title={<ClearanceTag status={result.status} />}
                subTitle={<ClearanceActions actions={result.actions} />}
                extra={<Button onClick={() => setResult(null)}>{t('clearance.apply.done')}</Button>}
              />
            </Card>
          ) : (
            <Card className="public-card">
              <PublicFormHeader title={t('clearance.apply.title')} />
              <Typography.Paragraph type="secondary">{t('clearance.apply.hint')}</Typography.Paragraph>
              <Form<EmployeeApplicationBody>
                form={form}
                layout="vertical"
                size="large"
                onFinish={(values) =>
                  void submit(async () => {
                    const phone = values.phone?.replace(/[\s-]/g, '');
                    setResult(
                      await call(
                        api.POST('/api/public/employee-codes/{token}/applications', {
                          params: { path: { token } },
                          body: {
                            name: values.name.trim(),
                            idNumber: values.idNumber.replace(/\s/g, ''),
                            ...(phone ? { phone } : {}),
                          },
                        }),
                      ),
                    );
                  })
                }
              >
                <Form.Item
                  name="name"
                  label={t('clearance.name')}
                  rules={[{ required: true, whitespace: true, message: t('problem.required') }]}
                >
                  <Input autoComplete="name" maxLength={50} />
                </Form.Item>
                <Form.Item
                  name="idNumber"
                  label={t('clearance.idNumber')}
                  rules={[{ required: true, whitespace: true, message: t('problem.required') }]}
                >
                  <Input maxLength={40} />
                </Form.Item>
                <Form.Item name="phone" label={t('clearance.phone')} rules={phoneRules(t, false)}>
                  <Input inputMode="tel" autoComplete="tel" />
                </Form.Item>
                <SubmitProblemAlert problem={problem} />
                <Button
                  type="primary"
                  htmlType="submit"
                  block
                  loading={submitting}
                  data-testid="employee-apply-submit"
                >
                  {t('clearance.apply.submit')}
                </Button>
              </Form>
            </Card>
          )}
        </div>
      )}
    </PublicLayout>
  );
}
