// The distributor's pages, phone first: links, orders (customers masked), customers' cancellations with the reason
// and the step, commissions by state and month, withdrawals.
import { useEffect, useState, type FormEvent } from 'react';
import { useAction, useLoad } from '../../hooks.ts';
import { errorText, isKey, useI18n, type Key } from '../../i18n/index.ts';
import { dateTime, yuan } from '../../format.ts';
import { navigate } from '../../router.tsx';
import { Button } from '../../ui/button.tsx';
import { TextField } from '../../ui/field.tsx';
import { Loading, Notice } from '../../ui/notice.tsx';
import { distApi, setDistributorSession, useDistributorSession } from './api.ts';
import { QrCode } from './qr-code.tsx';
import './distribution.css';

const MONTH_FIGURES = [
  ['dist.commissions.accrued', 'accruedFen'], ['dist.commissions.eligible', 'eligibleFen'], ['dist.commissions.settled', 'settledFen'],
  ['dist.commissions.takenBack', 'takenBackFen'], ['dist.commissions.paid_out', 'paidOutFen'],
] as const;
const FINAL = new Set<string>(['voided', 'reversed', 'clawed_back']);
const TABS = ['links', 'orders', 'cancellations', 'commissions', 'withdrawals'] as const;
type Tab = (typeof TABS)[number];

export function DistributorPortal() {
  const { t } = useI18n();
  const me = useDistributorSession();
  const [tab, setTab] = useState<Tab>('links');
  useEffect(() => {
    if (!me) navigate('/distributor/login', { replace: true });
  }, [me]);
  if (!me) return null;
  return (
    <section>
      <h1>{t('dist.title')}</h1>
      <p>{me.distributor.name} · {t('dist.level', { level: me.distributor.level })} · <button type="button" className="link-button" onClick={() => setDistributorSession(null)}>{t('dist.signOut')}</button></p>
      <nav className="dist-tabs" aria-label={t('dist.title')}>
        {TABS.map((x) => (
          <button key={x} type="button" className={`nav-link${tab === x ? ' nav-on' : ''}`} aria-current={tab === x ? 'page' : undefined} onClick={() => setTab(x)}>{t(`dist.tab.${x}`)}</button>
        ))}
      </nav>
      {tab === 'links' && <><Links /><Profile /></>}
      {tab === 'orders' && <Orders />}
      {tab === 'cancellations' && <Cancellations />}
      {tab === 'commissions' && <CommissionsTab />}
      {tab === 'withdrawals' && <Withdrawals />}
    </section>
  );
}

function useWords() {
  const { t } = useI18n();
  const word = (k: string) => (isKey(k) ? t(k) : null);
  return { t, word };
}

function Links() {
  const { t } = useWords();
  const { data, error } = useLoad(distApi.links, []);
  const [copied, setCopied] = useState<string | null>(null);
  if (error) return <Notice tone="error">{errorText(t, error)}</Notice>;
  if (!data) return <Loading label={t('common.loading')} />;
  if (data.links.length === 0) return <p>{t('dist.links.none')}</p>;
  return (
    <div>
      <p>{t('dist.links.lead')}</p>
      {data.links.map((l) => (
        <div className="card dist-link" key={l.code} data-testid="promotion-link">
          <strong>{l.planId ? t('dist.links.plan', { plan: l.planName ?? l.planId }) : t('dist.links.general')}</strong>
          <p><code>{l.url}</code></p>
          <QrCode text={l.url} label={`${t('dist.links.qr')} ${l.url}`} />
          <Button variant="secondary" onClick={() => { void navigator.clipboard?.writeText(l.url); setCopied(l.code); }}>{copied === l.code ? t('dist.links.copied') : t('dist.links.copy')}</Button>
        </div>
      ))}
    </div>
  );
}

function Orders() {
  const { t, word } = useWords();
  const { data, error } = useLoad(distApi.orders, []);
  if (error) return <Notice tone="error">{errorText(t, error)}</Notice>;
  if (!data) return <Loading label={t('common.loading')} />;
  if (data.orders.length === 0) return <p>{t('dist.orders.none')}</p>;
  return (
    <ul className="card-list">
      {data.orders.map((o) => (
        <li className="card" key={o.id} data-testid="distributor-order">
          <div><code>{o.id}</code> · {dateTime(o.createdAt)}</div>
          <div>{t('dist.orders.customer')}: {o.customer.name} {o.customer.phone}</div>
          <div>{t('dist.orders.state')}: {(o.closeReason && word(`dist.closed.${o.closeReason}`)) ?? word(`state.${o.state}`) ?? o.state}</div>
          {/* A line taken back earned nothing: its amount would read as money the distributor still has. */}
          <div>{t('dist.orders.commission')}: {FINAL.has(o.commission.state) ? '' : `${yuan(o.commission.amountFen)} · `}{word(`dist.line.${o.commission.state}`) ?? o.commission.state}</div>
        </li>
      ))}
    </ul>
  );
}

