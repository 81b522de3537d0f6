// Each plan's after-sales rules: activation window (7-30 days), trial (none or 7-15 days) and the early-termination
// penalty (a fixed sum in yuan, or a share of the monthly fees still due). Operators edit them behind a
// confirmation; every change is listed with who made it, when, and the value before and after.
import { useState } from 'react';
import { ApiError } from '../../api.ts';
import { desk, type PenaltyRule, type PlanRules, type PlanWithRules, type RuleChange } from '../../api-desk.ts';
import { useLoad } from '../../hooks.ts';
import { errorText, invalidFields, isKey, useI18n, type T } from '../../i18n/index.ts';
import { dateTime, yuan } from '../../format.ts';
import { useSession } from '../../session.ts';
import { ConfirmAction } from '../../ui/confirm.tsx';
import { ChoiceGroup, TextField } from '../../ui/field.tsx';
import { Empty, Loading, Notice } from '../../ui/notice.tsx';
import { RowLabel } from './row-label.tsx';

export function penaltyText(t: T, p: PenaltyRule): string {
  if (p.kind === 'fixed') return p.fen === 0 ? t('planRules.penalty.none') : t('planRules.penalty.fixedText', { amount: yuan(p.fen) });
  return t('planRules.penalty.shareText', { percent: p.percent });
}

const trialText = (t: T, days: number) => (days === 0 ? t('planRules.trial.none') : t('planRules.days', { n: days }));

function ruleValue(t: T, rule: string, v: unknown): string {
  if (rule === 'activationWindowDays' && typeof v === 'number') return t('planRules.days', { n: v });
  if (rule === 'trialDays' && typeof v === 'number') return trialText(t, v);
  if (rule === 'penalty' && v && typeof v === 'object' && 'kind' in v) return penaltyText(t, v as PenaltyRule);
  return JSON.stringify(v);
}

