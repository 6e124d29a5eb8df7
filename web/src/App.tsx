import { App as AntApp, ConfigProvider, Spin, type ThemeConfig } from 'antd';
import enUS from 'antd/locale/en_US';
import zhCN from 'antd/locale/zh_CN';
import dayjs from 'dayjs';
import 'dayjs/locale/zh-cn';
import { lazy, type ReactNode, Suspense, useEffect } from 'react';
import { BrowserRouter, Outlet, Route, Routes } from 'react-router-dom';
import { AuthProvider } from './auth/AuthContext';
import { AppLayout } from './components/AppLayout';
import { RequireAuth, RequireRight } from './components/RequireAuth';
import { I18nProvider, useI18n } from './i18n/context';
import { AreaPage } from './pages/AreaPage';
import { ChangePasswordPage } from './pages/ChangePasswordPage';
import { AreasHome, HomePage } from './pages/HomePage';
import { LoginPage } from './pages/LoginPage';
import { MfaPage } from './pages/MfaPage';
import { NotFoundPage } from './pages/NotFoundPage';

// Pages fewer people open load on demand.
const CheckpointsPage = lazy(() =>
  import('./pages/checkpoints/CheckpointsPage').then((m) => ({ default: m.CheckpointsPage })),
);
const CheckpointPage = lazy(() =>
  import('./pages/checkpoints/CheckpointPage').then((m) => ({ default: m.CheckpointPage })),
);
const UsersPage = lazy(() => import('./pages/UsersPage').then((m) => ({ default: m.UsersPage })));
const AuditPage = lazy(() => import('./pages/AuditPage').then((m) => ({ default: m.AuditPage })));
const RegisterPage = lazy(() => import('./pages/RegisterPage').then((m) => ({ default: m.RegisterPage })));
const PersonPage = lazy(() => import('./pages/PersonPage').then((m) => ({ default: m.PersonPage })));
const HousePage = lazy(() => import('./pages/HousePage').then((m) => ({ default: m.HousePage })));
const TasksPage = lazy(() => import('./pages/TasksPage').then((m) => ({ default: m.TasksPage })));
const VisitsPage = lazy(() => import('./pages/VisitsPage').then((m) => ({ default: m.VisitsPage })));
const VisitFormPage = lazy(() => import('./pages/VisitFormPage').then((m) => ({ default: m.VisitFormPage })));
const ImportPage = lazy(() => import('./pages/ImportPage').then((m) => ({ default: m.ImportPage })));
const DashboardPage = lazy(() => import('./pages/DashboardPage').then((m) => ({ default: m.DashboardPage })));
const TodayPage = lazy(() => import('./pages/TodayPage').then((m) => ({ default: m.TodayPage })));
const ScanPage = lazy(() => import('./pages/ScanPage').then((m) => ({ default: m.ScanPage })));
const GatePage = lazy(() => import('./pages/gate/GatePage').then((m) => ({ default: m.GatePage })));
const RoundsPage = lazy(() => import('./pages/RoundsPage').then((m) => ({ default: m.RoundsPage })));
const RoundPage = lazy(() => import('./pages/RoundPage').then((m) => ({ default: m.RoundPage })));
const InspectionDuePage = lazy(() =>
  import('./pages/inspections/InspectionDuePage').then((m) => ({ default: m.InspectionDuePage })),
);
const InspectionFormPage = lazy(() =>
  import('./pages/inspections/InspectionFormPage').then((m) => ({ default: m.InspectionFormPage })),
);
const InspectionDeskPage = lazy(() =>
  import('./pages/inspections/InspectionDeskPage').then((m) => ({ default: m.InspectionDeskPage })),
);
const SweepsPage = lazy(() => import('./pages/sweeps/SweepsPage').then((m) => ({ default: m.SweepsPage })));
const SweepPage = lazy(() => import('./pages/sweeps/SweepPage').then((m) => ({ default: m.SweepPage })));
const MySweepPage = lazy(() =>
  import('./pages/sweeps/MySweepPage').then((m) => ({ default: m.MySweepPage })),
);
const SweepVisitPage = lazy(() =>
  import('./pages/sweeps/SweepVisitPage').then((m) => ({ default: m.SweepVisitPage })),
);
const KeyPersonsPage = lazy(() =>
  import('./pages/KeyPersonsPage').then((m) => ({ default: m.KeyPersonsPage })),
);
const KeyPersonPage = lazy(() => import('./pages/KeyPersonPage').then((m) => ({ default: m.KeyPersonPage })));
const LeadsPage = lazy(() => import('./pages/LeadsPage').then((m) => ({ default: m.LeadsPage })));
const HealthImportPage = lazy(() =>
  import('./pages/HealthImportPage').then((m) => ({ default: m.HealthImportPage })),
);
const CheckinsPage = lazy(() => import('./pages/CheckinsPage').then((m) => ({ default: m.CheckinsPage })));
const HealthInboxPage = lazy(() =>
  import('./pages/HealthInboxPage').then((m) => ({ default: m.HealthInboxPage })),
);
const ContactsPage = lazy(() => import('./pages/ContactsPage').then((m) => ({ default: m.ContactsPage })));
const EventsBoardPage = lazy(() =>
  import('./pages/events/EventsBoardPage').then((m) => ({ default: m.EventsBoardPage })),
);
const EventDetailPage = lazy(() =>
  import('./pages/events/EventDetailPage').then((m) => ({ default: m.EventDetailPage })),
);
const NewEventPage = lazy(() =>
  import('./pages/events/NewEventPage').then((m) => ({ default: m.NewEventPage })),
);
const MyEventsPage = lazy(() =>
  import('./pages/events/MyEventsPage').then((m) => ({ default: m.MyEventsPage })),
);
const EventSettingsPage = lazy(() =>
  import('./pages/events/EventSettingsPage').then((m) => ({ default: m.EventSettingsPage })),
);
const NotificationsPage = lazy(() =>
  import('./pages/events/NotificationsPage').then((m) => ({ default: m.NotificationsPage })),
);
const ReportPage = lazy(() => import('./pages/public/ReportPage').then((m) => ({ default: m.ReportPage })));
const EventFollowPage = lazy(() =>
  import('./pages/public/EventFollowPage').then((m) => ({ default: m.EventFollowPage })),
);
const RequestFollowPage = lazy(() =>
  import('./pages/public/RequestFollowPage').then((m) => ({ default: m.RequestFollowPage })),
);
// Community services: requests, volunteers, teams, the lists, announcements, review.
const RequestsPage = lazy(() =>
  import('./pages/services/RequestsPage').then((m) => ({ default: m.RequestsPage })),
);
const VolunteersPage = lazy(() =>
  import('./pages/services/VolunteersPage').then((m) => ({ default: m.VolunteersPage })),
);
const TeamsPage = lazy(() => import('./pages/services/TeamsPage').then((m) => ({ default: m.TeamsPage })));
const DevicesPage = lazy(() =>
  import('./pages/devices/DevicesPage').then((m) => ({ default: m.DevicesPage })),
);
const VehicleCheckPage = lazy(() =>
  import('./pages/gate/VehicleCheckPage').then((m) => ({ default: m.VehicleCheckPage })),
);
const ResourcesPage = lazy(() =>
  import('./pages/services/ResourcesPage').then((m) => ({ default: m.ResourcesPage })),
);
const AnnouncementsPage = lazy(() =>
  import('./pages/services/AnnouncementsPage').then((m) => ({ default: m.AnnouncementsPage })),
);
const ReviewPage = lazy(() => import('./pages/services/ReviewPage').then((m) => ({ default: m.ReviewPage })));
// Passes (通行证): the staff list, the printable pass, the gate's offline verification.
const CertificatesPage = lazy(() =>
  import('./pages/certificates/CertificatesPage').then((m) => ({ default: m.CertificatesPage })),
);
const CertificateCheckPage = lazy(() =>
  import('./pages/public/CertificateCheckPage').then((m) => ({ default: m.CertificateCheckPage })),
);
const PassesPage = lazy(() => import('./pages/passes/PassesPage').then((m) => ({ default: m.PassesPage })));
const PassPrintPage = lazy(() =>
  import('./pages/passes/PassPrintPage').then((m) => ({ default: m.PassPrintPage })),
);
const GateVisitsPage = lazy(() =>
  import('./pages/passes/GateVisitsPage').then((m) => ({ default: m.GateVisitsPage })),
);
const PassVerifyPage = lazy(() =>
  import('./pages/passes/PassVerifyPanel').then((m) => ({ default: m.PassVerifyPage })),
);
// What a QR code opens: no sign-in, none of the app's shell. The door code's page (/h/<token>) is not
// here: the server answers it with its own light entry (web/door.html).
const EnterprisePortalPage = lazy(() =>
  import('./pages/enterprise-portal/EnterprisePortalPage').then((m) => ({ default: m.EnterprisePortalPage })),
);
const EnterprisesPage = lazy(() =>
  import('./pages/enterprises/EnterprisesPage').then((m) => ({ default: m.EnterprisesPage })),
);
const EnterprisePage = lazy(() =>
  import('./pages/enterprises/EnterprisePage').then((m) => ({ default: m.EnterprisePage })),
);
const EmployeeApplyPage = lazy(() =>
  import('./pages/public/EmployeeApplyPage').then((m) => ({ default: m.EmployeeApplyPage })),
);
const SelfReportPage = lazy(() =>
  import('./pages/public/SelfReportPage').then((m) => ({ default: m.SelfReportPage })),
);
const PlaceScanPage = lazy(() =>
  import('./pages/public/PlaceScanPage').then((m) => ({ default: m.PlaceScanPage })),
);

