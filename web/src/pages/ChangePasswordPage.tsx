import { KeyOutlined } from '@ant-design/icons';
import { Alert, App, Button, Card, Form, Input, Space } from 'antd';
import { useState } from 'react';
import { useNavigate } from 'react-router-dom';
import { api, call } from '../api/client';
import { useAuth } from '../auth/AuthContext';
import { showFormError } from '../components/forms';
import { ForcedStepFrame } from '../components/ForcedStepFrame';
import { useI18n } from '../i18n/context';
import { passwordRules } from '../components/passwordRules';

interface PasswordValues {
  currentPassword: string;
  newPassword: string;
  confirm: string;
}

/** Own password change; `forced` when the server requires it before anything else. */
export function ChangePasswordPage({ forced = false }: { forced?: boolean }) {
  const i18n = useI18n();
  const { t } = i18n;
  const { message } = App.useApp();
  const { refresh, signOut } = useAuth();
  const navigate = useNavigate();
  const [form] = Form.useForm<PasswordValues>();
  const [submitting, setSubmitting] = useState(false);

  const submit = async (values: PasswordValues) => {
    setSubmitting(true);
    try {
      await call(
        api.POST('/api/auth/password', {
          body: { currentPassword: values.currentPassword, newPassword: values.newPassword },
        }),
      );
      void message.success(t('password.changed'));
      form.resetFields();
      await refresh();
      if (!forced) await navigate(-1);
    } catch (error) {
      showFormError(form, error, i18n, message);
    } finally {
      setSubmitting(false);
    }
  };

  const card = (
    <Card
      title={
        <Space>
          <KeyOutlined />
          {t('password.title')}
        </Space>
      }
      className="password-card"
    >
      {forced && <Alert type="warning" showIcon title={t('password.forcedHint')} className="password-hint" />}
      <Form<PasswordValues> form={form} layout="vertical" onFinish={submit} requiredMark={false}>
        <Form.Item
          name="currentPassword"
          label={t('password.current')}
          rules={[{ required: true, message: t('common.required') }]}
        >
          <Input.Password autoComplete="current-password" />
        </Form.Item>
        <Form.Item
          name="newPassword"
          label={t('password.new')}
          extra={t('password.rule')}
          rules={passwordRules(t)}
        >
          <Input.Password autoComplete="new-password" />
        </Form.Item>
        <Form.Item
          name="confirm"
          label={t('password.confirm')}
          dependencies={['newPassword']}
          rules={[
            { required: true, message: t('common.required') },
            ({ getFieldValue }) => ({
              validator: (_rule, value) =>
                value === getFieldValue('newPassword')
                  ? Promise.resolve()
                  : Promise.reject(new Error(t('password.mismatch'))),
            }),
          ]}
        >
          <Input.Password autoComplete="new-password" />
        </Form.Item>
        <Space>
          <Button type="primary" htmlType="submit" loading={submitting}>
            {t('password.submit')}
          </Button>
          {forced ? (
            <Button onClick={() => void signOut()}>{t('header.logout')}</Button>
          ) : (
            <Button onClick={() => void navigate(-1)}>{t('common.cancel')}</Button>
          )}
        </Space>
      </Form>
    </Card>
  );

  return <ForcedStepFrame forced={forced}>{card}</ForcedStepFrame>;
}
