// The agents' side of IoT batch cancellations: the requests above the express-refund amount, each one request with
// its cards listed, approved (the job runs) or rejected with a note; and cards received back, refunded their share.
import { useState } from 'react';
import { call } from '../../api.ts';
import { useAction, useLoad } from '../../hooks.ts';
import { yuan, dateTime } from '../../format.ts';
import { Button } from '../../ui/button.tsx';
import { TextArea } from '../../ui/field.tsx';
import { Loading, Notice } from '../../ui/notice.tsx';
import type { Cancellation } from './api.ts';
import { useIotT, type IotKey } from './i18n.ts';

export function IotDeskNavLabel() {
  return <>{useIotT().t('desk.nav')}</>;
}

export function IotReviewPage() {
  const { t, error } = useIotT();
  const queue = useLoad(() => call<Cancellation[]>('GET', '/api/v1/agent/iot/cancellations', { area: 'staff' }), []);
  const [open, setOpen] = useState<string | null>(null);
  const [received, setReceived] = useState('');
  const [done, setDone] = useState<string | null>(null);
  const receive = useAction();
  const submitReceived = () => receive.run(async (key) => {
    const cards = received.split(/[\s,]+/).filter(Boolean).map((iccid) => ({ iccid, passed: true }));
    const r = await call<{ refunded: number; refundFen: number }>('POST', '/api/v1/agent/iot/returns', { area: 'staff', body: { cards }, key });
    setDone(t('desk.received', { n: r.refunded, fen: yuan(r.refundFen) }));
    setReceived('');
  });
  return (
    <>
      <h1>{t('desk.title')}</h1>
      {queue.error !== null && <Notice tone="error">{error(queue.error)}</Notice>}
      {!queue.data ? <Loading label={t('loading')} /> : queue.data.length === 0 ? <p>{t('desk.empty')}</p> : (
        <ul className="list">
          {queue.data.map((c) => (
            <li key={c.id}>
              <button type="button" className="link-button" onClick={() => setOpen(open === c.id ? null : c.id)}>{c.id}</button>
              {' '}· {t('desk.cards', { n: c.cards })} · {t('preview.refund')} {yuan(c.refundFen)} · {t('preview.penalty')} {yuan(c.penaltyFen)} · {dateTime(c.createdAt)}
              {open === c.id && <Review id={c.id} onDone={() => queue.setData(queue.data!.filter((x) => x.id !== c.id))} />}
            </li>
          ))}
        </ul>
      )}
      <section className="card">
        {receive.error !== null && <Notice tone="error">{error(receive.error)}</Notice>}
        {done && <Notice tone="success">{done}</Notice>}
        <TextArea label={t('desk.receive')} value={received} onChange={(e) => setReceived(e.target.value)} />
        <Button busy={receive.busy} onClick={submitReceived} disabled={!received.trim()}>{t('desk.receiveSubmit')}</Button>
      </section>
    </>
  );
}

function Review({ id, onDone }: { id: string; onDone: () => void }) {
  const { t, error } = useIotT();
  const detail = useLoad(() => call<Cancellation>('GET', `/api/v1/agent/iot/cancellations/${encodeURIComponent(id)}`, { area: 'staff' }), [id]);
  const [note, setNote] = useState('');
  const act = useAction();
  const decide = (decision: 'approve' | 'reject') => act.run(async (key) => {
    await call('POST', `/api/v1/agent/iot/cancellations/${encodeURIComponent(id)}/review`, { area: 'staff', body: { decision, note: note.trim() }, key });
    onDone();
  });
  if (!detail.data) return <Loading label={t('loading')} />;
  return (
    <div className="card">
      {act.error !== null && <Notice tone="error">{error(act.error)}</Notice>}
      <table className="table">
        <thead><tr><th>{t('col.iccid')}</th><th>{t('col.route')}</th><th>{t('preview.refund')}</th><th>{t('preview.penalty')}</th></tr></thead>
        <tbody>
          {(detail.data.cardsListed ?? []).map((i) => <tr key={i.iccid}><td>{i.iccid}</td><td>{t(`route.${i.route}` as IotKey)}</td><td>{yuan(i.refundFen)}</td><td>{yuan(i.penaltyFen)}</td></tr>)}
        </tbody>
      </table>
      <TextArea label={t('desk.note')} value={note} onChange={(e) => setNote(e.target.value)} required />
      <div className="row-actions">
        <Button busy={act.busy} disabled={!note.trim()} onClick={() => decide('approve')}>{t('desk.approve')}</Button>
        <Button variant="danger-outline" busy={act.busy} disabled={!note.trim()} onClick={() => decide('reject')}>{t('desk.reject')}</Button>
      </div>
    </div>
  );
}
