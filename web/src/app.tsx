// The page table and the two shells: the customer's phone pages and the staff's desk pages.
import { useEffect, type ComponentType, type ReactNode } from 'react';
import { Link, match, navigate, useLocation } from './router.tsx';
import { useI18n } from './i18n/index.ts';
import { session, useSession, type Area } from './session.ts';
import { PlansPage } from './pages/customer/plans.tsx';
import { CustomerSignIn } from './pages/customer/sign-in.tsx';
import { CheckoutPage } from './pages/customer/checkout.tsx';
import { SupplierCheckoutPage } from './pages/customer/supplier-checkout.tsx';
import { OrdersPage } from './pages/customer/orders.tsx';
import { OrderPage } from './pages/customer/order/order-page.tsx';
import { PayPage } from './pages/customer/pay.tsx';
import { InboxPage } from './pages/customer/inbox.tsx';
import { StaffSignIn } from './pages/staff/sign-in.tsx';
import { StaffHome } from './pages/staff/home.tsx';
import { SettingsPage } from './pages/staff/settings.tsx';
import { QueuePage } from './pages/staff/queue.tsx';
import { RequestPage } from './pages/staff/request.tsx';
import { DashboardPage } from './pages/staff/dashboard.tsx';
import { SupervisorPage } from './pages/staff/supervisor.tsx';
import { PlanRulesPage } from './pages/staff/plans.tsx';
import { SuppliersPage } from './pages/staff/suppliers.tsx';
import { FulfilmentPage } from './pages/staff/fulfilment.tsx';
import { ReturnsDeskPage } from './pages/staff/returns-desk.tsx';
import { NotFound } from './pages/not-found.tsx';
import { DistributionDeskPage, DistributorPortal, DistributorSignIn } from './pages/distribution/lazy.tsx';
import { rememberRef } from './pages/distribution/api.ts';
import { IotConsole } from './pages/iot/console.tsx';
import { IotDeskNavLabel, IotReviewPage } from './pages/iot/desk.tsx';

type Params = Record<string, string>;
interface Route { path: string; page: ComponentType<{ params: Params }>; area: Area; signedIn?: boolean }

const routes: Route[] = [
  { path: '/', page: PlansPage, area: 'customer' },
  { path: '/login', page: CustomerSignIn, area: 'customer' },
  { path: '/buy/:planId', page: CheckoutPage, area: 'customer', signedIn: true },
  { path: '/buy-from-supplier/:planId', page: SupplierCheckoutPage, area: 'customer', signedIn: true },
  { path: '/orders', page: OrdersPage, area: 'customer', signedIn: true },
  { path: '/orders/:id', page: OrderPage, area: 'customer', signedIn: true },
  { path: '/orders/:id/pay', page: PayPage, area: 'customer', signedIn: true },
  { path: '/inbox', page: InboxPage, area: 'customer', signedIn: true },
  { path: '/staff/login', page: StaffSignIn, area: 'staff' },
  { path: '/staff', page: StaffHome, area: 'staff', signedIn: true },
  // The agent console (cancellation requests by SLA) and the operator dashboard grow here with their flows.
  { path: '/staff/queue', page: QueuePage, area: 'staff', signedIn: true },
  { path: '/staff/requests/:id', page: RequestPage, area: 'staff', signedIn: true },
  { path: '/staff/dashboard', page: DashboardPage, area: 'staff', signedIn: true },
  { path: '/staff/settings', page: SettingsPage, area: 'staff', signedIn: true },
  { path: '/staff/supervisor', page: SupervisorPage, area: 'staff', signedIn: true },
  { path: '/staff/plans', page: PlanRulesPage, area: 'staff', signedIn: true },
  { path: '/staff/suppliers', page: SuppliersPage, area: 'staff', signedIn: true },
  { path: '/staff/fulfilment', page: FulfilmentPage, area: 'staff', signedIn: true },
  { path: '/staff/returns', page: ReturnsDeskPage, area: 'staff', signedIn: true },
  { path: '/distributor/login', page: DistributorSignIn, area: 'customer' },
  { path: '/distributor', page: DistributorPortal, area: 'customer' },
  { path: '/staff/distributors', page: DistributionDeskPage, area: 'staff', signedIn: true },
  { path: '/staff/iot', page: IotReviewPage, area: 'staff', signedIn: true },
];

export function App() {
  const { path, query } = useLocation();
  const found = routes.map((r) => ({ r, params: match(r.path, path) })).find((x) => x.params);
  const area: Area = found?.r.area ?? (path.startsWith('/staff') ? 'staff' : 'customer');
  const signedIn = useSession(area) !== null;
  const mustSignIn = !!found?.r.signedIn && !signedIn;
  // A customer who came through a distributor's link (?ref=) keeps its code for the order placed in this visit.
  useEffect(() => rememberRef(query), [query.get('ref')]);

  useEffect(() => {
    if (mustSignIn) navigate(`${area === 'staff' ? '/staff/login' : '/login'}?next=${encodeURIComponent(path + (query.size ? `?${query}` : ''))}`, { replace: true });
  }, [mustSignIn, area, path, query]);

  // The business console (企业物联卡) has its own sign-in and shell.
  if (path === '/iot' || path.startsWith('/iot/')) return <IotConsole />;
  const Page = found?.r.page ?? NotFound;
  const body = mustSignIn ? null : <Page params={found?.params ?? {}} />;
  return area === 'staff' ? <StaffShell bare={!signedIn}>{body}</StaffShell> : <CustomerShell>{body}</CustomerShell>;
}

