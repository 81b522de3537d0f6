// An order placed with a supplier, as the supplier reports it: each step (received, review, waiting to ship, shipped
// with the waybill, activated with the number and ICCID), the first top-up the plan asks for, and a rejection in the
// supplier's words. Followed while the supplier works; a report that moves the order refreshes the page above.
import { useEffect, useRef } from 'react';
import type { Order } from '../../../api.ts';
import { isSupplierPlan, suppliersApi, type SupplierOrderView, type SupplierState } from '../../../api-suppliers.ts';
import { useLoad } from '../../../hooks.ts';
import { useI18n } from '../../../i18n/index.ts';
import { dateTime, spacedNumber, yuan } from '../../../format.ts';
import { Notice } from '../../../ui/notice.tsx';

const STEPS = ['submitted', 'reviewing', 'awaiting_shipment', 'shipped', 'activated'] as const;
const STEP_OF: Record<SupplierState, number> = {
  submitted: 0, reviewing: 1, photos_needed: 1, awaiting_shipment: 2, shipped: 3, activated: 4, first_top_up: 4, rejected: -1, cancelled: -1,
};

/** While the supplier works the page asks every few seconds; once activated, only a first top-up still to come. */
function pollMs(v: SupplierOrderView | undefined, order: Order): number | null {
  if (!v || order.state === 'pending_payment' || order.state === 'cancelled') return null;
  const s = v.supplierState;
  if (s === 'rejected' || s === 'cancelled' || s === 'first_top_up') return null;
  if (s === 'activated') return v.firstTopUp.required && v.firstTopUp.paidFen === null ? 30_000 : null;
  return 4000;
}

export function SupplierSection({ order, version, onMove }: { order: Order; version: string; onMove: () => void }) {
  const fromSupplier = isSupplierPlan(order.plan.id);
  const { t } = useI18n();
  const { data } = useLoad(() => (fromSupplier ? suppliersApi.orderAtSupplier(order.id) : Promise.resolve(undefined)), [order.id, version], (v) => pollMs(v, order));
  // A report that moved the order (shipped, activated, rejected) is shown above as well.
  const moved = data !== undefined && data.orderState !== order.state;
  const onMoveRef = useRef(onMove);
  onMoveRef.current = onMove;
  useEffect(() => {
    if (moved) onMoveRef.current();
  }, [moved]);
  if (!fromSupplier || !data) return null;

  const s = data.supplierState;
  const at = s === null ? -1 : STEP_OF[s];
  const topUp = data.firstTopUp.required;
  return (
    <section className="card supplier-progress" aria-labelledby="supplier-title">
      <h2 id="supplier-title">{t('supplierOrder.title')}</h2>
      {s === null && <p className="muted">{t(order.state === 'pending_payment' ? 'supplierOrder.afterPayment' : 'supplierOrder.sending')}</p>}
      {(s === 'rejected' || s === 'cancelled') && <Notice tone="warning" title={t(`supplierOrder.state.${s}`)}>{data.reason ?? ''}</Notice>}
      {at >= 0 && (
        <ol className="steps" aria-label={t('supplierOrder.steps')}>
          {STEPS.map((step, i) => (
            <li key={step} className={i === at ? 'step-on' : i < at ? 'step-done' : ''} aria-current={i === at ? 'step' : undefined}>{t(`supplierOrder.state.${step}`)}</li>
          ))}
        </ol>
      )}
      {s === 'photos_needed' && <Notice tone="info">{t('supplierOrder.photos')}</Notice>}
      <dl className="facts">
        {data.supplierOrderId && <div><dt>{t('supplierOrder.no')}</dt><dd>{data.supplierOrderId}</dd></div>}
        {data.waybill && <div><dt>{t('tracking.number')}</dt><dd data-testid="supplier-waybill">{data.waybill}</dd></div>}
        {data.producedNumber && <div><dt>{t('supplierOrder.number')}</dt><dd>{spacedNumber(data.producedNumber)}</dd></div>}
        {data.iccid && <div><dt>ICCID</dt><dd data-testid="supplier-iccid">{data.iccid}</dd></div>}
        {data.activatedAt && <div><dt>{t('supplierOrder.activatedAt')}</dt><dd>{dateTime(data.activatedAt)}</dd></div>}
        {topUp && (
          <div><dt>{t('supplierOrder.topUp')}</dt><dd>{data.firstTopUp.paidFen !== null && data.firstTopUp.paidAt !== null
            ? t('supplierOrder.topUpDone', { amount: yuan(data.firstTopUp.paidFen), time: dateTime(data.firstTopUp.paidAt) })
            : t('supplierOrder.topUpDue', { amount: yuan(topUp.amountFen), days: topUp.withinDays })}</dd></div>
        )}
      </dl>
    </section>
  );
}