function Cancellations() {
  const { t, word } = useWords();
  const { data, error } = useLoad(distApi.cancellations, []);
  if (error) return <Notice tone="error">{errorText(t, error)}</Notice>;
  if (!data) return <Loading label={t('common.loading')} />;
  return (
    <div>
      <p>{t('dist.cancellations.lead')}</p>
      {data.cancellations.length === 0 ? <p>{t('dist.cancellations.none')}</p> : (
        <ul className="card-list">
          {data.cancellations.map((c) => (
            <li className="card" key={c.orderId} data-testid="distributor-cancellation">
              <div><code>{c.orderId}</code>{c.closedAt ? ` · ${dateTime(c.closedAt)}` : ''}</div>
              <div>{t('dist.cancellations.step')}: {c.fromState ? (word(`state.${c.fromState}`) ?? c.fromState) : '—'}</div>
              <div>{t('dist.cancellations.reason')}: {(c.reasonCode && word(`cancelReason.${c.reasonCode}`)) ?? (c.closeReason && word(`dist.closed.${c.closeReason}`)) ?? c.reasonCode ?? '—'}{c.reasonText ? `（${c.reasonText}）` : ''}</div>
            </li>
          ))}
        </ul>
      )}
    </div>
  );
}

function CommissionsTab() {
  const { t } = useWords();
  const { data, error } = useLoad(distApi.commissions, []);
  if (error) return <Notice tone="error">{errorText(t, error)}</Notice>;
  if (!data) return <Loading label={t('common.loading')} />;
  const buckets = ['pending', 'eligible', 'settled', 'paid_out'] as const;
  return (
    <div>
      <dl className="card dist-figures" data-testid="commission-balances">
        {buckets.map((b) => (<div key={b}><dt>{t(`dist.commissions.${b}` as Key)}</dt><dd>{yuan(data.balances[b])}</dd></div>))}
      </dl>
      {/* A month a card, every figure in view on a phone: what was earned and what was taken back side by side. */}
      <ul className="card-list">
        {data.months.map((m) => (
          <li className="card" key={m.month} data-testid="commission-month">
            <h2>{m.month}</h2>
            <dl className="dist-figures">
              {MONTH_FIGURES.map(([key, field]) => (<div key={field}><dt>{t(key)}</dt><dd>{yuan(m[field])}</dd></div>))}
            </dl>
          </li>
        ))}
      </ul>
    </div>
  );
}

function Withdrawals() {
  const { t, word } = useWords();
  const list = useLoad(distApi.withdrawals, []);
  const balances = useLoad(distApi.commissions, []);
  const [amount, setAmount] = useState('');
  const asking = useAction();
  async function submit(e: FormEvent) {
    e.preventDefault();
    const fen = Math.round(Number(amount) * 100);
    if (!Number.isFinite(fen) || fen <= 0) return;
    const w = await asking.run(() => distApi.withdraw(fen));
    if (w && list.data) list.setData({ withdrawals: [w, ...list.data.withdrawals] });
  }
  return (
    <div>
      {balances.data ? <p>{t('dist.withdraw.lead', { amount: yuan(balances.data.balances.settled) })}</p> : null}
      <form className="card form" onSubmit={submit} noValidate>
        <TextField label={t('dist.withdraw.amount')} inputMode="decimal" value={amount} onChange={(e) => setAmount(e.target.value)} />
        {asking.error ? <Notice tone="error">{errorText(t, asking.error)}</Notice> : null}
        <Button type="submit" busy={asking.busy}>{t('dist.withdraw.submit')}</Button>
      </form>
      {list.data && list.data.withdrawals.length === 0 ? <p>{t('dist.withdraw.none')}</p> : null}
      <ul className="card-list">
        {list.data?.withdrawals.map((w) => (
          <li className="card" key={w.id}>{yuan(w.amount_fen)} · {word(`dist.withdraw.state.${w.state}`) ?? w.state} · {dateTime(w.requested_at)}{w.payout_ref ? ` · ${w.payout_ref}` : ''}</li>
        ))}
      </ul>
    </div>
  );
}

/** The app key for the open API and where push-backs go. */
function Profile() {
  const { t } = useWords();
  const me = useLoad(distApi.me, []);
  const [url, setUrl] = useState<string | null>(null);
  const saving = useAction();
  if (!me.data) return null;
  const value = url ?? me.data.pushUrl ?? '';
  return (
    <form className="card form" onSubmit={async (e) => { e.preventDefault(); const r = await saving.run(() => distApi.setPushUrl(value.trim() || null)); if (r && me.data) me.setData({ ...me.data, pushUrl: r.pushUrl }); }} noValidate>
      <p>{t('dist.profile.appKey')}: <code>{me.data.appKey}</code></p>
      <TextField label={t('distSetup.pushUrl')} value={value} onChange={(e) => setUrl(e.target.value)} />
      {saving.error ? <Notice tone="error">{errorText(t, saving.error)}</Notice> : null}
      <Button type="submit" busy={saving.busy}>{t('settings.save')}</Button>
    </form>
  );
}
