// The operators' setup of distribution: open a distributor (its app secret shown once), give it a ?ref= link, and
// set a plan's commission rule (级差 amounts, conditions, probation) with the rule's change log.
import { useState, type FormEvent } from 'react';
import { call } from '../../api.ts';
import { useAction, useLoad } from '../../hooks.ts';
import { errorText, useI18n } from '../../i18n/index.ts';
import { dateTime, yuan } from '../../format.ts';
import { Button } from '../../ui/button.tsx';
import { TextField } from '../../ui/field.tsx';
import { Notice } from '../../ui/notice.tsx';

interface Rule { levelFen: number[]; minFirstTopUpFen: number; daysInService: number; probationDays: number }
interface RuleChange { oldValue: Rule | null; newValue: Rule; changedBy: string; changedAt: number }
const staff = { area: 'staff' as const };
const setup = {
  plans: () => call<{ plans: { id: string; name: string }[] }>('GET', '/api/v1/plans'),
  rule: (planId: string) => call<{ rule: Rule | null; changes: RuleChange[] }>('GET', `/api/v1/operator/plans/${encodeURIComponent(planId)}/commission-rule`, staff),
  putRule: (planId: string, rule: Rule) => call<{ changed: boolean }>('PUT', `/api/v1/operator/plans/${encodeURIComponent(planId)}/commission-rule`, { ...staff, body: rule }),
  open: (body: { name: string; password: string; parentId: string | null; pushUrl: string | null }, key: string) =>
    call<{ id: string; level: number; appKey: string; appSecret: string }>('POST', '/api/v1/operator/distributors', { ...staff, body, key }),
  code: (distributorId: string, planId: string | null, key: string) =>
    call<{ code: string }>('POST', `/api/v1/operator/distributors/${encodeURIComponent(distributorId)}/promotion-codes`, { ...staff, body: { planId }, key }),
};

const fen = (yuanText: string) => Math.round(Number(yuanText) * 100);

