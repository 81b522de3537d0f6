// The words customers receive. Every notice of a new order says where the cancel entry is (the brief).
const yuan = (fen: unknown) => (typeof fen === 'number' ? (fen / 100).toFixed(2) : '');
const shanghaiTime = (ms: unknown) =>
  typeof ms === 'number' ? new Date(ms + 8 * 3_600_000).toISOString().slice(5, 16).replace('T', ' ') : '';

export function renderNotification(template: string, d: Record<string, unknown>): { title: string; body: string } {
  switch (template) {
    case 'order_placed':
      return {
        title: '订单已提交，请在倒计时内支付',
        body: `订单 ${d.orderId}（号码 ${d.number}）待支付 ¥${yuan(d.amountFen)}，请在 ${shanghaiTime(d.paymentDeadline)} 前完成支付，逾期自动关闭。不想要了？在「我的订单」打开该订单，页面上的「取消订单」即可一键取消。`,
      };
    case 'payment_reminder':
      return { title: '支付即将超时', body: `订单 ${d.orderId} 将于 ${shanghaiTime(d.paymentDeadline)} 关闭，如需保留号码请尽快支付；不需要可在订单页直接取消。` };
    case 'order_paid':
      return { title: '支付成功', body: `订单 ${d.orderId} 已支付 ¥${yuan(d.amountFen)}，我们会尽快为您发货。发货前如需取消，可在订单页提交取消申请。` };
    case 'order_cancelled':
      return { title: '订单已取消', body: `订单 ${d.orderId} 已按您的要求取消，号码 ${d.number} 已释放，未产生任何费用。` };
    case 'order_closed_unpaid':
      return { title: '订单已超时关闭', body: `订单 ${d.orderId} 未在支付时限内付款，已自动关闭，号码 ${d.number} 已释放。` };
    case 'late_payment_refunded':
      return { title: '款项将原路退回', body: `订单 ${d.orderId} 关闭后才收到您的付款 ¥${yuan(d.amountFen)}，该笔款项将原路退回。` };
    case 'sign_in_code':
      return { title: '登录验证码', body: `您的验证码是 ${d.code}，5 分钟内有效。请勿告诉他人。` };
    default:
      return { title: template, body: JSON.stringify(d) };
  }
}
