// The words customers receive. Every notice of a new order says where the cancel entry is (the brief).
const yuan = (fen: unknown) => (typeof fen === 'number' ? (fen / 100).toFixed(2) : '');
const shanghaiTime = (ms: unknown) =>
  typeof ms === 'number' ? new Date(ms + 8 * 3_600_000).toISOString().slice(5, 16).replace('T', ' ') : '';

const CHANNEL_NAMES: Record<string, string> = { alipay: '支付宝', wechat: '微信支付', bank: '银行卡' };
const channelName = (c: unknown) => CHANNEL_NAMES[String(c)] ?? '原支付账户';
const monthDay = (date: unknown) => (typeof date === 'string' && /^\d{4}-\d{2}-\d{2}$/.test(date) ? `${Number(date.slice(5, 7))}月${Number(date.slice(8, 10))}日` : '');
/** Expected arrival as the customer reads it: a date range on the mainland calendar, or today for express. */
const arrival = (d: Record<string, unknown>) =>
  d.express ? '预计今天到账' : d.etaEarliest === d.etaLatest ? `预计 ${monthDay(d.etaLatest)} 前到账` : `预计 ${monthDay(d.etaEarliest)} 至 ${monthDay(d.etaLatest)} 到账（遇法定节假日顺延）`;
const deduction = (d: Record<string, unknown>) => {
  const parts = [typeof d.feeFen === 'number' && d.feeFen > 0 ? `手续费 ¥${yuan(d.feeFen)}` : '', typeof d.penaltyFen === 'number' && d.penaltyFen > 0 ? `违约金 ¥${yuan(d.penaltyFen)}` : ''].filter(Boolean);
  return parts.length ? `已扣除${parts.join('、')}。` : '';
};

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
      return { title: '款项将原路退回', body: `订单 ${d.orderId} 关闭后才收到您的付款 ¥${yuan(d.amountFen)}，该笔款项将原路退回${channelName(d.channel)}，${arrival(d)}。` };
    case 'refund_started':
      return {
        title: d.express ? '极速退款已发起' : '退款已发起',
        body: `订单 ${d.orderId} 的退款 ¥${yuan(d.amountFen)} 已发起，将原路退回${channelName(d.channel)}，${arrival(d)}。${deduction(d)}退款单号 ${d.refundNo}，可在订单页查看进度。`,
      };
    case 'refund_arrived':
      return { title: '退款已到账', body: `订单 ${d.orderId} 的退款 ¥${yuan(d.amountFen)} 已退回您的${channelName(d.channel)}，请注意查收。退款单号 ${d.refundNo}。` };
    case 'refund_failed':
      return {
        title: '退款未成功，我们会重新发起',
        body: `订单 ${d.orderId} 的退款 ¥${yuan(d.amountFen)} 未能退回${channelName(d.channel)}（${d.error}）。您无需重新申请：客服将在 1 个工作日内联系您核实收款账户并重新发起退款，进度可在订单页查看。`,
      };
    case 'cancellation_requested':
      return {
        title: '取消申请已提交',
        body: `订单 ${d.orderId} 的取消申请已收到（申请号 ${d.requestId}），客服将在 ${shanghaiTime(d.dueAt)} 前审核${d.packing ? '，通过后立即通知仓库拦截发货' : ''}。请在订单页完成身份核验（下单时的身份证号），以免耽误审核。`,
      };
    case 'cancellation_express':
      return { title: '订单已取消，极速退款', body: `订单 ${d.orderId} 符合极速退款条件，已为您取消，¥${yuan(d.amountFen)} 原路退回${channelName(d.channel)}。号码释放后取消完成。` };
    case 'cancellation_approved':
      return { title: '取消申请已通过', body: `订单 ${d.orderId} 的取消申请已通过，订单已取消：¥${yuan(d.amountFen)} 将原路退回${channelName(d.channel)}，号码正在运营商处释放。` };
    case 'cancellation_intercepting':
      return { title: '取消申请已通过，正在拦截', body: `订单 ${d.orderId} 的取消申请已通过，我们已通知仓库拦截发货，拦截成功后立即退款。` };
    case 'cancellation_rejected':
      return { title: '取消申请未通过', body: `订单 ${d.orderId} 的取消申请未通过，原因：${d.reason}。如有疑问可在订单页联系客服，或重新提交申请。` };
    case 'cancellation_withdrawn':
      return { title: '取消申请已撤回', body: `您已撤回订单 ${d.orderId} 的取消申请，订单将继续处理发货。` };
    case 'cancellation_completed':
      return { title: '订单取消完成', body: `订单 ${d.orderId} 已取消完成：号码 ${d.number} 已在运营商处释放，退款 ¥${yuan(d.amountFen)} 已到账。` };
    case 'interception_refused':
      return {
        title: '包裹已发出，无法拦截',
        body: `订单 ${d.orderId} 的包裹已从仓库发出${d.trackingNo ? `（运单号 ${d.trackingNo}）` : ''}，无法在仓库拦截。您可以在订单页申请快递拦截；若已签收，可在激活有效期内申请未激活退货，退款不受影响。`,
      };
    case 'review_sla_warning':
      return { title: '取消申请即将超时', body: `订单 ${d.orderId} 的取消申请 ${d.requestId}（${d.queue === 'priority' ? '绿色通道' : '普通队列'}）已用去 80% 审核时限，将于 ${shanghaiTime(d.dueAt)} 超时，请尽快处理。` };
    case 'review_sla_breach':
      return { title: '取消申请已超时', body: `订单 ${d.orderId} 的取消申请 ${d.requestId}（${d.queue === 'priority' ? '绿色通道' : '普通队列'}）已超过审核时限（${shanghaiTime(d.dueAt)}），请立即处理或改派。` };
    case 'order_shipped':
      return { title: '订单已发货', body: `订单 ${d.orderId} 已交给快递，运单号 ${d.trackingNo}，可在订单页查看物流。如需取消，可在订单页申请快递拦截。` };
    case 'order_delivered':
      return { title: '包裹已签收', body: `订单 ${d.orderId} 已签收。插卡后按提示完成实名激活；如不需要，可在激活有效期内申请未激活退货。` };
    case 'line_activated':
      return { title: '号卡已激活', body: `号码 ${d.number} 已激活，欢迎使用。激活后订单不可取消，如需停用可申请销户。` };
    case 'real_name_failed':
      return { title: '实名认证未通过', body: `号码 ${d.number} 的实名认证未通过（${d.detail ?? '资料不符'}），请按提示重新认证；号卡尚未激活。` };
    case 'trial_unsubscribed':
      return { title: '已退订', body: `订单 ${d.orderId} 已在试用期内免费退订，号码 ${d.number} 将由运营商回收${typeof d.amountFen === 'number' && d.amountFen > 0 ? `，¥${yuan(d.amountFen)} 原路退回` : ''}。` };
    case 'closure_requested':
      return d.awaitingPenalty
        ? { title: '销户申请待支付违约金', body: `订单 ${d.orderId} 的销户申请已提交（${d.closureId}），请支付违约金 ¥${yuan(d.penaltyFen)}，支付后客服将与运营商办理。` }
        : { title: '销户申请已提交', body: `订单 ${d.orderId} 的销户申请已提交（${d.closureId}），违约金 ¥${yuan(d.penaltyFen)}。客服将与运营商办理，完成后通知您。` };
    case 'closure_penalty_paid':
      return { title: '违约金已支付', body: `销户申请 ${d.closureId} 的违约金 ¥${yuan(d.penaltyFen)} 已收到，客服将与运营商办理销户，完成后通知您。` };
    case 'closure_withdrawn':
    case 'closure_refused':
      return {
        title: template === 'closure_withdrawn' ? '销户申请已撤回' : '销户申请未通过',
        body: `销户申请 ${d.closureId} ${template === 'closure_withdrawn' ? '已撤回' : `未通过：${String(d.reason)}`}，号码继续使用。${d.penaltyRefunded ? `已支付的违约金 ¥${yuan(d.penaltyFen)} 将原路退回。` : ''}`,
      };
    case 'account_closed':
      return { title: '销户完成', body: `号码 ${d.number} 已销户，号码将由运营商回收。${typeof d.penaltyFen === 'number' && d.penaltyFen > 0 ? `违约金 ¥${yuan(d.penaltyFen)}。` : ''}` };
    case 'return_instructions':
      return { title: '退货申请已受理', body: `订单 ${d.orderId} 的未激活退货（${d.returnId}）已受理。请将号卡、写有订单号的纸条和身份证复印件寄至：${d.address}，并在订单页填写退货运单号；${shanghaiTime(d.closesAt)} 前未收到将关闭退货。` };
    case 'return_follow_up':
      return { title: '还没有收到您的退货', body: `订单 ${d.orderId} 的退货 ${d.returnId} 尚未到仓${d.trackingNo ? `（运单号 ${d.trackingNo}）` : '，请尽快寄出并填写运单号'}。` };
    case 'return_closed':
      return { title: '退货已关闭', body: `订单 ${d.orderId} 的退货 ${d.returnId} 超时未收到，已关闭。如已寄出，请联系客服。` };
    case 'return_refund_due':
      return { title: '验卡通过，退款已发起', body: `订单 ${d.orderId} 的退货验卡通过，¥${yuan(d.amountFen)} 将原路退回，预计 ${monthDay(d.refundEarliest)} 至 ${monthDay(d.refundLatest)} 到账。` };
    case 'return_passed':
      return { title: '退回的号卡已入库', body: `订单 ${d.orderId} 退回的号卡已验收入库，号码将在运营商处释放。` };
    case 'return_refused':
      return { title: '验卡未通过', body: `订单 ${d.orderId} 的退货验卡未通过，原因：${d.reason}。号卡将寄回给您。` };
    case 'sign_in_code':
      return { title: '登录验证码', body: `您的验证码是 ${d.code}，5 分钟内有效。请勿告诉他人。` };
    case 'supplier_rejected':
      return { title: '订单未通过审核，已取消', body: `订单 ${d.orderId}（号码 ${d.number}）未通过运营商审核：${d.reason}。${typeof d.amountFen === 'number' && d.amountFen > 0 ? `¥${yuan(d.amountFen)} 将原路退回${channelName(d.channel)}。` : '未产生任何费用。'}${d.advice}` };
    default:
      return { title: template, body: JSON.stringify(d) };
  }
}
