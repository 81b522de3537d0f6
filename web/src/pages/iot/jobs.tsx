// Jobs and cancellations with their progress (percentage, done, failed), polled while they run, and each card's outcome.
import { Link } from '../../router.tsx';
import { useLoad } from '../../hooks.ts';
import { yuan, dateTime } from '../../format.ts';
import { Loading, Notice } from '../../ui/notice.tsx';
import { iotApi } from './api.ts';
import { useIotT, type IotKey } from './i18n.ts';

const running = (state: string | undefined) => state === 'running' || state === 'awaiting_review';

function Progress({ done, failed, total, percent }: { done: number; failed: number; total: number; percent: number }) {
  const { t } = useIotT();
  return (
    <div>
      <progress max={100} value={percent} aria-label={`${percent}%`} style={{ width: '100%' }} />
      <p>{t('job.progress', { done, failed, total, percent })}</p>
    </div>
  );
}

export function JobsPage() {
  const { t, error } = useIotT();
  const jobs = useLoad(() => iotApi.jobs(), [], (d) => (d?.some((j) => running(j.state)) ? 2000 : null));
  if (jobs.error !== null) return <Notice tone="error">{error(jobs.error)}</Notice>;
  if (!jobs.data) return <Loading label={t('loading')} />;
  return (
    <>
      <h1>{t('nav.jobs')}</h1>
      {jobs.data.length === 0 ? <p>{t('jobs.empty')}</p> : (
        <ul className="list">
          {jobs.data.map((j) => (
            <li key={j.id}>
              <Link to={j.kind === 'cancellation' ? `/iot/cancellations/${j.id}` : `/iot/jobs/${j.id}`}>{t(`job.kind.${j.kind}`)} {j.id}</Link> · {t(`state.${j.state}` as IotKey)} · {dateTime(j.createdAt)}
              <Progress {...j} />
            </li>
          ))}
        </ul>
      )}
    </>
  );
}

export function JobPage({ id }: { id: string }) {
  const { t, error } = useIotT();
  const job = useLoad(() => iotApi.job(id), [id], (d) => (running(d?.state) ? 1000 : null));
  if (job.error !== null) return <Notice tone="error">{error(job.error)}</Notice>;
  if (!job.data) return <Loading label={t('loading')} />;
  const j = job.data;
  return (
    <>
      <h1>{t('job.title', { id: j.id })}</h1>
      <p>{t(`job.kind.${j.kind}`)} · {t(`state.${j.state}` as IotKey)}</p>
      <Progress {...j} />
      <table className="table">
        <thead><tr><th>{t('col.iccid')}</th><th>{t('col.outcome')}</th><th>{t('col.detail')}</th></tr></thead>
        <tbody>
          {j.items.map((i) => (
            <tr key={i.iccid}><td>{i.iccid}</td><td>{t(`job.outcome.${i.outcome ?? 'pending'}` as IotKey)}</td><td>{i.detail ?? ''}</td></tr>
          ))}
        </tbody>
      </table>
    </>
  );
}

export function CancellationsPage() {
  const { t, error } = useIotT();
  const list = useLoad(() => iotApi.cancellations(), [], (d) => (d?.some((c) => running(c.state)) ? 2000 : null));
  if (list.error !== null) return <Notice tone="error">{error(list.error)}</Notice>;
  if (!list.data) return <Loading label={t('loading')} />;
  return (
    <>
      <h1>{t('nav.cancellations')}</h1>
      {list.data.length === 0 ? <p>{t('cancellations.empty')}</p> : (
        <ul className="list">
          {list.data.map((c) => (
            <li key={c.id}>
              <Link to={`/iot/cancellations/${c.id}`}>{c.id}</Link> · {t(`state.${c.state}` as IotKey)} · {t('preview.cards', { n: c.cards })} · {t('preview.refund')} {yuan(c.refundFen)} · {t('preview.penalty')} {yuan(c.penaltyFen)}
              <Progress {...c.job} />
            </li>
          ))}
        </ul>
      )}
    </>
  );
}

export function CancellationPage({ id }: { id: string }) {
  const { t, error } = useIotT();
  const c = useLoad(() => iotApi.cancellation(id), [id], (d) => (running(d?.state) ? 1000 : null));
  if (c.error !== null) return <Notice tone="error">{error(c.error)}</Notice>;
  if (!c.data) return <Loading label={t('loading')} />;
  const x = c.data;
  return (
    <>
      <h1>{t('cancellation.title', { id: x.id })}</h1>
      <p>{t(`state.${x.state}` as IotKey)} · {t('preview.refund')} {yuan(x.refundFen)} · {t('preview.penalty')} {yuan(x.penaltyFen)}</p>
      <Progress {...x.job} />
      <table className="table">
        <thead><tr><th>{t('col.iccid')}</th><th>{t('col.route')}</th><th>{t('preview.refund')}</th><th>{t('preview.penalty')}</th><th>{t('col.outcome')}</th></tr></thead>
        <tbody>
          {(x.cardsListed ?? []).map((i) => (
            <tr key={i.iccid}><td>{i.iccid}</td><td>{t(`route.${i.route}` as IotKey)}</td><td>{yuan(i.refundFen)}</td><td>{yuan(i.penaltyFen)}</td><td>{t(`job.outcome.${i.outcome ?? 'pending'}` as IotKey)}</td></tr>
          ))}
        </tbody>
      </table>
      <h2>{t('cancellation.refunds')}</h2>
      <ul className="list">{(x.refunds ?? []).map((r) => <li key={r.refundNo}>{r.iccid} · {yuan(r.amountFen)} · {t(`refund.${r.state}` as IotKey)}</li>)}</ul>
    </>
  );
}