export function DistributionSetup({ onChanged }: { onChanged: () => void }) {
  const { t } = useI18n();
  const plans = useLoad(setup.plans, []);
  const act = useAction();
  const [opened, setOpened] = useState<{ id: string; appKey: string; appSecret: string } | null>(null);
  const [form, setForm] = useState({ name: '', password: '', parentId: '', pushUrl: '' });
  const [link, setLink] = useState({ distributorId: '', planId: '' });
  const [code, setCode] = useState<string | null>(null);
  const [planId, setPlanId] = useState('');
  const rule = useLoad(() => (planId ? setup.rule(planId) : Promise.resolve(null)), [planId]);
  const [edit, setEdit] = useState({ l1: '', l2: '', l3: '', topUp: '', days: '', probation: '' });

  async function openOne(e: FormEvent) {
    e.preventDefault();
    const r = await act.run((key) => setup.open({ name: form.name.trim(), password: form.password, parentId: form.parentId.trim() || null, pushUrl: form.pushUrl.trim() || null }, key));
    if (r) { setOpened(r); onChanged(); }
  }
  async function giveLink(e: FormEvent) {
    e.preventDefault();
    const r = await act.run((key) => setup.code(link.distributorId.trim(), link.planId.trim() || null, key));
    if (r) setCode(r.code);
  }
  async function saveRule(e: FormEvent) {
    e.preventDefault();
    const body: Rule = { levelFen: [fen(edit.l1), fen(edit.l2), fen(edit.l3)], minFirstTopUpFen: fen(edit.topUp || '0'), daysInService: Number(edit.days || 0), probationDays: Number(edit.probation || 0) };
    if (await act.run(() => setup.putRule(planId, body))) rule.setData(await setup.rule(planId));
  }

  return (
    <div>
      {act.error ? <Notice tone="error">{errorText(t, act.error)}</Notice> : null}
      <h2>{t('distSetup.open')}</h2>
      <form className="card form" onSubmit={openOne} noValidate>
        <TextField label={t('dist.name')} value={form.name} onChange={(e) => setForm({ ...form, name: e.target.value })} />
        <TextField label={t('dist.password')} type="password" value={form.password} onChange={(e) => setForm({ ...form, password: e.target.value })} />
        <TextField label={t('distSetup.parent')} value={form.parentId} onChange={(e) => setForm({ ...form, parentId: e.target.value })} />
        <TextField label={t('distSetup.pushUrl')} value={form.pushUrl} onChange={(e) => setForm({ ...form, pushUrl: e.target.value })} />
        <Button type="submit" busy={act.busy}>{t('distSetup.open')}</Button>
        {opened ? <Notice tone="success" title={t('distSetup.secretOnce')}><code>{opened.id}</code> · <code>{opened.appKey}</code> · <code>{opened.appSecret}</code></Notice> : null}
      </form>

      <h2>{t('distSetup.link')}</h2>
      <form className="card form" onSubmit={giveLink} noValidate>
        <TextField label={t('distSetup.distributorId')} value={link.distributorId} onChange={(e) => setLink({ ...link, distributorId: e.target.value })} />
        <TextField label={t('distSetup.planOptional')} value={link.planId} onChange={(e) => setLink({ ...link, planId: e.target.value })} />
        <Button type="submit" busy={act.busy}>{t('distSetup.link')}</Button>
        {code ? <p><code>?ref={code}</code></p> : null}
      </form>

      <h2>{t('distSetup.rule')}</h2>
      <div className="card form">
        <label>{t('distSetup.plan')}{' '}
          <select value={planId} onChange={(e) => setPlanId(e.target.value)}>
            <option value="">—</option>
            {plans.data?.plans.map((p) => <option key={p.id} value={p.id}>{p.name}</option>)}
          </select>
        </label>
        {planId ? (
          <form onSubmit={saveRule} noValidate>
            <p>{rule.data?.rule ? t('distSetup.current', { l1: yuan(rule.data.rule.levelFen[0]!), l2: yuan(rule.data.rule.levelFen[1]!), l3: yuan(rule.data.rule.levelFen[2]!), topUp: yuan(rule.data.rule.minFirstTopUpFen), days: rule.data.rule.daysInService, probation: rule.data.rule.probationDays }) : t('distSetup.noRule')}</p>
            <TextField label={t('distSetup.level', { n: 1 })} inputMode="decimal" value={edit.l1} onChange={(e) => setEdit({ ...edit, l1: e.target.value })} />
            <TextField label={t('distSetup.level', { n: 2 })} inputMode="decimal" value={edit.l2} onChange={(e) => setEdit({ ...edit, l2: e.target.value })} />
            <TextField label={t('distSetup.level', { n: 3 })} inputMode="decimal" value={edit.l3} onChange={(e) => setEdit({ ...edit, l3: e.target.value })} />
            <TextField label={t('distSetup.topUp')} inputMode="decimal" value={edit.topUp} onChange={(e) => setEdit({ ...edit, topUp: e.target.value })} />
            <TextField label={t('distSetup.days')} inputMode="numeric" value={edit.days} onChange={(e) => setEdit({ ...edit, days: e.target.value })} />
            <TextField label={t('distSetup.probation')} inputMode="numeric" value={edit.probation} onChange={(e) => setEdit({ ...edit, probation: e.target.value })} />
            <p className="hint">{t('distSetup.newOrdersOnly')}</p>
            <Button type="submit" busy={act.busy}>{t('settings.save')}</Button>
            <ul>
              {rule.data?.changes.slice().reverse().map((c) => (
                <li key={c.changedAt}>{dateTime(c.changedAt)} · {c.changedBy} · {c.newValue.levelFen.map(yuan).join(' / ')} · {yuan(c.newValue.minFirstTopUpFen)} · {c.newValue.daysInService} · {c.newValue.probationDays}</li>
              ))}
            </ul>
          </form>
        ) : null}
      </div>
    </div>
  );
}
