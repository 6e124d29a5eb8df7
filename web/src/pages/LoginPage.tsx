import { LockOutlined, SafetyCertificateOutlined, SafetyOutlined, UserOutlined } from '@ant-design/icons';
import { Alert, Button, Card, Form, Input, Typography } from 'antd';
import { useEffect, useState } from 'react';
import { Navigate, useLocation, useNavigate } from 'react-router-dom';
import { isApiError } from '../api/client';
import type { MeResponse as Me } from '../api/model';
import { useAuth } from '../auth/AuthContext';
import type { LoginRedirectState } from '../components/RequireAuth';
import { LanguageSwitch } from '../components/LanguageSwitch';
import { type I18n, useI18n } from '../i18n/context';
import { errorText } from '../i18n/labels';
import { startPageOf } from './HomePage';

/**
 * While the password is typed, the grid worker's first page (Today) comes down the wire, so signing in
 * on a weak link waits for the sign-in and the day's lists only. A failed fetch is tried again on use.
 */
function prefetchTodayPage(): () => void {
  const timer = window.setTimeout(() => {
    import('./TodayPage').catch(() => undefined);
  }, 300);
  return () => window.clearTimeout(timer);
}

interface LoginValues {
  username: string;
  password: string;
}

interface CodeValues {
  code: string;
}

/** What a refused sign-in's details tell (the server's LoginFailureDetails, src/auth/lockout.ts). */
interface LoginFailureDetails {
  triesLeft: number;
  lockMinutes: number;
  locked: boolean;
}

function isFailureDetails(value: unknown): value is LoginFailureDetails {
  return (
    typeof value === 'object' &&
    value !== null &&
    typeof (value as LoginFailureDetails).triesLeft === 'number'
  );
}

/** A refused sign-in says how many tries are left and how long a lock lasts; a budget says when to retry. */
export function loginErrorText(i18n: Pick<I18n, 't' | 'has'>, error: unknown): string {
  if (isApiError(error, 'LOGIN_FAILED') && isFailureDetails(error.data)) {
    const { triesLeft, lockMinutes, locked } = error.data;
    return locked
      ? i18n.t('login.locked', { minutes: lockMinutes })
      : i18n.t('login.triesLeft', { tries: triesLeft, minutes: lockMinutes });
  }
  if (isApiError(error, 'RATE_LIMITED')) {
    const seconds = (error.data as { retryAfterSeconds?: unknown } | undefined)?.retryAfterSeconds;
    if (typeof seconds === 'number') return i18n.t('login.rateLimited', { minutes: Math.ceil(seconds / 60) });
  }
  return errorText(i18n, error);
}

export function LoginPage() {
  const i18n = useI18n();
  const { t } = i18n;
  const { me, signIn, completeSignIn } = useAuth();
  const navigate = useNavigate();
  const location = useLocation();
  const [error, setError] = useState<unknown>(null);
  const [submitting, setSubmitting] = useState(false);
  /** Set once the password was right and the account's second factor is owed. */
  const [challenge, setChallenge] = useState<string | null>(null);
  const [useRecovery, setUseRecovery] = useState(false);
  useEffect(prefetchTodayPage, []);
  const from = (location.state as LoginRedirectState | null)?.from;
  // The page the user was sent here from; the start page ('/') is no page of their choosing.
  const returnTo = from && from !== '/' && !from.startsWith('/login') ? from : null;
  const target = (signedIn: Me) => returnTo ?? startPageOf(signedIn);

  if (me) return <Navigate to={target(me)} replace />;

  const submit = async (values: LoginValues) => {
    setSubmitting(true);
    setError(null);
    try {
      const answer = await signIn(values.username.trim(), values.password);
      if ('mfaRequired' in answer) setChallenge(answer.challenge);
      else await navigate(target(answer), { replace: true });
    } catch (failure) {
      setError(failure);
    } finally {
      setSubmitting(false);
    }
  };

  const submitCode = async (values: CodeValues) => {
    if (!challenge) return;
    setSubmitting(true);
    setError(null);
    try {
      await navigate(target(await completeSignIn(challenge, values.code.trim())), { replace: true });
    } catch (failure) {
      // An expired challenge or a lock ends this attempt: start again from the password.
      if (
        isApiError(failure, 'MFA_CHALLENGE_EXPIRED') ||
        (isApiError(failure) && isFailureDetails(failure.data) && failure.data.locked)
      )
        setChallenge(null);
      setError(failure);
    } finally {
      setSubmitting(false);
    }
  };

  return (
    <div className="login-screen">
      <div className="login-language">
        <LanguageSwitch />
      </div>
      <Card className="login-card">
        <div className="login-brand">
          <SafetyCertificateOutlined className="login-logo" />
          <Typography.Title level={2} className="login-title">
            {t('app.name')} <span className="login-title-second">{t('app.nameEn')}</span>
          </Typography.Title>
          <Typography.Text type="secondary">{t('app.tagline')}</Typography.Text>
        </div>
        {error !== null && (
          <Alert
            className="login-error"
            type="error"
            showIcon
            title={loginErrorText(i18n, error)}
            data-testid="login-error"
          />
        )}
        {challenge === null ? (
          <Form<LoginValues> layout="vertical" size="large" onFinish={submit} requiredMark={false}>
            <Form.Item
              name="username"
              label={t('login.username')}
              rules={[{ required: true, message: t('login.usernameRequired') }]}
            >
              <Input prefix={<UserOutlined />} autoComplete="username" autoFocus />
            </Form.Item>
            <Form.Item
              name="password"
              label={t('login.password')}
              rules={[{ required: true, message: t('login.passwordRequired') }]}
            >
              <Input.Password prefix={<LockOutlined />} autoComplete="current-password" />
            </Form.Item>
            <Button type="primary" htmlType="submit" block loading={submitting}>
              {t('login.submit')}
            </Button>
          </Form>
        ) : (
          <Form<CodeValues>
            key={useRecovery ? 'recovery' : 'code'}
            layout="vertical"
            size="large"
            onFinish={submitCode}
            requiredMark={false}
            data-testid="mfa-step"
          >
            <Typography.Paragraph type="secondary">
              {t(useRecovery ? 'login.mfaRecoveryHint' : 'login.mfaHint')}
            </Typography.Paragraph>
            <Form.Item
              name="code"
              label={t(useRecovery ? 'login.mfaRecoveryCode' : 'login.mfaCode')}
              rules={[
                { required: true, message: t('login.mfaCodeRequired') },
                ...(useRecovery ? [] : [{ pattern: /^\s*\d{6}\s*$/, message: t('login.mfaCodeSixDigits') }]),
              ]}
            >
              <Input
                prefix={<SafetyOutlined />}
                autoComplete="one-time-code"
                inputMode={useRecovery ? 'text' : 'numeric'}
                maxLength={useRecovery ? 40 : 6}
                autoFocus
                data-testid="mfa-code"
              />
            </Form.Item>
            <Button type="primary" htmlType="submit" block loading={submitting} data-testid="mfa-submit">
              {t('login.mfaSubmit')}
            </Button>
            <Button
              type="link"
              block
              onClick={() => setUseRecovery(!useRecovery)}
              data-testid="mfa-toggle-recovery"
            >
              {t(useRecovery ? 'login.mfaUseCode' : 'login.mfaUseRecovery')}
            </Button>
            <Button
              type="link"
              block
              onClick={() => {
                setChallenge(null);
                setError(null);
              }}
            >
              {t('login.mfaBack')}
            </Button>
          </Form>
        )}
      </Card>
    </div>
  );
}
