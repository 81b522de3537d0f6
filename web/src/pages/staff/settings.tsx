// Platform rules. Operators change them; agents and supervisors see what is in force.
import { useEffect, useState, type FormEvent } from 'react';
import { api, ApiError, type Settings } from '../../api.ts';
import { useAction, useLoad } from '../../hooks.ts';
import { errorText, useI18n } from '../../i18n/index.ts';
import { minutes } from '../../format.ts';
import { useSession } from '../../session.ts';
import { Button } from '../../ui/button.tsx';
import { SwitchField, TextField } from '../../ui/field.tsx';
import { Loading, Notice } from '../../ui/notice.tsx';
import { FaqEditor } from './faq-editor.tsx';
import { ReasonsEditor } from './reasons-editor.tsx';

interface Form { timeout: string; reminder: string; limit: string; afterTimeout: boolean; afterAbandoned: boolean; sla: string; express: string; priority: string }
type Errors = Partial<Record<'timeout' | 'reminder' | 'limit' | 'sla' | 'express' | 'priority', string>>;
const HOUR = 3_600_000;

const MIN = 60_000;
const toForm = (s: Settings): Form => ({
  timeout: minutes(s.paymentTimeoutMs), reminder: minutes(s.reminderBeforeMs), limit: String(s.realNameLimitPerCarrier),
  afterTimeout: s.reorderDiscount.afterPaymentTimeout, afterAbandoned: s.reorderDiscount.afterCustomerAbandoned,
  sla: String(Number((s.reviewSlaMs / HOUR).toFixed(2))), express: String(s.expressRefundMaxFen / 100), priority: String(s.priorityThreshold),
});

