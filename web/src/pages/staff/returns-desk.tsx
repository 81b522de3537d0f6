// The returns desk: cards coming back (unactivated returns, intercepted parcels) waiting to arrive or to be
// inspected, with the inspection form (checklist, notes, photos); account closures to complete with the carrier;
// and disagreements with the carrier left for an agent. Every action behind a confirmation.
import { useState, type ChangeEvent } from 'react';
import { desk, type Checklist, type Closure, type ReturnRow } from '../../api-desk.ts';
import { useLoad } from '../../hooks.ts';
import { errorText, isKey, useI18n, type T } from '../../i18n/index.ts';
import { dateTime, spacedNumber, yuan } from '../../format.ts';
import { Badge } from '../../ui/badge.tsx';
import { ConfirmAction } from '../../ui/confirm.tsx';
import { ChoiceGroup, TextArea } from '../../ui/field.tsx';
import { Empty, Loading, Notice } from '../../ui/notice.tsx';
import { RowLabel } from './row-label.tsx';
import { reasonLabel } from '../customer/order/apply-cancel.tsx';

const CHECKS: (keyof Checklist)[] = ['cardIntact', 'pinAreaUnscratched', 'idCopyEnclosed', 'orderNumberMatches'];
const PHOTO_TYPES = ['image/png', 'image/jpeg', 'image/webp'];
const PHOTO_MAX_BYTES = 2 * 1024 * 1024;
const PHOTO_MAX = 4;

export function ReturnsDeskPage() {
  const { t } = useI18n();
  return (
    <section>
      <h1>{t('ret.title')}</h1>
      <p className="muted">{t('ret.lead')}</p>
      <Returns />
      <Closures />
      <CarrierTasks />
    </section>
  );
}

