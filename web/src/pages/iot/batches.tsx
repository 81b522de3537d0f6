// Batches: the list, and a new batch order (1-10,000 cards of one plan, one payment).
import { useState, type FormEvent } from 'react';
import { Link, navigate } from '../../router.tsx';
import { useAction, useLoad } from '../../hooks.ts';
import { yuan, dateTime, dataSize } from '../../format.ts';
import { Button } from '../../ui/button.tsx';
import { TextField } from '../../ui/field.tsx';
import { Loading, Notice } from '../../ui/notice.tsx';
import { iotApi, useIotSession, type Batch } from './api.ts';
import { useIotT, type IotKey } from './i18n.ts';

const METHODS: Batch['paymentMethod'][] = ['alipay', 'wechat', 'bank', 'bank_transfer'];

export function BatchesPage() {
  const { t, error } = useIotT();
  const me = useIotSession();
  const batches = useLoad(() => iotApi.batches(), []);
  const plans = useLoad(() => iotApi.plans(), []);
  const [planId, setPlanId] = useState('');
  const [quantity, setQuantity] = useState('50');
  const [method, setMethod] = useState<Batch['paymentMethod']>('alipay');
  const order = useAction();
  const submit = (e: FormEvent) => {
    e.preventDefault();
    void order.run(async (key) => {
      const b = await iotApi.order({ planId: planId || plans.data![0]!.id, quantity: Number(quantity), paymentMethod: method }, key);
      navigate(`/iot/batches/${b.id}`);
    });
  };
  return (
    <>
      <h1>{t('batches.title')}</h1>
      {me?.staff.role === 'buyer' && plans.data && (
        <form className="card" onSubmit={submit}>
          <h2>{t('batches.order')}</h2>
          {order.error !== null && <Notice tone="error">{error(order.error)}</Notice>}
          <div className="field">
            <label htmlFor="iot-plan">{t('batches.plan')}</label>
            <select id="iot-plan" value={planId || plans.data[0]?.id} onChange={(e) => setPlanId(e.target.value)}>
              {plans.data.map((p) => <option key={p.id} value={p.id}>{p.name} · {dataSize(p.quotaMb)} · {yuan(p.cardFeeFen)}</option>)}
            </select>
          </div>
          <TextField label={t('batches.quantity')} type="number" min={1} max={10000} value={quantity} onChange={(e) => setQuantity(e.target.value)} required />
          <div className="field">
            <label htmlFor="iot-method">{t('batches.method')}</label>
            <select id="iot-method" value={method} onChange={(e) => setMethod(e.target.value as Batch['paymentMethod'])}>
              {METHODS.map((m) => <option key={m} value={m}>{t(`method.${m}`)}</option>)}
            </select>
          </div>
          <Button type="submit" busy={order.busy}>{t('batches.order')}</Button>
        </form>
      )}
      {batches.error !== null && <Notice tone="error">{error(batches.error)}</Notice>}
      {!batches.data ? <Loading label={t('loading')} /> : batches.data.length === 0 ? <p>{t('batches.empty')}</p> : (
        <table className="table">
          <thead><tr><th>ID</th><th>{t('batches.plan')}</th><th>{t('batches.quantity')}</th><th>{t('batches.amount')}</th><th>{t('col.state')}</th><th /></tr></thead>
          <tbody>
            {batches.data.map((b) => (
              <tr key={b.id}>
                <td>{b.id}<br /><small>{dateTime(b.createdAt)}</small></td>
                <td>{plans.data?.find((p) => p.id === b.planId)?.name ?? b.planId}</td>
                <td>{b.quantity}</td>
                <td>{yuan(b.amountFen)}{b.discountPercent > 0 && <><br /><small>{t('batches.discount', { n: b.discountPercent })}</small></>}</td>
                <td>{t(`state.${b.state}` as IotKey)}</td>
                <td><Link to={`/iot/batches/${b.id}`}>{t('batches.open')}</Link></td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </>
  );
}
