// The IoT capability's outbox topics. Each handler is safe to run twice for the same row: it sends the partner the
// same idempotency key (refund number, interception number, closure number) and records what came back once.
import type { PaymentChannel } from '../../domain/order.ts';
import { iotRepos } from '../../adapters/store/iot/index.ts';
import type { OutboxRow } from '../../adapters/store/queue-repo.ts';
import type { Deps } from '../platform/deps.ts';
import { runIotJob } from './jobs.ts';
import { cardEvent, IOT_SYSTEM } from './trail.ts';

type Handler = (deps: Deps, row: OutboxRow, payload: Record<string, unknown>) => Promise<void>;

const runJob: Handler = async (deps, _row, p) => {
  await runIotJob(deps, p.jobId as string);
};

/** A card's refund to the channel the batch paid through (原路退回), under the card's refund number. */
const sendRefund: Handler = async (deps, _row, p) => {
  const iot = iotRepos(deps.store);
  const refund = await iot.jobs.getRefund(p.refundId as string);
  if (!refund || (refund.state !== 'pending' && refund.state !== 'processing')) return;
  const port = deps.payments[refund.channel as PaymentChannel];
  const answer = await port.refund({ refundNo: refund.id, paymentNo: refund.payment_id, amountFen: refund.amount_fen, reason: `物联卡批量取消 ${refund.card_id}` });
  const now = deps.clock.now();
  switch (answer.status) {
    case 'succeeded':
      await deps.store.tx(async (r) => {
        if (await iotRepos(r).jobs.setRefund(refund.id, ['pending', 'processing'], { state: 'succeeded', channel_refund_no: answer.channelRefundNo }, now)) {
          await iotRepos(r).cards.insertEvents([cardEvent(refund.card_id, 'card.refunded', 'cancelled', 'cancelled', IOT_SYSTEM, now, `refund ${refund.id}: ${refund.amount_fen} fen arrived at ${refund.channel}`)]);
        }
      });
      return;
    case 'processing':
      await iot.jobs.setRefund(refund.id, ['pending'], { state: 'processing', channel_refund_no: answer.channelRefundNo }, now);
      // Asked again with the same number until the channel says how it ended.
      throw new Error(`refund ${refund.id} is processing at ${refund.channel}`);
    case 'unknown':
      throw new Error(`refund ${refund.id}: no clear answer (${answer.error}); asked again under the same number`);
    case 'failed':
      if (answer.retryable) throw new Error(`refund ${refund.id}: channel busy (${answer.error})`);
      await iot.jobs.setRefund(refund.id, ['pending', 'processing'], { state: 'failed', last_error: answer.error }, now);
      deps.log.warn({ refundId: refund.id, cardId: refund.card_id, error: answer.error }, 'IoT card refund refused by the channel');
  }
};

/** 快递拦截 of a parcel of cards: one interception number per parcel and cancellation. */
const intercept: Handler = async (deps, _row, p) => {
  const answer = await deps.courier.intercept({ interceptNo: p.interceptNo as string, trackingNo: p.trackingNo as string });
  if (answer.status === 'failed') throw new Error(`interception of ${p.trackingNo as string} not received: ${answer.error}`);
};

const closeLine: Handler = async (deps, _row, p) => {
  const carrier = deps.iotCarrier;
  if (!carrier) throw new Error('no IoT carrier platform configured');
  const [card] = await iotRepos(deps.store).cards.getCards([p.cardId as string]);
  if (!card) return;
  const answer = await carrier.closeLine({ closeNo: p.closeNo as string, iccid: card.iccid, msisdn: card.msisdn });
  if (answer.status === 'failed') throw new Error(`closure of ${card.msisdn} at the carrier failed: ${answer.error}`);
};

/** A pool reached 80 % or 100 % of its quota: the business's contact is told by text message and in the console. */
const poolAlert: Handler = async (deps, row, p) => {
  const business = await iotRepos(deps.store).accounts.getBusiness(p.businessId as string);
  if (!business) return;
  const title = `流量池用量提醒：已用 ${p.level as number}%`;
  const body = `您的流量池「${p.poolName as string}」本月已使用 ${p.usedMb as number} MB，额度 ${p.quotaMb as number} MB（${p.level as number}%）。${p.level === 100 ? (p.overQuota === 'stop' ? '已按设置停止上网。' : '超出部分按每 GB 计费。') : ''}`;
  await deps.notifier.send({ key: `outbox:${row.id}:sms`, channel: 'sms', customerId: business.id, phone: business.contact_phone, orderId: null, template: 'iot_pool_alert', title, body });
};

/** A cancelled unpaid batch's open trades are closed at the channel; one already paid is refunded by its notice. */
const closePayment: Handler = async (deps, _row, p) => {
  for (const payment of await iotRepos(deps.store).cards.paymentsOf(p.batchId as string)) {
    if (payment.state !== 'created') continue;
    const answer = await deps.payments[payment.channel as PaymentChannel].closePayment(payment.id);
    if (answer.status === 'refused') {
      deps.log.info({ paymentNo: payment.id, error: answer.error }, 'IoT batch trade not closed: paid meanwhile; its notice refunds it');
      continue;
    }
    await iotRepos(deps.store).cards.setPaymentState(payment.id, 'created', 'closed');
  }
};

const NOTICES: Record<string, { title: string; body: (p: Record<string, unknown>) => string }> = {
  iot_activation_done: { title: '批量激活已完成', body: (p) => `批量激活任务 ${p.jobId as string} 已处理完毕，请在企业控制台查看每张卡的结果。` },
  iot_cancellation_done: { title: '批量取消已完成', body: (p) => `批量取消 ${p.jobId as string} 已处理完毕：退款按每张卡原路退回，请在企业控制台查看每张卡的结果。` },
  iot_cancellation_rejected: { title: '批量取消未通过审核', body: (p) => `批量取消 ${p.jobId as string} 未通过审核：${p.note as string}。卡片保持不变。` },
};

/** A job finished or a cancellation refused: the business's contact is told by text message. */
const notifyBusiness: Handler = async (deps, row, p) => {
  const business = await iotRepos(deps.store).accounts.getBusiness(p.businessId as string);
  const notice = NOTICES[p.template as string];
  if (!business || !notice) return;
  await deps.notifier.send({ key: `outbox:${row.id}:sms`, channel: 'sms', customerId: business.id, phone: business.contact_phone, orderId: null, template: p.template as string, title: notice.title, body: notice.body(p) });
};

export const IOT_OUTBOX_HANDLERS: Record<string, Handler> = {
  iot_job: runJob,
  iot_refund: sendRefund,
  iot_intercept: intercept,
  iot_close_line: closeLine,
  iot_pool_alert: poolAlert,
  iot_close_payment: closePayment,
  iot_notify: notifyBusiness,
};
