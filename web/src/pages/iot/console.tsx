// The business console (企业物联卡): its own sign-in and shell; batches, cards, activation, pools, cancellations.
import { useState, type FormEvent, type ReactNode } from 'react';
import { Link, match, navigate, useLocation } from '../../router.tsx';
import { useI18n } from '../../i18n/index.ts';
import { Button } from '../../ui/button.tsx';
import { TextField } from '../../ui/field.tsx';
import { Notice } from '../../ui/notice.tsx';
import { iotApi, iotSession, useIotSession } from './api.ts';
import { useIotT } from './i18n.ts';
import { BatchesPage } from './batches.tsx';
import { BatchPage } from './batch.tsx';
import { CancellationPage, CancellationsPage, JobPage, JobsPage } from './jobs.tsx';
import { PoolsPage } from './pools.tsx';

const PAGES: { path: string; page: (p: Record<string, string>) => ReactNode }[] = [
  { path: '/iot', page: () => <BatchesPage /> },
  { path: '/iot/batches/:id', page: (p) => <BatchPage id={p.id!} /> },
  { path: '/iot/jobs', page: () => <JobsPage /> },
  { path: '/iot/jobs/:id', page: (p) => <JobPage id={p.id!} /> },
  { path: '/iot/pools', page: () => <PoolsPage /> },
  { path: '/iot/cancellations', page: () => <CancellationsPage /> },
  { path: '/iot/cancellations/:id', page: (p) => <CancellationPage id={p.id!} /> },
];

export function IotConsole() {
  const { path } = useLocation();
  const me = useIotSession();
  const { t } = useIotT();
  const { lang, setLang } = useI18n();
  if (!me) return <div className="shell-staff-bare"><main className="page page-narrow"><IotSignIn /></main></div>;
  const found = PAGES.map((p) => ({ p, params: match(p.path, path) })).find((x) => x.params);
  return (
    <div className="shell-staff">
      <aside className="sidebar">
        <Link to="/iot" className="brand"><span className="brand-mark" aria-hidden="true">物</span>{t('brand')}</Link>
        <nav className="sidenav" aria-label={t('brand')}>
          <Link className="nav-link" to="/iot">{t('nav.batches')}</Link>
          <Link className="nav-link" to="/iot/jobs">{t('nav.jobs')}</Link>
          <Link className="nav-link" to="/iot/pools">{t('nav.pools')}</Link>
          <Link className="nav-link" to="/iot/cancellations">{t('nav.cancellations')}</Link>
        </nav>
        <div className="sidebar-foot">
          <p className="who"><strong>{me.staff.displayName}</strong><span>{t(`role.${me.staff.role}`)}</span></p>
          <div className="sidebar-actions">
            <button type="button" className="lang-switch" onClick={() => setLang(lang === 'zh' ? 'en' : 'zh')}>{lang === 'zh' ? 'EN' : '中文'}</button>
            <button type="button" className="link-button" onClick={() => { iotSession.set(null); navigate('/iot'); }}>{t('signOut')}</button>
          </div>
        </div>
      </aside>
      <main className="page page-wide">{found ? found.p.page(found.params!) : <BatchesPage />}</main>
    </div>
  );
}

function IotSignIn() {
  const { t, error } = useIotT();
  const [username, setUsername] = useState('');
  const [password, setPassword] = useState('');
  const [busy, setBusy] = useState(false);
  const [failed, setFailed] = useState<unknown>(null);
  const submit = async (e: FormEvent) => {
    e.preventDefault();
    setBusy(true);
    setFailed(null);
    try {
      iotSession.set(await iotApi.signIn(username.trim(), password));
    } catch (err) {
      setFailed(err);
    } finally {
      setBusy(false);
    }
  };
  return (
    <form onSubmit={submit} className="card">
      <h1>{t('signIn.title')}</h1>
      {failed !== null && <Notice tone="error">{error(failed)}</Notice>}
      <TextField label={t('signIn.username')} value={username} onChange={(e) => setUsername(e.target.value)} autoComplete="username" required />
      <TextField label={t('signIn.password')} type="password" value={password} onChange={(e) => setPassword(e.target.value)} autoComplete="current-password" required />
      <Button type="submit" busy={busy} block>{t('signIn.submit')}</Button>
    </form>
  );
}
