import { TranslationOutlined } from '@ant-design/icons';
import { Button, Tooltip } from 'antd';
import { useOptionalAuth } from '../auth/AuthContext';
import { useI18n } from '../i18n/context';

export function LanguageSwitch({ compact = false }: { compact?: boolean }) {
  const { locale, setLocale, t } = useI18n();
  const auth = useOptionalAuth();
  const next = locale === 'zh-CN' ? 'en' : 'zh-CN';
  const choose = () => {
    if (!auth) return setLocale(next);
    // Not remembered if the server cannot be reached; the page still switches, and the next switch tries again.
    auth.chooseLocale(next).catch(() => undefined);
  };
  return (
    <Tooltip title={t('lang.switchTitle')}>
      <Button
        type="text"
        className="header-button"
        icon={<TranslationOutlined />}
        data-testid="language-switch"
        onClick={choose}
      >
        {compact ? null : t('lang.switchTo')}
      </Button>
    </Tooltip>
  );
}
