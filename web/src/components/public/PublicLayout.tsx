import { ArrowLeftOutlined, SafetyCertificateOutlined } from '@ant-design/icons';
import { Button, Result, Spin, Typography } from 'antd';
import type { ReactNode } from 'react';
import { isApiError } from '../../api/client';
import { useI18n } from '../../i18n/context';
import { errorText } from '../../i18n/labels';
import { LanguageSwitch } from '../LanguageSwitch';

/** The frame of the pages a QR code opens: no sign-in, no navigation, phone-first. */
export function PublicLayout({ children }: { children: ReactNode }) {
  const { t } = useI18n();
  return (
    <div className="public-screen">
      <header className="public-header">
        <span className="brand">
          <SafetyCertificateOutlined className="brand-logo" />
          <span className="brand-name">{t('app.name')}</span>
        </span>
        <span className="header-spacer" />
        <LanguageSwitch />
      </header>
      <main className="public-main">{children}</main>
      <footer className="public-footer">{t('public.privacy')}</footer>
    </div>
  );
}

/** Loading, or why the page cannot be shown (an unknown or revoked code, too many requests). */
export function PublicLoadState({ error, onRetry }: { error: unknown; onRetry: () => void }) {
  const i18n = useI18n();
  const { t } = i18n;
  if (!error) return <Spin size="large" className="page-spin" />;
  if (isApiError(error) && (error.status === 404 || error.status === 400)) {
    return (
      <Result
        status="warning"
        title={t('public.invalidCode')}
        subTitle={t('public.invalidCodeHint')}
        data-testid="public-invalid-code"
      />
    );
  }
  return (
    <Result
      status="error"
      title={isApiError(error, 'RATE_LIMITED') ? t('public.rateLimited') : errorText(i18n, error)}
      extra={
        <Button size="large" onClick={onRetry}>
          {t('common.retry')}
        </Button>
      }
    />
  );
}

/** The title of a public form, with the way back to the page's choices. */
export function PublicFormHeader({ title, onBack }: { title: string; onBack?: () => void }) {
  const { t } = useI18n();
  return (
    <div className="public-form-header">
      {onBack && (
        <Button type="text" icon={<ArrowLeftOutlined />} onClick={onBack} aria-label={t('common.back')} />
      )}
      <Typography.Title level={4} className="public-form-title">
        {title}
      </Typography.Title>
    </div>
  );
}

/** "Submitted; the grid worker will confirm it". */
export function Submitted({ onAgain }: { onAgain?: () => void }) {
  const { t } = useI18n();
  return (
    <Result
      status="success"
      title={<span data-testid="public-submitted">{t('public.submitted')}</span>}
      subTitle={t('public.submittedHint')}
      extra={
        onAgain && (
          <Button size="large" block onClick={onAgain}>
            {t('public.another')}
          </Button>
        )
      }
    />
  );
}
