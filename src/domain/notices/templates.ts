// Every notice Haoka sends a customer, as the text-message template an operator registers with the SMS provider
// (mainland templates are approved there before use). Each has our name, its parameters in order, and the zh-CN
// text with `${param}` placeholders (Aliyun's form; Tencent Cloud numbers them {1}, {2} ... in the same order).
// `of` turns a notice's data into the parameters' values. docs/PARTNERS.md lists the same table.
import { arrival, channelName, monthDay, shanghaiTime, text, yuan } from './format.ts';

type Data = Record<string, unknown>;

export interface NoticeTemplate {
  params: readonly string[];
  text: string;
  of(d: Data): Record<string, string>;
}

const t = (params: readonly string[], body: string, of: (d: Data) => Record<string, unknown>): NoticeTemplate => ({
  params, text: body,
  of: (d) => Object.fromEntries(params.map((p) => [p, text(of(d)[p])])),
});

const order = (d: Data) => ({ orderId: d.orderId });

export const NOTICE_TEMPLATES = {
  sign_in_code: t(['code'], '您的验证码是${code}，5分钟内有效。请勿告诉他人。', (d) => ({ code: d.code })),
  order_placed: t(['orderId', 'amount', 'deadline'], '您的订单${orderId}待支付${amount}元，请在${deadline}前完成支付，逾期自动关闭。不想要了？在「我的订单」打开该订单即可一键取消。',
    (d) => ({ ...order(d), amount: yuan(d.amountFen), deadline: shanghaiTime(d.paymentDeadline) })),
  payment_reminder: t(['orderId', 'deadline'], '您的订单${orderId}将于${deadline}关闭，如需保留号码请尽快支付；不需要可在订单页直接取消。',
    (d) => ({ ...order(d), deadline: shanghaiTime(d.paymentDeadline) })),
  order_paid: t(['orderId', 'amount'], '订单${orderId}已支付${amount}元，我们会尽快为您发货。发货前如需取消，可在订单页提交取消申请。',
    (d) => ({ ...order(d), amount: yuan(d.amountFen) })),
  order_cancelled: t(['orderId', 'number'], '订单${orderId}已按您的要求取消，号码${number}已释放，未产生任何费用。', (d) => ({ ...order(d), number: d.number })),
  order_closed_unpaid: t(['orderId', 'number'], '订单${orderId}未在支付时限内付款，已自动关闭，号码${number}已释放。', (d) => ({ ...order(d), number: d.number })),
  late_payment_refunded: t(['orderId', 'amount', 'channel', 'eta'], '订单${orderId}关闭后才收到您的付款${amount}元，该笔款项将原路退回${channel}，${eta}。',
    (d) => ({ ...order(d), amount: yuan(d.amountFen), channel: channelName(d.channel), eta: arrival(d) })),
  refund_started: t(['orderId', 'amount', 'channel', 'eta', 'refundNo'], '订单${orderId}的退款${amount}元已发起，将原路退回${channel}，${eta}。退款单号${refundNo}，可在订单页查看进度。',
    (d) => ({ ...order(d), amount: yuan(d.amountFen), channel: channelName(d.channel), eta: arrival(d), refundNo: d.refundNo })),
  refund_arrived: t(['orderId', 'amount', 'channel', 'refundNo'], '订单${orderId}的退款${amount}元已退回您的${channel}，请注意查收。退款单号${refundNo}。',
    (d) => ({ ...order(d), amount: yuan(d.amountFen), channel: channelName(d.channel), refundNo: d.refundNo })),
  refund_failed: t(['orderId', 'amount', 'channel'], '订单${orderId}的退款${amount}元未能退回${channel}。您无需重新申请，客服将在1个工作日内联系您核实收款账户并重新发起退款。',
    (d) => ({ ...order(d), amount: yuan(d.amountFen), channel: channelName(d.channel) })),
  cancellation_requested: t(['orderId', 'requestId', 'dueAt'], '订单${orderId}的取消申请已收到（申请号${requestId}），客服将在${dueAt}前审核。请在订单页完成身份核验，以免耽误审核。',
    (d) => ({ ...order(d), requestId: d.requestId, dueAt: shanghaiTime(d.dueAt) })),
  cancellation_express: t(['orderId', 'amount', 'channel'], '订单${orderId}符合极速退款条件，已为您取消，${amount}元原路退回${channel}。',
    (d) => ({ ...order(d), amount: yuan(d.amountFen), channel: channelName(d.channel) })),
  cancellation_approved: t(['orderId', 'amount', 'channel'], '订单${orderId}的取消申请已通过，${amount}元将原路退回${channel}，号码正在运营商处释放。',
    (d) => ({ ...order(d), amount: yuan(d.amountFen), channel: channelName(d.channel) })),
  cancellation_intercepting: t(['orderId'], '订单${orderId}的取消申请已通过，我们已通知仓库拦截发货，拦截成功后立即退款。', order),
  cancellation_rejected: t(['orderId', 'reason'], '订单${orderId}的取消申请未通过，原因：${reason}。如有疑问可在订单页联系客服。', (d) => ({ ...order(d), reason: d.reason })),
  cancellation_withdrawn: t(['orderId'], '您已撤回订单${orderId}的取消申请，订单将继续处理发货。', order),
  cancellation_completed: t(['orderId', 'number', 'amount'], '订单${orderId}已取消完成：号码${number}已在运营商处释放，退款${amount}元已到账。',
    (d) => ({ ...order(d), number: d.number, amount: yuan(d.amountFen) })),
  interception_refused: t(['orderId'], '订单${orderId}的包裹已从仓库发出，无法在仓库拦截。您可在订单页申请快递拦截；已签收的可在激活有效期内申请未激活退货。', order),
  order_shipped: t(['orderId', 'trackingNo'], '订单${orderId}已发货，运单号${trackingNo}，可在订单页查看物流。如需取消，可在订单页申请快递拦截。',
    (d) => ({ ...order(d), trackingNo: d.trackingNo })),
  order_delivered: t(['orderId'], '订单${orderId}已签收。插卡后按提示完成实名激活；如不需要，可在激活有效期内申请未激活退货。', order),
  line_activated: t(['number'], '号码${number}已激活，欢迎使用。激活后订单不可取消，如需停用可申请销户。', (d) => ({ number: d.number })),
  real_name_failed: t(['number', 'detail'], '号码${number}的实名认证未通过（${detail}），请按提示重新认证。', (d) => ({ number: d.number, detail: d.detail ?? '资料不符' })),
  trial_unsubscribed: t(['orderId', 'number'], '订单${orderId}已在试用期内免费退订，号码${number}将由运营商回收，已付款项原路退回。', (d) => ({ ...order(d), number: d.number })),
  closure_requested: t(['orderId', 'closureId', 'penalty'], '订单${orderId}的销户申请已提交（${closureId}），违约金${penalty}元。客服将与运营商办理，完成后通知您。',
    (d) => ({ ...order(d), closureId: d.closureId, penalty: yuan(d.penaltyFen) })),
  closure_penalty_paid: t(['closureId', 'penalty'], '销户申请${closureId}的违约金${penalty}元已收到，客服将与运营商办理销户，完成后通知您。',
    (d) => ({ closureId: d.closureId, penalty: yuan(d.penaltyFen) })),
  closure_withdrawn: t(['closureId'], '销户申请${closureId}已撤回，号码继续使用。', (d) => ({ closureId: d.closureId })),
  closure_refused: t(['closureId', 'reason'], '销户申请${closureId}未通过：${reason}，号码继续使用。', (d) => ({ closureId: d.closureId, reason: d.reason })),
  account_closed: t(['number'], '号码${number}已销户，号码将由运营商回收。', (d) => ({ number: d.number })),
  return_instructions: t(['orderId', 'returnId', 'address', 'closesAt'], '订单${orderId}的未激活退货（${returnId}）已受理。请将号卡、写有订单号的纸条和身份证复印件寄至${address}，并在订单页填写退货运单号；${closesAt}前未收到将关闭退货。',
    (d) => ({ ...order(d), returnId: d.returnId, address: d.address, closesAt: shanghaiTime(d.closesAt) })),
  return_follow_up: t(['orderId', 'returnId'], '订单${orderId}的退货${returnId}尚未到仓，请尽快寄出并在订单页填写运单号。', (d) => ({ ...order(d), returnId: d.returnId })),
  return_closed: t(['orderId', 'returnId'], '订单${orderId}的退货${returnId}超时未收到，已关闭。如已寄出，请联系客服。', (d) => ({ ...order(d), returnId: d.returnId })),
  return_refund_due: t(['orderId', 'amount', 'from', 'to'], '订单${orderId}的退货验卡通过，${amount}元将原路退回，预计${from}至${to}到账。',
    (d) => ({ ...order(d), amount: yuan(d.amountFen), from: monthDay(d.refundEarliest), to: monthDay(d.refundLatest) })),
  return_passed: t(['orderId'], '订单${orderId}退回的号卡已验收入库，号码将在运营商处释放。', order),
  return_refused: t(['orderId', 'reason'], '订单${orderId}的退货验卡未通过，原因：${reason}。号卡将寄回给您。', (d) => ({ ...order(d), reason: d.reason })),
  supplier_rejected: t(['orderId', 'number', 'reason', 'refund', 'advice'], '订单${orderId}（号码${number}）未通过运营商审核：${reason}，订单已取消，${refund}。${advice}',
    (d) => ({ ...order(d), number: d.number, reason: d.reason, advice: d.advice,
      refund: typeof d.amountFen === 'number' && d.amountFen > 0 ? `${yuan(d.amountFen)}元将原路退回${channelName(d.channel)}` : '未产生任何费用' })),
} as const satisfies Record<string, NoticeTemplate>;

export type NoticeTemplateName = keyof typeof NOTICE_TEMPLATES;

export const NOTICE_TEMPLATE_NAMES = Object.keys(NOTICE_TEMPLATES) as NoticeTemplateName[];

export const isNoticeTemplate = (name: string): name is NoticeTemplateName => Object.hasOwn(NOTICE_TEMPLATES, name);

/** The text a phone shows for a template and its values (`${name}` placeholders, as Aliyun writes them). */
export function renderTemplate(body: string, values: Record<string, string>): string {
  return body.replace(/\$\{(\w+)\}/g, (_, k: string) => values[k] ?? '');
}

/** The same template in Tencent Cloud's form: placeholders numbered {1}, {2} ... in the order of `params`. */
export function numberedText(tpl: Pick<NoticeTemplate, 'params' | 'text'>): string {
  return tpl.text.replace(/\$\{(\w+)\}/g, (_, k: string) => `{${tpl.params.indexOf(k) + 1}}`);
}

/** Tencent Cloud's rendering: {n} is the n-th value. */
export function renderNumbered(body: string, values: readonly string[]): string {
  return body.replace(/\{(\d+)\}/g, (_, n: string) => values[Number(n) - 1] ?? '');
}
