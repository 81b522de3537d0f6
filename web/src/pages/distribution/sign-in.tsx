// A distributor signs in with the name and password the platform gave it.
import { useState, type FormEvent } from 'react';
import { useAction } from '../../hooks.ts';
import { errorText, useI18n } from '../../i18n/index.ts';
import { navigate } from '../../router.tsx';
import { Button } from '../../ui/button.tsx';
import { TextField } from '../../ui/field.tsx';
import { Notice } from '../../ui/notice.tsx';
import { distApi, setDistributorSession } from './api.ts';

export function DistributorSignIn() {
  const { t } = useI18n();
  const [name, setName] = useState('');
  const [password, setPassword] = useState('');
  const [missing, setMissing] = useState<{ name?: string; password?: string }>({});
  const signingIn = useAction();

  async function submit(e: FormEvent) {
    e.preventDefault();
    const m = { name: name.trim() ? undefined : t('form.required'), password: password ? undefined : t('form.required') };
    setMissing(m);
    if (m.name || m.password) return;
    const r = await signingIn.run(() => distApi.signIn(name.trim(), password));
    if (r) {
      setDistributorSession(r);
      navigate('/distributor', { replace: true });
    }
  }

  return (
    <section>
      <h1>{t('dist.signin.title')}</h1>
      <form className="card form" onSubmit={submit} noValidate>
        <TextField label={t('dist.name')} value={name} onChange={(e) => setName(e.target.value)} autoComplete="username" error={missing.name} />
        <TextField label={t('dist.password')} type="password" value={password} onChange={(e) => setPassword(e.target.value)} autoComplete="current-password" error={missing.password} />
        {signingIn.error ? <Notice tone="error">{errorText(t, signingIn.error)}</Notice> : null}
        <Button type="submit" block busy={signingIn.busy}>{t('signin.submit')}</Button>
      </form>
    </section>
  );
}