function LangSwitch() {
  const { lang, setLang, t } = useI18n();
  const other = lang === 'zh' ? 'en' : 'zh';
  return (
    <button type="button" className="lang-switch" onClick={() => setLang(other)} aria-label={t('lang.switch')} lang={other === 'zh' ? 'zh-CN' : 'en'}>
      {other === 'zh' ? '中文' : 'EN'}
    </button>
  );
}

function NavLink({ to, children, exact = false }: { to: string; children: ReactNode; exact?: boolean }) {
  const { path } = useLocation();
  const here = exact ? path === to : path === to || path.startsWith(`${to}/`);
  return <Link to={to} className={`nav-link${here ? ' nav-on' : ''}`} aria-current={here ? 'page' : undefined}>{children}</Link>;
}

function CustomerShell({ children }: { children: ReactNode }) {
  const { t } = useI18n();
  const me = useSession('customer');
  return (
    <div className="shell-customer">
      <header className="topbar">
        <Link to="/" className="brand"><span className="brand-mark" aria-hidden="true">号</span>{t('app.name')}</Link>
        <nav className="topnav" aria-label={t('nav.label')}>
          <NavLink to="/" exact>{t('nav.plans')}</NavLink>
          <NavLink to="/orders">{t('nav.orders')}</NavLink>
          <NavLink to="/inbox">{t('nav.inbox')}</NavLink>
        </nav>
        <LangSwitch />
      </header>
      <main className="page">{children}</main>
      <footer className="footer">
        {me ? (
          <span>{t('footer.signedInAs', { phone: `${me.phone.slice(0, 3)}****${me.phone.slice(-4)}` })} · <button type="button" className="link-button" onClick={() => { session.clear('customer'); navigate('/'); }}>{t('footer.signOut')}</button></span>
        ) : (
          <Link to="/login">{t('footer.signIn')}</Link>
        )}
        <Link to="/staff">{t('footer.staff')}</Link>
      </footer>
    </div>
  );
}

function StaffShell({ children, bare }: { children: ReactNode; bare: boolean }) {
  const { t } = useI18n();
  const me = useSession('staff');
  if (bare || !me) {
    return (
      <div className="shell-staff-bare">
        <div className="staff-bare-top"><span className="brand"><span className="brand-mark" aria-hidden="true">号</span>{t('staff.brand')}</span><LangSwitch /></div>
        <main className="page page-narrow">{children}</main>
      </div>
    );
  }
  return (
    <div className="shell-staff">
      <aside className="sidebar">
        <Link to="/staff" className="brand"><span className="brand-mark" aria-hidden="true">号</span>{t('staff.brand')}</Link>
        <nav className="sidenav" aria-label={t('nav.label')}>
          <NavLink to="/staff/queue">{t('staff.nav.queue')}</NavLink>
          {me.agent.role !== 'operator' && <NavLink to="/staff/fulfilment">{t('deskNav.fulfilment')}</NavLink>}
          {me.agent.role !== 'operator' && <NavLink to="/staff/returns">{t('deskNav.returns')}</NavLink>}
          {me.agent.role !== 'operator' && <NavLink to="/staff/iot"><IotDeskNavLabel /></NavLink>}
          {me.agent.role !== 'agent' && <NavLink to="/staff/supervisor">{t('deskNav.supervisor')}</NavLink>}
          <NavLink to="/staff/dashboard">{t('staff.nav.dashboard')}</NavLink>
          <NavLink to="/staff/settings">{t('staff.nav.settings')}</NavLink>
          <NavLink to="/staff/plans">{t('deskNav.plans')}</NavLink>
          {me.agent.role === 'operator' && <NavLink to="/staff/distributors">{t('deskNav.distributors')}</NavLink>}
          {me.agent.role === 'operator' && <NavLink to="/staff/suppliers">{t('suppliers.nav')}</NavLink>}
        </nav>
        <div className="sidebar-foot">
          <p className="who"><strong>{me.agent.displayName}</strong><span>{t(`role.${me.agent.role}`)}</span></p>
          <div className="sidebar-actions">
            <LangSwitch />
            <button type="button" className="link-button" onClick={() => { session.clear('staff'); navigate('/staff/login'); }}>{t('footer.signOut')}</button>
          </div>
        </div>
      </aside>
      <main className="page page-wide">{children}</main>
    </div>
  );
}
