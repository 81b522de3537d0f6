import { useEffect, useState, type FormEvent } from 'react';
import { api } from '../../api.ts';
import { useAction, useNow } from '../../hooks.ts';
import { errorText, useI18n } from '../../i18n/index.ts';
import { navigate, safeNext, useLocation } from '../../router.tsx';
import { session } from '../../session.ts';
import { Button } from '../../ui/button.tsx';
import { TextField } from '../../ui/field.tsx';
import { Notice } from '../../ui/notice.tsx';
import { PHONE } from '../../validate.ts';

const RESEND_MS = 60_000;

export function CustomerSignIn() {
  const { t } = useI18n();
  const { query } = useLocation();
  const next = safeNext(query.get('next'), '/orders');
  const [phone, setPhone] = useState('');
  const [code, setCode] = useState('');
  const [phoneError, setPhoneError] = useState<string | null>(null);
  const [codeError, setCodeError] = useState<string | null>(null);
  const [sentAt, setSentAt] = useState<number | null>(null);
  const [sms, setSms] = useState<{ body: string; code: string | null } | null>(null);
  const now = useNow();
  const sending = useAction();
  const signingIn = useAction();
  const [delivery, setDelivery] = useState<{ state: string; failure: string | null } | null>(null);
  const waitS = sentAt ? Math.min(RESEND_MS / 1000, Math.ceil((sentAt + RESEND_MS - now) / 1000)) : 0;

  // What became of the code: asked every few seconds while the customer waits, until the provider reported it.
  useEffect(() => {
    if (!sentAt || delivery?.state === 'delivered' || delivery?.state === 'failed') return;
    const id = window.setInterval(() => {
      void api.codeStatus(phone).then((s) => setDelivery({ state: s.state, failure: s.failure })).catch(() => null);
    }, 5000);
    return () => window.clearInterval(id);
  }, [sentAt, phone, delivery?.state]);

  async function sendCode() {
    if (!PHONE.test(phone)) return setPhoneError(t('form.phone.invalid'));
    setPhoneError(null);
    const r = await sending.run((key) => api.sendCode(phone, key));
    if (!r) return;
    setSentAt(Date.now());
    setDelivery(null);
    // Demo only: the simulated SMS gateway shows what the phone received, so the demo needs no real phone.
    const inbox = await api.simSms(phone).catch(() => null);
    const latest = inbox?.messages[0];
    if (latest) setSms({ body: latest.body, code: latest.body.match(/\d{6}/)?.[0] ?? null });
  }

  async function submit(e: FormEvent) {
    e.preventDefault();
    const badPhone = !PHONE.test(phone);
    const badCode = !/^\d{6}$/.test(code);
    setPhoneError(badPhone ? t('form.phone.invalid') : null);
    setCodeError(badCode ? t('signin.code.invalid') : null);
    if (badPhone || badCode) return;
    const r = await signingIn.run((key) => api.signInCustomer(phone, code, key));
    if (r) {
      session.set('customer', { token: r.token, customerId: r.customerId, phone });
      navigate(next, { replace: true });
    }
  }

  return (
    <section className="narrow">
      <h1>{t('signin.title')}</h1>
      <p className="muted">{t('signin.lead')}</p>
      <form className="card form" onSubmit={submit} noValidate>
        <TextField label={t('form.phone')} value={phone} onChange={(e) => setPhone(e.target.value.replace(/\D/g, '').slice(0, 11))}
          inputMode="numeric" autoComplete="tel-national" placeholder={t('form.phone.placeholder')} error={phoneError} />
        <div className="code-row">
          <TextField label={t('signin.code')} value={code} onChange={(e) => setCode(e.target.value.replace(/\D/g, '').slice(0, 6))}
            inputMode="numeric" autoComplete="one-time-code" placeholder={t('signin.code.placeholder')} error={codeError} />
          <Button variant="secondary" onClick={sendCode} busy={sending.busy} disabled={waitS > 0}>
            {waitS > 0 ? t('signin.resendIn', { s: waitS }) : sentAt ? t('signin.resend') : t('signin.send')}
          </Button>
        </div>
        {delivery?.state === 'failed' ? <Notice tone="error">{t(waitS > 0 ? 'sms.code.failed' : 'sms.code.failedNow', { code: delivery.failure ?? '' })}</Notice> : null}
        {delivery?.state === 'delivered' ? <p className="muted">{t('sms.code.delivered')}</p> : null}
        {sending.error ? <Notice tone="error">{errorText(t, sending.error)}</Notice> : null}
        {signingIn.error ? <Notice tone="error">{errorText(t, signingIn.error)}</Notice> : null}
        <Button type="submit" block busy={signingIn.busy}>{t('signin.submit')}</Button>
      </form>
      {sms && (
        <aside className="card sim-sms" aria-label={t('signin.simSms')}>
          <p className="sim-tag">{t('signin.simSms')}</p>
          <p>{sms.body}</p>
          {sms.code && <Button variant="ghost" onClick={() => { setCode(sms.code!); setCodeError(null); }}>{t('signin.fillCode')}</Button>}
        </aside>
      )}
    </section>
  );
}
