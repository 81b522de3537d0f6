// Operators and suppliers: sync the catalogs now, put synced plans on sale or take them off (a withdrawn plan
// cannot be), and keep the platform blacklist (shown masked; each hit is counted).
import { useState, type FormEvent } from 'react';
import { supplierDesk } from '../../api-suppliers.ts';
import { useAction, useLoad } from '../../hooks.ts';
import { errorText, useI18n } from '../../i18n/index.ts';
import { dateTime } from '../../format.ts';
import { Badge } from '../../ui/badge.tsx';
import { Button } from '../../ui/button.tsx';
import { ChoiceGroup, TextField } from '../../ui/field.tsx';
import { Empty, Loading, Notice } from '../../ui/notice.tsx';

const TONE = { new: 'amber', published: 'green', withdrawn: 'grey' } as const;

export function SuppliersPage() {
  const { t } = useI18n();
  const [tick, setTick] = useState(0);
  const { data, error } = useLoad(() => supplierDesk.plans(), [tick]);
  const { data: list } = useLoad(() => supplierDesk.blacklist(), [tick]);
  const acting = useAction();
  const [kind, setKind] = useState<'resident_id' | 'phone'>('phone');
  const [value, setValue] = useState('');
  const [note, setNote] = useState('');
  const act = async (fn: () => Promise<unknown>) => {
    if ((await acting.run(fn)) !== undefined) setTick((x) => x + 1);
  };
  const add = (e: FormEvent) => {
    e.preventDefault();
    void act(async () => {
      const r = await supplierDesk.addToBlacklist({ kind, value: value.trim(), note: note.trim() });
      setValue('');
      setNote('');
      return r;
    });
  };

  return (
    <section>
      <h1>{t('suppliers.title')}</h1>
      <div className="form-actions"><Button onClick={() => void act(() => supplierDesk.sync())} busy={acting.busy}>{t('suppliers.sync')}</Button></div>
      {error ? <Notice tone="error">{errorText(t, error)}</Notice> : null}
      {acting.error ? <Notice tone="error">{errorText(t, acting.error)}</Notice> : null}
      {!data && !error && <Loading label={t('common.loading')} />}
      {data && data.plans.length === 0 && <Empty title={t('suppliers.none')} />}
      <ul className="plan-list">
        {(data?.plans ?? []).map((p) => (
          <li key={p.planId} className="card">
            <div className="card-head">
              <h2>{p.plan?.name ?? p.planId}</h2>
              <Badge tone={TONE[p.state]}>{t(`suppliers.state.${p.state}`)}</Badge>
            </div>
            <p className="muted">{t('suppliers.source', { supplier: p.supplierId, product: p.supplierPlanId, at: dateTime(p.syncedAt) })}</p>
            {p.state === 'new' && <Button onClick={() => void act(() => supplierDesk.publish(p.planId, true))}>{t('suppliers.publish')}</Button>}
            {p.state === 'published' && <Button variant="secondary" onClick={() => void act(() => supplierDesk.publish(p.planId, false))}>{t('suppliers.unpublish')}</Button>}
          </li>
        ))}
      </ul>

      <h2>{t('suppliers.blacklist')}</h2>
      <form className="card form" onSubmit={add}>
        <ChoiceGroup legend={t('suppliers.blacklist.kind')} name="kind" value={kind} onChange={setKind}
          options={[{ value: 'phone', label: t('form.contactPhone') }, { value: 'resident_id', label: t('form.residentId') }]} />
        <TextField label={t('suppliers.blacklist.value')} value={value} maxLength={18} onChange={(e) => setValue(e.target.value)} />
        <TextField label={t('suppliers.blacklist.note')} value={note} maxLength={200} onChange={(e) => setNote(e.target.value)} />
        <div className="form-actions"><Button type="submit" disabled={!value.trim() || !note.trim()}>{t('suppliers.blacklist.add')}</Button></div>
      </form>
      <ul className="plan-list">
        {(list?.entries ?? []).map((e) => (
          <li key={e.id} className="card">
            <p><strong>{e.masked}</strong> · {e.note}</p>
            <p className="muted">{t('suppliers.blacklist.hits', { n: (list?.hits ?? []).filter((h) => h.entry_id === e.id).length })}</p>
            <Button variant="secondary" onClick={() => void act(() => supplierDesk.removeFromBlacklist(e.id))}>{t('suppliers.blacklist.remove')}</Button>
          </li>
        ))}
      </ul>
    </section>
  );
}