export function PlanRulesPage() {
  const { t } = useI18n();
  const me = useSession('staff');
  const canEdit = me?.agent.role === 'operator';
  const [tick, setTick] = useState(0);
  const { data, error } = useLoad(() => desk.plans(), [tick]);
  return (
    <section>
      <h1>{t('planRules.title')}</h1>
      <p className="muted">{t('planRules.lead')}</p>
      <Notice tone="info">{t('planRules.scope')}</Notice>
      {!canEdit && <Notice tone="info">{t('settings.readOnly')}</Notice>}
      {error ? <Notice tone="error">{errorText(t, error)}</Notice> : null}
      {!data && !error && <Loading label={t('common.loading')} />}
      {data && (
        <div className="card table-wrap">
          <table className="table">
            <thead>
              <tr>
                <th scope="col">{t('planRules.plan')}</th><th scope="col">{t('planRules.contract')}</th><th scope="col">{t('planRules.window')}</th>
                <th scope="col">{t('planRules.trial')}</th><th scope="col">{t('planRules.penalty')}</th>
                {canEdit && <th scope="col"><span className="sr-only">{t('queue.actions')}</span></th>}
              </tr>
            </thead>
            <tbody>
              {data.plans.map((p) => (
                <tr key={p.id} data-plan={p.id}>
                  <th scope="row">{p.name}<br /><span className="muted">{isKey(`carrier.${p.carrier}`) ? t(`carrier.${p.carrier}` as 'carrier.china_mobile') : p.carrier} · {yuan(p.monthlyFeeFen)}{t('planRules.perMonth')}</span></th>
                  <td>{p.contractMonths === 0 ? t('planRules.noContract') : t('planRules.months', { n: p.contractMonths })}</td>
                  <td>{t('planRules.days', { n: p.activationWindowDays })}</td>
                  <td>{trialText(t, p.trialDays)}</td>
                  <td>{penaltyText(t, p.penalty)}</td>
                  {canEdit && <td><EditRules plan={p} onDone={() => setTick((n) => n + 1)} /></td>}
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
      {data && <Changes changes={data.changes} plans={data.plans} />}
    </section>
  );
}

interface Form { window: string; hasTrial: 'no' | 'yes'; trial: string; kind: PenaltyRule['kind']; amount: string; percent: string }
type Errors = Partial<Record<'window' | 'trial' | 'amount' | 'percent', string>>;

const toForm = (p: PlanWithRules): Form => ({
  window: String(p.activationWindowDays), hasTrial: p.trialDays > 0 ? 'yes' : 'no', trial: p.trialDays > 0 ? String(p.trialDays) : '7',
  kind: p.penalty.kind, amount: p.penalty.kind === 'fixed' ? (p.penalty.fen / 100).toFixed(2) : '0.00', percent: p.penalty.kind === 'remaining_share' ? String(p.penalty.percent) : '30',
});

/** The same limits as the server's: the brief's ranges, yuan with at most two decimals, whole percents. */
function validate(t: T, f: Form): { errors: Errors; rules?: PlanRules } {
  const e: Errors = {};
  const whole = (v: string, min: number, max: number) => /^\d+$/.test(v) && Number(v) >= min && Number(v) <= max;
  if (!whole(f.window, 7, 30)) e.window = t('planRules.window.invalid');
  if (f.hasTrial === 'yes' && !whole(f.trial, 7, 15)) e.trial = t('planRules.trial.invalid');
  if (f.kind === 'fixed' && !(/^\d+(\.\d{1,2})?$/.test(f.amount) && Number(f.amount) <= 10_000)) e.amount = t('planRules.amount.invalid');
  if (f.kind === 'remaining_share' && !whole(f.percent, 1, 100)) e.percent = t('planRules.percent.invalid');
  if (Object.keys(e).length > 0) return { errors: e };
  const penalty: PenaltyRule = f.kind === 'fixed' ? { kind: 'fixed', fen: Math.round(Number(f.amount) * 100) } : { kind: 'remaining_share', percent: Number(f.percent) };
  return { errors: e, rules: { activationWindowDays: Number(f.window), trialDays: f.hasTrial === 'yes' ? Number(f.trial) : 0, penalty } };
}

function EditRules({ plan, onDone }: { plan: PlanWithRules; onDone: () => void }) {
  const { t } = useI18n();
  const [form, setForm] = useState<Form>(() => toForm(plan));
  const [errors, setErrors] = useState<Errors>({});
  const set = <K extends keyof Form>(k: K, v: Form[K]) => setForm({ ...form, [k]: v });
  return (
    <ConfirmAction variant="secondary" label={<RowLabel short={t('planRules.editShort')} full={t('planRules.edit', { name: plan.name })} />} title={t('planRules.edit.title', { name: plan.name })} confirmLabel={t('planRules.save')}
      act={async () => {
        const { errors: e, rules } = validate(t, form);
        setErrors(e);
        if (!rules) return false;
        try {
          const r = await desk.putPlanRules(plan.id, rules);
          onDone();
          return r;
        } catch (err) {
          // The server's limits are the same; if it still refuses a field, say so next to the field.
          const fields = invalidFields(err);
          if (err instanceof ApiError && fields.length > 0) {
            setErrors({
              ...(fields.some((x) => x.startsWith('activationWindowDays')) ? { window: t('planRules.window.invalid') } : {}),
              ...(fields.some((x) => x.startsWith('trialDays')) ? { trial: t('planRules.trial.invalid') } : {}),
              ...(fields.some((x) => x.startsWith('penalty')) ? (form.kind === 'fixed' ? { amount: t('planRules.amount.invalid') } : { percent: t('planRules.percent.invalid') }) : {}),
            });
          }
          throw err;
        }
      }}>
      <p>{t('planRules.edit.text')}</p>
      <TextField label={t('planRules.window.label')} value={form.window} inputMode="numeric" error={errors.window} hint={t('planRules.window.hint')} onChange={(e) => set('window', e.target.value.trim())} />
      <ChoiceGroup legend={t('planRules.trial')} name={`trial-${plan.id}`} value={form.hasTrial} onChange={(v) => set('hasTrial', v)}
        options={[{ value: 'no', label: t('planRules.trial.none') }, { value: 'yes', label: t('planRules.trial.some') }]} />
      {form.hasTrial === 'yes' && (
        <TextField label={t('planRules.trial.label')} value={form.trial} inputMode="numeric" error={errors.trial} hint={t('planRules.trial.hint')} onChange={(e) => set('trial', e.target.value.trim())} />
      )}
      <ChoiceGroup legend={t('planRules.penalty')} name={`penalty-${plan.id}`} value={form.kind} onChange={(v) => set('kind', v)}
        options={[{ value: 'fixed', label: t('planRules.penalty.fixed') }, { value: 'remaining_share', label: t('planRules.penalty.share') }]} />
      {form.kind === 'fixed'
        ? <TextField label={t('planRules.amount.label')} value={form.amount} inputMode="decimal" error={errors.amount} hint={t('planRules.amount.hint')} onChange={(e) => set('amount', e.target.value.trim())} />
        : <TextField label={t('planRules.percent.label')} value={form.percent} inputMode="numeric" error={errors.percent} hint={t('planRules.percent.hint')} onChange={(e) => set('percent', e.target.value.trim())} />}
    </ConfirmAction>
  );
}

function Changes({ changes, plans }: { changes: RuleChange[]; plans: PlanWithRules[] }) {
  const { t } = useI18n();
  const name = (id: string) => plans.find((p) => p.id === id)?.name ?? id;
  const ruleName = (r: string) => (r === 'activationWindowDays' ? t('planRules.window') : r === 'trialDays' ? t('planRules.trial') : r === 'penalty' ? t('planRules.penalty') : r);
  return (
    <section className="card" aria-labelledby="plans-changes">
      <h2 id="plans-changes">{t('planRules.changes')}</h2>
      {changes.length === 0 ? <Empty title={t('planRules.changes.empty')} /> : (
        <div className="table-wrap">
          <table className="table" data-testid="rule-changes">
            <thead><tr><th scope="col">{t('planRules.changes.when')}</th><th scope="col">{t('planRules.changes.who')}</th><th scope="col">{t('planRules.plan')}</th><th scope="col">{t('planRules.changes.rule')}</th><th scope="col">{t('planRules.changes.change')}</th></tr></thead>
            <tbody>
              {changes.map((c) => (
                <tr key={c.id}>
                  <td><time dateTime={new Date(c.at).toISOString()}>{dateTime(c.at)}</time></td>
                  <td>{c.byName ?? c.by}</td>
                  <td>{name(c.planId)}</td>
                  <td>{ruleName(c.rule)}</td>
                  <td>{t('planRules.changes.fromTo', { from: ruleValue(t, c.rule, c.from), to: ruleValue(t, c.rule, c.to) })}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
    </section>
  );
}