export function SettingsPage() {
  const { t } = useI18n();
  const me = useSession('staff');
  const canEdit = me?.agent.role === 'operator';
  const { data, error, setData } = useLoad(() => api.settings(), []);
  const [form, setForm] = useState<Form | null>(null);
  const [errors, setErrors] = useState<Errors>({});
  const [saved, setSaved] = useState(false);
  const saving = useAction();

  useEffect(() => {
    if (data) setForm(toForm(data));
  }, [data]);

  if (error) return <Notice tone="error">{errorText(t, error)}</Notice>;
  if (!data || !form) return <Loading label={t('common.loading')} />;

  const before = toForm(data);
  const changed = (k: keyof Form) => form[k] !== before[k];

  /** Only changed fields are checked and sent: a duration shown rounded (seconds, in a test setup) stays exact. */
  const validate = (): Errors => {
    const e: Errors = {};
    const whole = (v: string, min: number, max: number) => /^\d+$/.test(v) && Number(v) >= min && Number(v) <= max;
    if (changed('timeout') && !whole(form.timeout, 1, 1440)) e.timeout = t('settings.timeout.invalid');
    if (changed('reminder') && !whole(form.reminder, 0, 1440)) e.reminder = t('settings.reminder.invalid');
    if (changed('limit') && !whole(form.limit, 1, 5)) e.limit = t('settings.limit.invalid');
    if (changed('sla') && !whole(form.sla, 1, 24)) e.sla = t('settings.sla.invalid');
    if (changed('express') && !(/^\d+(\.\d{1,2})?$/.test(form.express) && Number(form.express) <= 10_000)) e.express = t('settings.express.invalid');
    if (changed('priority') && !whole(form.priority, 1, 100)) e.priority = t('settings.priority.invalid');
    const timeoutMs = changed('timeout') ? Number(form.timeout) * MIN : data.paymentTimeoutMs;
    const reminderMs = changed('reminder') ? Number(form.reminder) * MIN : data.reminderBeforeMs;
    if (!e.timeout && !e.reminder && reminderMs >= timeoutMs) e.reminder = t('settings.reminder.beforeDeadline');
    return e;
  };

  const submit = async (ev: FormEvent) => {
    ev.preventDefault();
    setSaved(false);
    const e = validate();
    setErrors(e);
    if (Object.keys(e).length > 0) return;
    const patch: Partial<Settings> = {};
    if (changed('timeout')) patch.paymentTimeoutMs = Number(form.timeout) * MIN;
    if (changed('reminder')) patch.reminderBeforeMs = Number(form.reminder) * MIN;
    if (changed('limit')) patch.realNameLimitPerCarrier = Number(form.limit);
    if (changed('sla')) patch.reviewSlaMs = Number(form.sla) * HOUR;
    if (changed('express')) patch.expressRefundMaxFen = Math.round(Number(form.express) * 100);
    if (changed('priority')) patch.priorityThreshold = Number(form.priority);
    if (changed('afterTimeout') || changed('afterAbandoned')) {
      patch.reorderDiscount = { afterPaymentTimeout: form.afterTimeout, afterCustomerAbandoned: form.afterAbandoned };
    }
    if (Object.keys(patch).length === 0) return setSaved(true);
    const next = await saving.run(() => api.updateSettings(patch), (err) => {
      if (err instanceof ApiError && err.code === 'SETTINGS.INVALID') {
        setErrors({ reminder: t('settings.reminder.beforeDeadline') });
        return true;
      }
      return false;
    });
    if (next) {
      setData(next);
      setSaved(true);
    }
  };

  const set = <K extends keyof Form>(k: K, v: Form[K]) => {
    setSaved(false);
    setForm({ ...form, [k]: v });
  };

  return (
    <section>
      <h1>{t('settings.title')}</h1>
      <p className="muted">{t('settings.lead')}</p>
      {!canEdit && <Notice tone="info">{t('settings.readOnly')}</Notice>}
      <form className="card form settings-form" onSubmit={submit} noValidate>
        <fieldset disabled={!canEdit}>
          <legend className="form-section">{t('settings.payment')}</legend>
          <div className="grid-2">
            <TextField label={t('settings.timeout')} value={form.timeout} inputMode="numeric" error={errors.timeout} hint={t('settings.timeout.hint')} onChange={(e) => set('timeout', e.target.value.trim())} />
            <TextField label={t('settings.reminder')} value={form.reminder} inputMode="numeric" error={errors.reminder} hint={t('settings.reminder.hint')} onChange={(e) => set('reminder', e.target.value.trim())} />
          </div>
        </fieldset>
        <fieldset disabled={!canEdit}>
          <legend className="form-section">{t('settings.realName')}</legend>
          <div className="grid-2">
            <TextField label={t('settings.limit')} value={form.limit} inputMode="numeric" error={errors.limit} hint={t('settings.limit.hint')} onChange={(e) => set('limit', e.target.value.trim())} />
          </div>
        </fieldset>
        <fieldset disabled={!canEdit}>
          <legend className="form-section">{t('settings.review')}</legend>
          <div className="grid-3">
            <TextField label={t('settings.sla')} value={form.sla} inputMode="numeric" error={errors.sla} hint={t('settings.sla.hint')} onChange={(e) => set('sla', e.target.value.trim())} />
            <TextField label={t('settings.express')} value={form.express} inputMode="decimal" error={errors.express} hint={t('settings.express.hint')} onChange={(e) => set('express', e.target.value.trim())} />
            <TextField label={t('settings.priority')} value={form.priority} inputMode="numeric" error={errors.priority} hint={t('settings.priority.hint')} onChange={(e) => set('priority', e.target.value.trim())} />
          </div>
        </fieldset>
        <fieldset disabled={!canEdit}>
          <legend className="form-section">{t('settings.discount')}</legend>
          <SwitchField label={t('settings.afterTimeout')} hint={t('settings.afterTimeout.hint')} checked={form.afterTimeout} onChange={(v) => set('afterTimeout', v)} />
          <SwitchField label={t('settings.afterAbandoned')} hint={t('settings.afterAbandoned.hint')} checked={form.afterAbandoned} onChange={(v) => set('afterAbandoned', v)} />
        </fieldset>
        {saving.error ? <Notice tone="error">{errorText(t, saving.error)}</Notice> : null}
        {saved && <Notice tone="success">{t('settings.saved')}</Notice>}
        {canEdit && (
          <div className="form-actions">
            <Button variant="secondary" onClick={() => { setForm(before); setErrors({}); setSaved(false); }}>{t('settings.reset')}</Button>
            <Button type="submit" busy={saving.busy}>{t('settings.save')}</Button>
          </div>
        )}
      </form>
      {canEdit && <ReasonsEditor />}
      <FaqEditor canEdit={canEdit} />
    </section>
  );
}
