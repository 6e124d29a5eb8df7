import { App as AntApp, ConfigProvider, Spin, type ThemeConfig } from 'antd';
import enUS from 'antd/locale/en_US';
import zhCN from 'antd/locale/zh_CN';
import dayjs from 'dayjs';
import 'dayjs/locale/zh-cn';
import { lazy, type ReactNode, Suspense, useEffect } from 'react';
import { BrowserRouter, Route, Routes } from 'react-router-dom';
import { AuthProvider } from './auth/AuthContext';
import { AppLayout } from './components/AppLayout';
import { RequireAuth, RequireRight } from './components/RequireAuth';
import { I18nProvider, useI18n } from './i18n/context';
import { AreaPage } from './pages/AreaPage';
import { ChangePasswordPage } from './pages/ChangePasswordPage';
import { HomePage } from './pages/HomePage';
import { LoginPage } from './pages/LoginPage';
import { NotFoundPage } from './pages/NotFoundPage';

// Pages fewer people open load on demand.
const UsersPage = lazy(() => import('./pages/UsersPage').then((m) => ({ default: m.UsersPage })));
const AuditPage = lazy(() => import('./pages/AuditPage').then((m) => ({ default: m.AuditPage })));

const theme: ThemeConfig = {
  token: { colorPrimary: '#1a5fb4', borderRadius: 6 },
  components: { Layout: { headerBg: '#0f3d7a', headerHeight: 56, headerPadding: '0 16px', siderBg: '#fff' } },
};

const lazyPage = (page: ReactNode) => <Suspense fallback={<Spin className="page-spin" />}>{page}</Suspense>;

function AppRoutes() {
  return (
    <Routes>
      <Route path="/login" element={<LoginPage />} />
      <Route element={<RequireAuth />}>
        <Route element={<AppLayout />}>
          <Route index element={<HomePage />} />
          <Route path="areas/:id" element={<AreaPage />} />
          <Route
            path="users"
            element={<RequireRight right="user.read">{lazyPage(<UsersPage />)}</RequireRight>}
          />
          <Route
            path="audit"
            element={<RequireRight right="audit.read">{lazyPage(<AuditPage />)}</RequireRight>}
          />
          <Route path="account/password" element={<ChangePasswordPage />} />
          <Route path="*" element={<NotFoundPage />} />
        </Route>
      </Route>
    </Routes>
  );
}

function LocalisedApp() {
  const { locale, t } = useI18n();
  useEffect(() => {
    dayjs.locale(locale === 'zh-CN' ? 'zh-cn' : 'en');
    document.title = `${t('app.name')} ${t('app.nameEn')}`;
  }, [locale, t]);

  return (
    <ConfigProvider locale={locale === 'zh-CN' ? zhCN : enUS} theme={theme}>
      <AntApp>
        <AuthProvider>
          <BrowserRouter>
            <AppRoutes />
          </BrowserRouter>
        </AuthProvider>
      </AntApp>
    </ConfigProvider>
  );
}

export function App() {
  return (
    <I18nProvider>
      <LocalisedApp />
    </I18nProvider>
  );
}