const theme: ThemeConfig = {
  token: { colorPrimary: '#1a5fb4', borderRadius: 6 },
  components: { Layout: { headerBg: '#0f3d7a', headerHeight: 56, headerPadding: '0 16px', siderBg: '#fff' } },
};

const lazyPage = (page: ReactNode) => <Suspense fallback={<Spin className="page-spin" />}>{page}</Suspense>;

/** The signed-in app: the session is asked for only here, never by the public pages. */
function SessionRoutes() {
  return (
    <AuthProvider>
      <Outlet />
    </AuthProvider>
  );
}

function AppRoutes() {
  return (
    <Routes>
      <Route path="/r/:token" element={lazyPage(<SelfReportPage />)} />
      <Route path="/c/:token" element={lazyPage(<EnterprisePortalPage />)} />
      <Route path="/j/:token" element={lazyPage(<EmployeeApplyPage />)} />
      <Route path="/p/:token" element={lazyPage(<PlaceScanPage />)} />
      <Route path="/report/:communityCode" element={lazyPage(<ReportPage />)} />
      <Route path="/e/:token" element={lazyPage(<EventFollowPage />)} />
      <Route path="/help/:token" element={lazyPage(<RequestFollowPage />)} />
      <Route path="/v/:token" element={lazyPage(<CertificateCheckPage />)} />
      <Route element={<SessionRoutes />}>
        <Route path="/login" element={<LoginPage />} />
        <Route element={<RequireAuth />}>
          {/* The big screen fills the window: no header, no navigator. */}
          <Route
            path="dashboard/:areaId?"
            element={<RequireRight right="health.read">{lazyPage(<DashboardPage />)}</RequireRight>}
          />
          <Route element={<AppLayout />}>
            <Route index element={<HomePage />} />
            <Route path="areas" element={<AreasHome />} />
            <Route path="areas/:id" element={<AreaPage />} />
            <Route path="today" element={lazyPage(<TodayPage />)} />
            <Route
              path="scan"
              element={<RequireRight right="person.read">{lazyPage(<ScanPage />)}</RequireRight>}
            />
            <Route
              path="passes"
              element={<RequireRight right="pass.issue">{lazyPage(<PassesPage />)}</RequireRight>}
            />
            <Route
              path="certificates"
              element={<RequireRight right="person.read">{lazyPage(<CertificatesPage />)}</RequireRight>}
            />
            <Route
              path="passes/verify"
              element={<RequireRight right="checkpoint.check">{lazyPage(<PassVerifyPage />)}</RequireRight>}
            />
            <Route
              path="passes/visitors"
              element={<RequireRight right="checkpoint.check">{lazyPage(<GateVisitsPage />)}</RequireRight>}
            />
            <Route
              path="passes/:id/print"
              element={<RequireRight right="pass.issue">{lazyPage(<PassPrintPage />)}</RequireRight>}
            />
            <Route
              path="gate"
              element={<RequireRight right="checkpoint.check">{lazyPage(<GatePage />)}</RequireRight>}
            />
            <Route
              path="checkpoints"
              element={<RequireRight right="checkpoint.read">{lazyPage(<CheckpointsPage />)}</RequireRight>}
            />
            <Route
              path="checkpoints/:id"
              element={<RequireRight right="checkpoint.read">{lazyPage(<CheckpointPage />)}</RequireRight>}
            />
            <Route
              path="rounds"
              element={<RequireRight right="health.read">{lazyPage(<RoundsPage />)}</RequireRight>}
            />
            <Route
              path="rounds/:id"
              element={<RequireRight right="health.read">{lazyPage(<RoundPage />)}</RequireRight>}
            />
            <Route
              path="enterprises"
              element={<RequireRight right="enterprise.read">{lazyPage(<EnterprisesPage />)}</RequireRight>}
            />
            <Route
              path="enterprises/:unitId"
              element={<RequireRight right="enterprise.read">{lazyPage(<EnterprisePage />)}</RequireRight>}
            />
            <Route
              path="enterprise-inspections/mine"
              element={
                <RequireRight right="enterprise.inspect">{lazyPage(<InspectionDuePage />)}</RequireRight>
              }
            />
            <Route
              path="enterprise-inspections/new/:unitId"
              element={
                <RequireRight right="enterprise.inspect">{lazyPage(<InspectionFormPage />)}</RequireRight>
              }
            />
            <Route
              path="enterprise-inspections/:tab?"
              element={
                <RequireRight right="enterprise.inspect">{lazyPage(<InspectionDeskPage />)}</RequireRight>
              }
            />
            <Route
              path="sweeps"
              element={<RequireRight right="health.read">{lazyPage(<SweepsPage />)}</RequireRight>}
            />
            {/* Volunteers visit the households they cover without health rights: the server decides. */}
            <Route path="sweeps/mine" element={lazyPage(<MySweepPage />)} />
            <Route
              path="sweeps/:id"
              element={<RequireRight right="health.read">{lazyPage(<SweepPage />)}</RequireRight>}
            />
            <Route path="sweeps/:id/households/:houseId" element={lazyPage(<SweepVisitPage />)} />
            <Route
              path="key-persons"
              element={<RequireRight right="health.read">{lazyPage(<KeyPersonsPage />)}</RequireRight>}
            />
            <Route
              path="key-persons/:id"
              element={<RequireRight right="health.read">{lazyPage(<KeyPersonPage />)}</RequireRight>}
            />
            <Route
              path="leads"
              element={<RequireRight right="health.read">{lazyPage(<LeadsPage />)}</RequireRight>}
            />
            <Route path="health/checkins" element={lazyPage(<CheckinsPage />)} />
            <Route
              path="health/import"
              element={<RequireRight right="health.manage">{lazyPage(<HealthImportPage />)}</RequireRight>}
            />
            <Route
              path="health/inbox"
              element={<RequireRight right="health.read">{lazyPage(<HealthInboxPage />)}</RequireRight>}
            />
            <Route
              path="persons/:id/contacts"
              element={<RequireRight right="health.read">{lazyPage(<ContactsPage />)}</RequireRight>}
            />
            <Route
              path="register"
              element={<RequireRight right="person.read">{lazyPage(<RegisterPage />)}</RequireRight>}
            />
            <Route
              path="persons/:id"
              element={<RequireRight right="person.read">{lazyPage(<PersonPage />)}</RequireRight>}
            />
            <Route
              path="houses/:id"
              element={<RequireRight right="person.read">{lazyPage(<HousePage />)}</RequireRight>}
            />
            <Route
              path="tasks"
              element={<RequireRight right="person.write">{lazyPage(<TasksPage />)}</RequireRight>}
            />
            <Route
              path="visits"
              element={<RequireRight right="person.read">{lazyPage(<VisitsPage />)}</RequireRight>}
            />
            <Route
              path="visits/new"
              element={<RequireRight right="person.write">{lazyPage(<VisitFormPage />)}</RequireRight>}
            />
            <Route
              path="import"
              element={<RequireRight right="person.write">{lazyPage(<ImportPage />)}</RequireRight>}
            />
            <Route
              path="users"
              element={<RequireRight right="user.read">{lazyPage(<UsersPage />)}</RequireRight>}
            />
            <Route
              path="audit"
              element={<RequireRight right="audit.read">{lazyPage(<AuditPage />)}</RequireRight>}
            />
            <Route
              path="requests"
              element={<RequireRight right="service.handle">{lazyPage(<RequestsPage />)}</RequireRight>}
            />
            <Route
              path="service-requests/:id"
              element={<RequireRight right="service.handle">{lazyPage(<RequestsPage />)}</RequireRight>}
            />
            <Route
              path="volunteers"
              element={<RequireRight right="service.handle">{lazyPage(<VolunteersPage />)}</RequireRight>}
            />
            <Route
              path="teams"
              element={<RequireRight right="area.read">{lazyPage(<TeamsPage />)}</RequireRight>}
            />
            <Route
              path="devices"
              element={<RequireRight right="checkpoint.manage">{lazyPage(<DevicesPage />)}</RequireRight>}
            />
            <Route
              path="gate/vehicles"
              element={<RequireRight right="checkpoint.read">{lazyPage(<VehicleCheckPage />)}</RequireRight>}
            />
            <Route
              path="resources"
              element={<RequireRight right="service.handle">{lazyPage(<ResourcesPage />)}</RequireRight>}
            />
            <Route
              path="announcements"
              element={<RequireRight right="area.read">{lazyPage(<AnnouncementsPage />)}</RequireRight>}
            />
            <Route
              path="review"
              element={<RequireRight right="review.read">{lazyPage(<ReviewPage />)}</RequireRight>}
            />
            <Route
              path="events"
              element={<RequireRight right="event.read">{lazyPage(<EventsBoardPage />)}</RequireRight>}
            />
            <Route
              path="events/new"
              element={<RequireRight right="event.read">{lazyPage(<NewEventPage />)}</RequireRight>}
            />
            <Route
              path="events/settings"
              element={<RequireRight right="event.configure">{lazyPage(<EventSettingsPage />)}</RequireRight>}
            />
            <Route
              path="events/:id"
              element={<RequireRight right="event.read">{lazyPage(<EventDetailPage />)}</RequireRight>}
            />
            <Route
              path="my-events"
              element={<RequireRight right="event.handle">{lazyPage(<MyEventsPage />)}</RequireRight>}
            />
            <Route path="notifications" element={lazyPage(<NotificationsPage />)} />
            <Route path="account/password" element={<ChangePasswordPage />} />
            <Route path="account/mfa" element={<MfaPage />} />
            <Route path="*" element={<NotFoundPage />} />
          </Route>
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
        <BrowserRouter>
          <AppRoutes />
        </BrowserRouter>
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
