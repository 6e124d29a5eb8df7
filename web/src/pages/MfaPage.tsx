import { CopyOutlined, DownloadOutlined, SafetyOutlined } from '@ant-design/icons';
import { Alert, App, Button, Card, Form, Input, Space, Steps, Typography } from 'antd';
import { useState } from 'react';
import { useNavigate } from 'react-router-dom';
import { api, call } from '../api/client';
import type { MfaSetupResponse as MfaSetup } from '../api/model';
import { useAuth } from '../auth/AuthContext';
import { saveFile } from '../components/files';
import { showFormError } from '../components/forms';
import { ForcedStepFrame } from '../components/ForcedStepFrame';
import { useI18n } from '../i18n/context';
import { errorText } from '../i18n/labels';

interface CodeValues {
  code: string;
}

/**
 * Setting up the second factor: scan the QR code (or type the secret) into an authenticator app,
 * confirm with its first code, then keep the recovery codes, shown this once. `forced` when the
 * server requires it (GRIDGUARD_MFA=required) before anything else.
 */
export function MfaPage({ forced = false }: { forced?: boolean }) {
  const i18n = useI18n();
  const { t } = i18n;
  const { message } = App.useApp();
  const { me, refresh, signOut } = useAuth();
  const navigate = useNavigate();
  const [form] = Form.useForm<CodeValues>();
  const [setup, setSetup] = useState<MfaSetup | null>(null);
  const [recoveryCodes, setRecoveryCodes] = useState<string[] | null>(null);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<unknown>(null);

  const start = async () => {
    setBusy(true);
    setError(null);
    try {
      setSetup(await call(api.POST('/api/auth/mfa/setup')));
    } catch (failure) {
      setError(failure);
    } finally {
      setBusy(false);
    }
  };

  const confirm = async (values: CodeValues) => {
    setBusy(true);
    try {
      const result = await call(api.POST('/api/auth/mfa/confirm', { body: { code: values.code.trim() } }));
      setRecoveryCodes(result.recoveryCodes);
      void message.success(t('mfa.enabled'));
    } catch (failure) {
      showFormError(form, failure, i18n, message);
    } finally {
      setBusy(false);
    }
  };

  const codesText = () => (recoveryCodes ?? []).join('\n');
  const copy = async () => {
    try {
      await navigator.clipboard.writeText(codesText());
      void message.success(t('mfa.copied'));
    } catch {
      void message.error(t('mfa.copyFailed'));
    }
  };
  const download = () =>
    saveFile({
      blob: new Blob([`${t('mfa.recoveryFileTitle', { name: me?.username ?? '' })}\n\n${codesText()}\n`], {
        type: 'text/plain;charset=utf-8',
      }),
      fileName: `gridguard-recovery-codes-${me?.username ?? 'account'}.txt`,
    });
  const done = async () => {
    await refresh();
    if (!forced) await navigate('/');
  };

  const step = recoveryCodes ? 2 : setup ? 1 : 0;
  let body;
  if (me?.mfaMode === 'off') {
    body = <Alert type="info" showIcon title={t('mfa.off')} />;
  } else if (me?.mfaEnabled && !recoveryCodes) {
    body = <Alert type="success" showIcon title={t('mfa.alreadyEnabled')} description={t('mfa.lostPhone')} />;
  } else {
    body = (
      <>
        <Steps
          size="small"
          current={step}
          className="mfa-steps"
          items={[{ title: t('mfa.stepStart') }, { title: t('mfa.stepScan') }, { title: t('mfa.stepCodes') }]}
        />
        {error !== null && <Alert type="error" showIcon title={errorText(i18n, error)} />}
        {step === 0 && (
          <Space orientation="vertical">
            <Typography.Paragraph>{t('mfa.intro')}</Typography.Paragraph>
            <Button type="primary" loading={busy} onClick={() => void start()} data-testid="mfa-start">
              {t('mfa.start')}
            </Button>
          </Space>
        )}
        {step === 1 && setup && (
          <Space orientation="vertical" size="middle">
            <Typography.Paragraph>{t('mfa.scan')}</Typography.Paragraph>
            <img src={setup.qrDataUrl} alt={t('mfa.qrAlt')} width={220} height={220} data-testid="mfa-qr" />
            <div>
              <Typography.Text type="secondary">{t('mfa.manual')}</Typography.Text>
              <br />
              <Typography.Text code copyable={{ text: setup.secret }} data-testid="mfa-secret">
                {setup.secret}
              </Typography.Text>
            </div>
            <Form<CodeValues> form={form} layout="inline" onFinish={confirm} requiredMark={false}>
              <Form.Item
                name="code"
                label={t('mfa.code')}
                rules={[
                  { required: true, message: t('login.mfaCodeRequired') },
                  { pattern: /^\s*\d{6}\s*$/, message: t('login.mfaCodeSixDigits') },
                ]}
              >
                <Input
                  autoComplete="one-time-code"
                  inputMode="numeric"
                  maxLength={6}
                  data-testid="mfa-confirm-code"
                />
              </Form.Item>
              <Button type="primary" htmlType="submit" loading={busy} data-testid="mfa-confirm">
                {t('mfa.confirm')}
              </Button>
            </Form>
          </Space>
        )}
        {step === 2 && recoveryCodes && (
          <Space orientation="vertical" size="middle">
            <Alert type="warning" showIcon title={t('mfa.recoveryWarning')} />
            <pre className="mfa-recovery-codes" data-testid="mfa-recovery-codes">
              {codesText()}
            </pre>
            <Space wrap>
              <Button icon={<CopyOutlined />} onClick={() => void copy()}>
                {t('mfa.copy')}
              </Button>
              <Button icon={<DownloadOutlined />} onClick={download}>
                {t('mfa.download')}
              </Button>
              <Button type="primary" onClick={() => void done()} data-testid="mfa-done">
                {t('mfa.done')}
              </Button>
            </Space>
          </Space>
        )}
      </>
    );
  }

  const card = (
    <Card
      title={
        <Space>
          <SafetyOutlined />
          {t('mfa.title')}
        </Space>
      }
      className="password-card"
    >
      {forced && step < 2 && (
        <Alert type="warning" showIcon title={t('mfa.forcedHint')} className="password-hint" />
      )}
      {body}
      {forced && step < 2 && (
        <Button className="mfa-sign-out" onClick={() => void signOut()}>
          {t('header.logout')}
        </Button>
      )}
    </Card>
  );

  return <ForcedStepFrame forced={forced}>{card}</ForcedStepFrame>;
}
