// The parcel on its way: the courier's scans, newest first, in Beijing time, with the tracking number and courier.
import { api, type Order } from '../../../api.ts';
import { useLoad } from '../../../hooks.ts';
import { errorText, isKey, useI18n } from '../../../i18n/index.ts';
import { dateTime } from '../../../format.ts';
import { Badge, type Tone } from '../../../ui/badge.tsx';
import { Empty, Notice } from '../../../ui/notice.tsx';

/** Couriers are told apart by their waybill prefix, as parcel-tracking apps do. */
const COURIER_BY_PREFIX: [string, 'courier.yto'][] = [['YT', 'courier.yto']];
const TONE: Record<string, Tone> = { delivered: 'green', returned_to_sender: 'amber', interception_accepted: 'amber', interception_refused: 'red' };

/** Scans keep coming while the parcel moves; once delivered (or back at the warehouse) the list is final. */
const moving = (state: string) => state === 'shipped';

export function TrackingSection({ order, version }: { order: Order; version: string }) {
  const { t } = useI18n();
  const { data, error } = useLoad(() => api.tracking(order.id), [order.id, version], (d) => (d && moving(d.state) ? 10_000 : null));
  if (!order.trackingNo && !data?.trackingNo) return null;
  const trackingNo = data?.trackingNo ?? order.trackingNo ?? '';
  const courier = COURIER_BY_PREFIX.find(([p]) => trackingNo.startsWith(p))?.[1];
  // The server lists scans in the order they happened; the customer reads the latest first.
  const events = data ? [...data.events].sort((a, b) => b.at - a.at) : [];
  return (
    <section className="card tracking" aria-labelledby="tracking-title">
      <h2 id="tracking-title">{t('tracking.title')}</h2>
      <dl className="facts">
        <div><dt>{t('tracking.courier')}</dt><dd>{courier ? t(courier) : t('tracking.courier.unknown')}</dd></div>
        <div><dt>{t('tracking.number')}</dt><dd data-testid="tracking-number">{trackingNo}</dd></div>
        {data?.deliveredAt && <div><dt>{t('tracking.deliveredAt')}</dt><dd>{dateTime(data.deliveredAt)}</dd></div>}
      </dl>
      {error ? <Notice tone="error">{errorText(t, error)}</Notice> : null}
      {data && events.length === 0 && <Empty title={t('tracking.none')} />}
      {events.length > 0 && (
        <ol className="timeline tracking-events" aria-label={t('tracking.events')}>
          {events.map((e, i) => {
            const k = `tracking.kind.${e.kind}`;
            return (
              <li key={`${e.kind}-${e.at}-${i}`} className={i === 0 ? 'latest' : ''}>
                <p className="timeline-head">
                  <strong>{isKey(k) ? t(k) : e.text}</strong>
                  {i === 0 && <Badge tone={TONE[e.kind] ?? 'blue'}>{t('tracking.latest')}</Badge>}
                </p>
                <p className="muted"><time dateTime={new Date(e.at).toISOString()}>{dateTime(e.at)}</time>{e.detail ? ` · ${e.detail}` : ''}</p>
              </li>
            );
          })}
        </ol>
      )}
    </section>
  );
}
