// The FAQ texts customers see on their order pages, per state. Operators edit them; {placeholders} are filled
// from the rules in force, and the server refuses a placeholder it does not know.
import { useState } from 'react';
import { api, type FaqTemplate } from '../../api.ts';
import { useAction, useLoad } from '../../hooks.ts';
import { errorText, useI18n } from '../../i18n/index.ts';
import { Badge } from '../../ui/badge.tsx';
import { Button } from '../../ui/button.tsx';
import { Dialog } from '../../ui/dialog.tsx';
import { TextArea } from '../../ui/field.tsx';
import { Loading, Notice } from '../../ui/notice.tsx';

export function FaqEditor({ canEdit }: { canEdit: boolean }) {
  const { t, lang } = useI18n();
  const { data, error, setData } = useLoad(() => api.staff.faqTemplates(), []);
  const [editing, setEditing] = useState<FaqTemplate | null>(null);
  const [draft, setDraft] = useState({ qzh: '', qen: '', azh: '', aen: '' });
  const saving = useAction();
  const [localError, setLocalError] = useState<string | null>(null);

  const open = (e: FaqTemplate) => {
    setDraft({ qzh: e.question.zh, qen: e.question.en, azh: e.answer.zh, aen: e.answer.en });
    setLocalError(null);
    setEditing(e);
  };
  const save = async () => {
    if (!editing || !data) return;
    // Unknown {placeholders} are refused here first, in the same words the server's refusal gets.
    const unknown = [draft.qzh, draft.qen, draft.azh, draft.aen].flatMap((x) => [...x.matchAll(/\{(\w+)\}/g)].map((m) => m[1]!)).filter((p) => !data.placeholders.includes(p));
    setLocalError(unknown.length ? t('error.FAQ.UNKNOWN_PLACEHOLDER') : null);
    if (unknown.length) return;
    const r = await saving.run(() => api.staff.putFaq(editing.id, { question: { zh: draft.qzh, en: draft.qen }, answer: { zh: draft.azh, en: draft.aen } }));
    if (r) {
      setData({ ...data, entries: data.entries.map((x) => (x.id === r.id ? r : x)) });
      setEditing(null);
    }
  };

  return (
    <section className="card" aria-labelledby="faq-edit-title">
      <h2 id="faq-edit-title">{t('faqEdit.title')}</h2>
      <p className="muted">{t('faqEdit.lead', { list: data ? data.placeholders.map((p) => `{${p}}`).join(' ') : '' })}</p>
      {error ? <Notice tone="error">{errorText(t, error)}</Notice> : null}
      {!data && !error && <Loading label={t('common.loading')} />}
      {data && (
        <div className="table-wrap">
          <table className="table">
            <thead><tr><th scope="col">{t('faqEdit.states')}</th><th scope="col">{t('faqEdit.question')}</th><th scope="col"><span className="sr-only">{t('queue.actions')}</span></th></tr></thead>
            <tbody>
              {data.entries.map((e) => (
                <tr key={e.id}>
                  <td>{e.states.map((s) => t(`state.${s}`)).join('、')}</td>
                  <td>{lang === 'zh' ? e.question.zh : e.question.en} {e.edited && <Badge tone="blue">{t('faqEdit.edited')}</Badge>}</td>
                  <td>{canEdit && <Button variant="ghost" onClick={() => open(e)} aria-label={t('faqEdit.editNamed', { q: lang === 'zh' ? e.question.zh : e.question.en })}>{t('common.edit')}</Button>}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
      <Dialog open={editing !== null} onClose={() => setEditing(null)} title={t('faqEdit.dialog')}
        actions={<>
          <Button variant="secondary" onClick={() => setEditing(null)}>{t('confirm.back')}</Button>
          <Button onClick={save} busy={saving.busy}>{t('settings.save')}</Button>
        </>}>
        <TextArea label={t('faqEdit.qzh')} value={draft.qzh} maxLength={2000} onChange={(e) => setDraft({ ...draft, qzh: e.target.value })} data-autofocus />
        <TextArea label={t('faqEdit.azh')} value={draft.azh} maxLength={2000} rows={4} onChange={(e) => setDraft({ ...draft, azh: e.target.value })} />
        <TextArea label={t('faqEdit.qen')} value={draft.qen} maxLength={2000} onChange={(e) => setDraft({ ...draft, qen: e.target.value })} />
        <TextArea label={t('faqEdit.aen')} value={draft.aen} maxLength={2000} rows={4} onChange={(e) => setDraft({ ...draft, aen: e.target.value })} />
        {localError && <Notice tone="error">{localError}</Notice>}
        {saving.error ? <Notice tone="error">{errorText(t, saving.error)}</Notice> : null}
      </Dialog>
    </section>
  );
}
