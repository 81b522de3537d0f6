import { useState, type FormEvent } from 'react';
import { api } from '../../api.ts';
import { useAction } from '../../hooks.ts';
import { errorText, useI18n } from '../../i18n/index.ts';
import { navigate, safeNext, useLocation } from '../../router.tsx';
import { session } from '../../session.ts';
import { Button } from '../../ui/button.tsx';
import { TextField } from '../../ui/field.tsx';
import { Notice } from '../../ui/notice.tsx';

const DEMO = [['agent', 'agent123'], ['supervisor', 'super123'], ['operator', 'ops123']] as const;

export function StaffSignIn() {
  const { t } = useI18n();
  const next = safeNext(useLocation().query.get('next'), '/staff');
  const [username, setUsername] = useState('');
  const [password, setPassword] = useState('');
  const [missing, setMissing] = useState<{ username?: string; password?: string }>({});
  const signingIn = useAction();

  async function submit(e: FormEvent) {
    e.preventDefault();
    const m = { username: username.trim() ? undefined : t('form.required'), password: password ? undefined : t('form.required') };
    setMissing(m);
    if (m.username || m.password) return;
    const r = await signingIn.run((key) => api.signInStaff(username.trim(), password, key));
    if (r) {
      session.set('staff', { token: r.token, agent: r.agent });
      navigate(next, { replace: true });
    }
  }

  return (
    <section>
      <h1>{t('staff.signin.title')}</h1>
      <form className="card form" onSubmit={submit} noValidate>
        <TextField label={t('staff.username')} value={username} onChange={(e) => setUsername(e.target.value)} autoComplete="username" error={missing.username} />
        <TextField label={t('staff.password')} type="password" value={password} onChange={(e) => setPassword(e.target.value)} autoComplete="current-password" error={missing.password} />
        {signingIn.error ? <Notice tone="error">{errorText(t, signingIn.error)}</Notice> : null}
        <Button type="submit" block busy={signingIn.busy}>{t('signin.submit')}</Button>
      </form>
      <aside className="card demo-accounts" aria-labelledby="demo-title">
        <p className="sim-tag" id="demo-title">{t('staff.demo')}</p>
        <ul>
          {DEMO.map(([u, p]) => (
            <li key={u}>
              <span>{t(`role.${u}`)} · <code>{u}</code> / <code>{p}</code></span>
              <button type="button" className="link-button" onClick={() => { setUsername(u); setPassword(p); }}>{t('staff.useDemo')}</button>
            </li>
          ))}
        </ul>
      </aside>
    </section>
  );
}