function Returns() {
  const { t } = useI18n();
  const [state, setState] = useState<'open' | 'awaiting_parcel' | 'in_transit' | 'received'>('open');
  const [tick, setTick] = useState(0);
  const [result, setResult] = useState<{ tone: 'success' | 'warning'; text: string } | null>(null);
  const { data, error } = useLoad(() => desk.returns(state), [state, tick], () => 15_000);
  return (
    <section className="card" aria-labelledby="ret-list">
      <h2 id="ret-list">{t('ret.returns')}</h2>
      <div className="filters" role="group" aria-label={t('queue.filters')}>
        <div className="field">
          <label htmlFor="ret-state">{t('queue.state')}</label>
          <select id="ret-state" value={state} onChange={(e) => setState(e.target.value as typeof state)}>
            {(['open', 'awaiting_parcel', 'in_transit', 'received'] as const).map((s) => <option key={s} value={s}>{t(`ret.state.${s}`)}</option>)}
          </select>
        </div>
      </div>
      {result && <Notice tone={result.tone}>{result.text}</Notice>}
      {error ? <Notice tone="error">{errorText(t, error)}</Notice> : null}
      {!data && !error && <Loading label={t('common.loading')} />}
      {data && data.returns.length === 0 && <Empty title={t('ret.empty')} />}
      {data && data.returns.length > 0 && (
        <div className="table-wrap">
          <table className="table">
            <thead>
              <tr>
                <th scope="col">{t('ful.number')}</th><th scope="col">{t('ret.kind')}</th><th scope="col">{t('queue.state')}</th>
                <th scope="col">{t('ret.reason')}</th><th scope="col">{t('ret.tracking')}</th><th scope="col">{t('ret.since')}</th><th scope="col"><span className="sr-only">{t('queue.actions')}</span></th>
              </tr>
            </thead>
            <tbody>
              {data.returns.map((x) => (
                <tr key={x.id} data-return={x.id}>
                  <td>{x.orderNumber ? spacedNumber(x.orderNumber) : '—'}<br /><span className="muted">{x.orderId}</span></td>
                  <td>{t(`ret.kind.${x.kind}`)}</td>
                  <td><Badge tone={x.state === 'received' ? 'amber' : 'blue'}>{t(`ret.state.${x.state === 'received' || x.state === 'in_transit' || x.state === 'awaiting_parcel' ? x.state : 'open'}`)}</Badge></td>
                  <td>{x.reasonCode ? reasonLabel(t, x.reasonCode) : '—'}{x.reasonText && <><br /><span className="muted">{x.reasonText}</span></>}</td>
                  <td>{x.returnTrackingNo ?? <span className="muted">{t('ret.noTracking')}</span>}</td>
                  <td>{dateTime(x.createdAt)}</td>
                  <td><Inspect x={x} onDone={(r) => { setResult(r); setTick((n) => n + 1); }} /></td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
    </section>
  );
}

interface Photo { name: string; contentType: string; dataBase64: string }

const readPhoto = (file: File) => new Promise<Photo>((resolve, reject) => {
  const reader = new FileReader();
  reader.onload = () => resolve({ name: file.name, contentType: file.type, dataBase64: String(reader.result).replace(/^data:[^,]*,/, '') });
  reader.onerror = () => reject(reader.error);
  reader.readAsDataURL(file);
});

/** Receiving and inspecting are one step at the warehouse: the card is in the agent's hand. */
function Inspect({ x, onDone }: { x: ReturnRow; onDone: (r: { tone: 'success' | 'warning'; text: string }) => void }) {
  const { t } = useI18n();
  const [checks, setChecks] = useState<Checklist>({ cardIntact: false, pinAreaUnscratched: false, idCopyEnclosed: false, orderNumberMatches: false });
  const [notes, setNotes] = useState('');
  const [reason, setReason] = useState('');
  const [reasonError, setReasonError] = useState<string | null>(null);
  const [photos, setPhotos] = useState<Photo[]>([]);
  const [photoError, setPhotoError] = useState<string | null>(null);
  const passes = CHECKS.every((k) => checks[k]);
  const number = x.orderNumber ? spacedNumber(x.orderNumber) : x.orderId;

  const pick = async (e: ChangeEvent<HTMLInputElement>) => {
    const files = Array.from(e.target.files ?? []);
    e.target.value = '';
    setPhotoError(null);
    if (photos.length + files.length > PHOTO_MAX) return setPhotoError(t('ret.photos.tooMany', { n: PHOTO_MAX }));
    if (files.some((f) => !PHOTO_TYPES.includes(f.type))) return setPhotoError(t('identity.file.type'));
    if (files.some((f) => f.size > PHOTO_MAX_BYTES)) return setPhotoError(t('identity.file.size'));
    try {
      const read = await Promise.all(files.map(readPhoto));
      setPhotos([...photos, ...read]);
    } catch {
      setPhotoError(t('identity.file.read'));
    }
  };

  return (
    <ConfirmAction label={<RowLabel short={t('ret.inspectShort')} full={t('ret.inspect', { number })} />} title={t('ret.inspect.title', { number })} confirmLabel={passes ? t('ret.inspect.pass') : t('ret.inspect.refuse')}
      variant={passes ? 'primary' : 'danger'}
      act={async (key) => {
        if (!passes && reason.trim().length < 2) {
          setReasonError(t('ret.reason.missing'));
          return false;
        }
        setReasonError(null);
        const r = await desk.inspect(x.id, {
          checklist: checks, notes: notes.trim() || undefined, reason: passes ? undefined : reason.trim(),
          photos: photos.length > 0 ? photos.map((p) => ({ contentType: p.contentType, dataBase64: p.dataBase64 })) : undefined,
        }, key);
        onDone(r.return.state === 'passed' && r.return.refund
          ? { tone: 'success', text: t('ret.passed', { number, from: r.return.refund.earliest, to: r.return.refund.latest }) }
          : { tone: 'warning', text: t('ret.refused', { number, reason: r.return.rejectionReason ?? reason.trim() }) });
        return r;
      }}>
      <p>{t('ret.inspect.text')}</p>
      <fieldset className="checklist">
        <legend className="form-section">{t('ret.checklist')}</legend>
        {CHECKS.map((k) => (
          <label key={k} className="check-row">
            <input type="checkbox" checked={checks[k]} onChange={(e) => setChecks({ ...checks, [k]: e.target.checked })} /> {t(`ret.check.${k}`)}
          </label>
        ))}
      </fieldset>
      <Notice tone={passes ? 'success' : 'warning'}>{passes ? t('ret.willPass') : t('ret.willRefuse')}</Notice>
      {!passes && <TextArea label={t('ret.reason')} value={reason} maxLength={500} error={reasonError} onChange={(e) => setReason(e.target.value)} />}
      <TextArea label={t('ret.notes')} value={notes} maxLength={1000} onChange={(e) => setNotes(e.target.value)} />
      <div className={`field ${photoError ? 'field-invalid' : ''}`}>
        <label htmlFor={`photos-${x.id}`}>{t('ret.photos')}</label>
        <input id={`photos-${x.id}`} type="file" accept={PHOTO_TYPES.join(',')} multiple onChange={pick} aria-describedby={`photos-${x.id}-hint`} />
        <p className="field-hint" id={`photos-${x.id}-hint`}>{t('ret.photos.hint', { n: PHOTO_MAX })}</p>
        {photoError && <p className="field-error" role="alert">{photoError}</p>}
        {photos.length > 0 && <p className="muted">{t('ret.photos.chosen', { names: photos.map((p) => p.name).join('、') })}</p>}
      </div>
    </ConfirmAction>
  );
}

function Closures() {
  const { t } = useI18n();
  const [tick, setTick] = useState(0);
  const { data, error } = useLoad(() => desk.closures(), [tick], () => 15_000);
  return (
    <section className="card" aria-labelledby="ret-closures">
      <h2 id="ret-closures">{t('ret.closures')}</h2>
      <p className="muted">{t('ret.closures.lead')}</p>
      {error ? <Notice tone="error">{errorText(t, error)}</Notice> : null}
      {data && data.closures.length === 0 && <Empty title={t('ret.closures.empty')} />}
      {data && data.closures.length > 0 && (
        <div className="table-wrap">
          <table className="table">
            <thead><tr><th scope="col">{t('tickets.order')}</th><th scope="col">{t('ret.penalty')}</th><th scope="col">{t('ret.penaltyPaid')}</th><th scope="col">{t('ret.requestedAt')}</th><th scope="col"><span className="sr-only">{t('queue.actions')}</span></th></tr></thead>
            <tbody>
              {data.closures.map((c) => (
                <tr key={c.id}>
                  <td>{c.orderId}</td>
                  <td>{c.penaltyFen === 0 ? t('ret.penalty.none') : yuan(c.penaltyFen)}<br /><span className="muted">{t('ret.monthsLeft', { n: c.monthsLeft })}</span></td>
                  <td><PenaltyPaid c={c} t={t} /></td>
                  <td>{dateTime(c.requestedAt)}</td>
                  <td>
                    <ConfirmAction label={<RowLabel short={t('ret.completeShort')} full={t('ret.complete', { order: c.orderId })} />} title={t('ret.complete.title')} confirmLabel={t('ret.complete.confirm')}
                      act={async (key) => { const r = await desk.completeClosure(c.id, key); setTick((n) => n + 1); return r; }}>
                      <p>{t('ret.complete.text', { penalty: c.penaltyFen === 0 ? t('ret.penalty.none') : yuan(c.penaltyFen) })}</p>
                    </ConfirmAction>
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
    </section>
  );
}

function PenaltyPaid({ c, t }: { c: Closure; t: T }) {
  if (c.penaltyFen === 0) return <span className="muted">{t('ret.penalty.nothingDue')}</span>;
  return c.penalty.paid
    ? <Badge tone="green">{c.penalty.paidAt !== null ? t('ret.paidAt', { time: dateTime(c.penalty.paidAt) }) : t('ret.paid')}</Badge>
    : <Badge tone="amber">{t('ret.unpaid')}</Badge>;
}

/** A disagreement in words: what the carrier reports against the state the order is in. */
function taskText(t: T, kind: string): string {
  const m = kind.match(/^(activated_but|suspended_while)_(\w+)$/);
  if (m && m[2] !== 'live') {
    const state = isKey(`state.${m[2]}`) ? t(`state.${m[2]}` as 'state.paid') : m[2]!;
    return t(m[1] === 'activated_but' ? 'ret.task.activatedBut' : 'ret.task.suspendedWhile', { state });
  }
  if (kind === 'closed_while_live') return t('ret.task.closedWhileLive');
  if (kind === 'recycled_while_live') return t('ret.task.recycledWhileLive');
  return t('ret.task.other');
}

function CarrierTasks() {
  const { t } = useI18n();
  const [tick, setTick] = useState(0);
  const { data, error } = useLoad(() => desk.carrierTasks(), [tick], () => 15_000);
  return (
    <section className="card" aria-labelledby="ret-tasks">
      <h2 id="ret-tasks">{t('ret.tasks')}</h2>
      <p className="muted">{t('ret.tasks.lead')}</p>
      {error ? <Notice tone="error">{errorText(t, error)}</Notice> : null}
      {data && data.tasks.length === 0 && <Empty title={t('ret.tasks.empty')} />}
      {data && data.tasks.length > 0 && (
        <div className="table-wrap">
          <table className="table">
            <thead><tr><th scope="col">{t('tickets.when')}</th><th scope="col">{t('tickets.order')}</th><th scope="col">{t('ret.task.kind')}</th><th scope="col"><span className="sr-only">{t('queue.actions')}</span></th></tr></thead>
            <tbody>
              {data.tasks.map((k) => (
                <tr key={k.id}>
                  <td>{dateTime(k.createdAt)}</td>
                  <td>{k.orderId}</td>
                  <td>{taskText(t, k.kind)}</td>
                  <td><Resolve id={k.id} orderId={k.orderId} onDone={() => setTick((n) => n + 1)} /></td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
    </section>
  );
}

function Resolve({ id, orderId, onDone }: { id: number; orderId: string; onDone: () => void }) {
  const { t } = useI18n();
  const [resolution, setResolution] = useState<'follow_carrier' | 'keep_ours' | null>(null);
  const [note, setNote] = useState('');
  const [missing, setMissing] = useState<string | null>(null);
  return (
    <ConfirmAction variant="secondary" label={<RowLabel short={t('ret.resolveShort')} full={t('ret.resolve', { order: orderId })} />} title={t('ret.resolve.title')} confirmLabel={t('ret.resolve.confirm')}
      act={async (key) => {
        if (!resolution) {
          setMissing(t('ret.resolve.choose'));
          return false;
        }
        if (note.trim().length < 2) {
          setMissing(t('ret.resolve.noteMissing'));
          return false;
        }
        setMissing(null);
        const r = await desk.resolveTask(id, resolution, note.trim(), key);
        onDone();
        return r ?? true;
      }}>
      <ChoiceGroup legend={t('ret.resolve.how')} name={`resolve-${id}`} value={resolution} onChange={setResolution}
        options={[{ value: 'follow_carrier', label: t('ret.resolve.follow_carrier') }, { value: 'keep_ours', label: t('ret.resolve.keep_ours') }]} />
      <TextArea label={t('ret.resolve.note')} value={note} maxLength={500} error={missing} onChange={(e) => setNote(e.target.value)} />
    </ConfirmAction>
  );
}
