import { Button, Result, Spin } from 'antd';
import type { ReactNode } from 'react';
import { Navigate, Outlet, useLocation } from 'react-router-dom';
import type { Right } from '../api/vocabulary';
import { useAuth } from '../auth/AuthContext';
import { useI18n } from '../i18n/context';
import { ChangePasswordPage } from '../pages/ChangePasswordPage';
import { MfaPage } from '../pages/MfaPage';

export interface LoginRedirectState {
  from?: string;
}

/** Signed-in users pass; others go to the login page; a pending password change, then a required second factor, come first. */
export function RequireAuth() {
  const { t } = useI18n();
  const { me, status, refresh } = useAuth();
  const location = useLocation();

  if (status === 'loading') return <Spin size="large" fullscreen />;
  if (status === 'failed')
    return (
      <Result
        status="error"
        title={t('error.NETWORK_ERROR')}
        extra={<Button onClick={() => void refresh()}>{t('common.retry')}</Button>}
      />
    );
  if (!me) {
    const state: LoginRedirectState = { from: `${location.pathname}${location.search}` };
    return <Navigate to="/login" replace state={state} />;
  }
  if (me.mustChangePassword) return <ChangePasswordPage forced />;
  if (me.mfaEnrolmentRequired) return <MfaPage forced />;
  return <Outlet />;
}

/** A page only some roles may open; the server refuses the data anyway. */
export function RequireRight({ right, children }: { right: Right; children: ReactNode }) {
  const { t } = useI18n();
  const { can } = useAuth();
  if (!can(right))
    return <Result status="403" title={t('forbidden.title')} subTitle={t('forbidden.subtitle')} />;
  return children;
}
