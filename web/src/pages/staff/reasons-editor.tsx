// The reasons a customer picks from when applying to cancel. Operators relabel them, attach the alternative that is
// offered for a reason, and retire a reason (it stays counted in the reports).
import { useState } from 'react';
import { api, type Reason } from '../../api.ts';
import { useAction, useLoad } from '../../hooks.ts';
import { errorText, useI18n } from '../../i18n/index.ts';
import { Badge } from '../../ui/badge.tsx';
import { Button } from '../../ui/button.tsx';
import { Dialog } from '../../ui/dialog.tsx';
import { SwitchField, TextArea, TextField } from '../../ui/field.tsx';
import { Loading, Notice } from '../../ui/notice.tsx';

type Row = Reason & { active: boolean; sortOrder: number };

export function ReasonsEditor() {
  const { t } = useI18n();
  const { data, error, setData } = useLoad(() => api.staff.reasons(), []);
  const [editing, setEditing] = useState<Row | null>(null);
  const [draft, setDraft] = useState({ label: '', alternative: '', active: true });
  const [missing, setMissing] = useState<string | null>(null);
  const saving = useAction();

  const open = (r: Row) => {
    setDraft({ label: r.label, alternative: r.alternative ?? '', active: r.active });
    setMissing(null);
    setEditing(r);
  };
  const save = async () => {
    if (!editing || !data) return;
    if (!draft.label.trim()) return setMissing(t('form.required'));
    const r = await saving.run(() => api.staff.putReason(editing.code, { label: draft.label.trim(), alternative: draft.alternative.trim() || null, active: draft.active, sortOrder: editing.sortOrder }));
    if (r) {
      setData({ reasons: data.reasons.map((x) => (x.code === r.code ? r : x)) });
      setEditing(null);
    }
  };

  return (
    <section className="card" aria-labelledby="reasons-title">
      <h2 id="reasons-title">{t('reasonsEdit.title')}</h2>
      <p className="muted">{t('reasonsEdit.lead')}</p>
      {error ? <Notice tone="error">{errorText(t, error)}</Notice> : null}
      {!data && !error && <Loading label={t('common.loading')} />}
      {data && (
        <div className="table-wrap">
          <table className="table">
            <thead><tr><th scope="col">{t('reasonsEdit.code')}</th><th scope="col">{t('reasonsEdit.label')}</th><th scope="col">{t('reasonsEdit.alternative')}</th><th scope="col"><span className="sr-only">{t('queue.actions')}</span></th></tr></thead>
            <tbody>
              {data.reasons.map((r) => (
                <tr key={r.code}>
                  <td><code>{r.code}</code></td>
                  <td>{r.label} {!r.active && <Badge tone="grey">{t('reasonsEdit.retired')}</Badge>}</td>
                  <td className="muted">{r.alternative ?? '—'}</td>
                  <td><Button variant="ghost" onClick={() => open(r)} aria-label={t('faqEdit.editNamed', { q: r.label })}>{t('common.edit')}</Button></td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
      <Dialog open={editing !== null} onClose={() => setEditing(null)} title={t('reasonsEdit.dialog', { code: editing?.code ?? '' })}
        actions={<>
          <Button variant="secondary" onClick={() => setEditing(null)}>{t('confirm.back')}</Button>
          <Button onClick={save} busy={saving.busy}>{t('settings.save')}</Button>
        </>}>
        <TextField label={t('reasonsEdit.label')} value={draft.label} maxLength={40} error={missing} onChange={(e) => setDraft({ ...draft, label: e.target.value })} data-autofocus />
        <TextArea label={t('reasonsEdit.alternative')} hint={t('reasonsEdit.alternative.hint')} value={draft.alternative} maxLength={200} onChange={(e) => setDraft({ ...draft, alternative: e.target.value })} />
        <SwitchField label={t('reasonsEdit.active')} checked={draft.active} onChange={(v) => setDraft({ ...draft, active: v })} />
        {saving.error ? <Notice tone="error">{errorText(t, saving.error)}</Notice> : null}
      </Dialog>
    </section>
  );
}
