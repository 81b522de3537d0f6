// The business console's words, in Chinese and English; the language is the one chosen for the whole site.
import { errorText, useI18n } from '../../i18n/index.ts';
import { ApiError } from '../../api.ts';

const zh = {
  'brand': '号卡 · 企业物联卡',
  'nav.batches': '批次', 'nav.jobs': '任务', 'nav.pools': '流量池', 'nav.cancellations': '批量取消', 'signOut': '退出',
  'signIn.title': '企业账号登录', 'signIn.username': '用户名', 'signIn.password': '密码', 'signIn.submit': '登录',
  'role.buyer': '采购', 'role.viewer': '查看',
  'batches.title': '批次', 'batches.empty': '还没有批次。', 'batches.order': '下单', 'batches.plan': '套餐', 'batches.quantity': '数量（1-10000 张）',
  'batches.method': '付款方式', 'method.alipay': '支付宝', 'method.wechat': '微信支付', 'method.bank': '网银', 'method.bank_transfer': '对公转账（平台确认）',
  'batches.amount': '金额', 'batches.discount': '批量优惠 {n}%', 'batches.pay': '去支付', 'batches.open': '查看',
  'batch.title': '批次 {id}', 'batch.csv': '下载 ICCID 与号码（CSV）', 'batch.filter': '按状态筛选', 'batch.all': '全部',
  'batch.activate': '激活本批已签收的卡', 'batch.activateChosen': '激活所选', 'batch.cancelChosen': '预览取消所选', 'batch.cancelAll': '预览取消整批',
  'batch.choose': '选择',
  'col.iccid': 'ICCID', 'col.msisdn': '号码', 'col.state': '状态', 'col.share': '分摊金额', 'col.pool': '流量池', 'col.parcel': '运单', 'col.route': '处理方式', 'col.outcome': '结果', 'col.detail': '说明',
  'state.pending_payment': '待支付', 'state.paid': '已支付未发货', 'state.packing': '打包待发货', 'state.shipped': '已发货', 'state.delivered': '已签收未激活',
  'state.activated': '已激活', 'state.cancelled': '已取消', 'state.account_closed': '已销户', 'state.running': '进行中', 'state.done': '已完成',
  'state.awaiting_review': '待客服审核', 'state.rejected': '已驳回',
  'route.release': '释放号码', 'route.refund': '取消并退款', 'route.intercept': '快递拦截', 'route.return': '未激活退货', 'route.close': '销户（违约金）', 'route.keep': '保持不变',
  'preview.title': '取消预览', 'preview.group': '{state} · {route}', 'preview.cards': '{n} 张', 'preview.refund': '退款', 'preview.penalty': '违约金',
  'preview.totals': '合计：{cards} 张卡，退款 {refund}（立即 {now}，退回后 {later}），违约金 {penalty}',
  'preview.review': '退款超过极速退款额度，确认后将由客服审核整批申请。', 'preview.pool': '流量池 {id}：额度 {before} → {after}，月费 {feeBefore} → {feeAfter}',
  'preview.busy': '{n} 张卡正在其他任务中，需等待完成。', 'preview.confirm': '确认取消', 'preview.close': '关闭',
  'job.title': '任务 {id}', 'job.progress': '已处理 {done} 张，失败 {failed} 张，共 {total} 张（{percent}%）', 'job.kind.activation': '批量激活', 'job.kind.cancellation': '批量取消',
  'job.outcome.done': '完成', 'job.outcome.failed': '失败', 'job.outcome.pending': '等待处理', 'jobs.empty': '还没有任务。',
  'cancellations.empty': '还没有批量取消。', 'cancellation.refunds': '退款（每张卡一笔）', 'cancellation.title': '批量取消 {id}',
  'refund.pending': '退款中', 'refund.processing': '退款中', 'refund.succeeded': '已到账', 'refund.failed': '退款失败', 'refund.awaiting_transfer': '待对公转账',
  'pools.title': '流量池', 'pools.empty': '还没有流量池。', 'pools.create': '新建流量池', 'pools.name': '名称', 'pools.overQuota': '超额后',
  'pools.stop': '停止上网', 'pools.fee': '按 GB 收费', 'pools.feePerGb': '每 GB 费用（元）', 'pools.iccids': '加入的卡（ICCID，每行一个）',
  'pools.usage': '本月已用 {used} / {quota}（{percent}%）', 'pools.stopped': '已停止上网', 'pools.overage': '超额费用 {fee}', 'pools.alerts': '提醒：{levels}',
  'pools.daily': '{month} 每日用量（最高 {max}）',
  'loading': '加载中…',
  'desk.nav': '物联卡批量取消', 'desk.title': '待审核的批量取消', 'desk.empty': '没有待审核的批量取消。', 'desk.cards': '{n} 张卡',
  'desk.note': '审核意见', 'desk.approve': '通过并执行', 'desk.reject': '驳回', 'desk.receive': '收到退回的卡（ICCID，每行一个，验卡通过）', 'desk.receiveSubmit': '登记收货并退款',
  'desk.received': '已登记 {n} 张，退款 {fen}',
  'error.IOT.PREVIEW_CHANGED': '卡片状态已变化，请重新预览。', 'error.IOT.CARD_BUSY': '部分卡片正在其他任务中。', 'error.IOT.NO_CARDS': '没有可处理的卡。',
  'error.IOT.INVALID_QUANTITY': '每批 1 到 10000 张。', 'error.IOT.OUT_OF_STOCK': '库存不足。', 'error.IOT.UNPAID_BATCH_WHOLE': '未支付的批次只能整批取消。',
  'error.IOT.CARD_NOT_FOUND': '有卡片不属于本企业。', 'error.AUTH.INVALID_CREDENTIALS': '用户名或密码错误。',
} as const;

export type IotKey = keyof typeof zh;

const en: Record<IotKey, string> = {
  'brand': 'Haoka · IoT for business',
  'nav.batches': 'Batches', 'nav.jobs': 'Jobs', 'nav.pools': 'Traffic pools', 'nav.cancellations': 'Cancellations', 'signOut': 'Sign out',
  'signIn.title': 'Business sign-in', 'signIn.username': 'Username', 'signIn.password': 'Password', 'signIn.submit': 'Sign in',
  'role.buyer': 'Buyer', 'role.viewer': 'Viewer',
  'batches.title': 'Batches', 'batches.empty': 'No batches yet.', 'batches.order': 'Order', 'batches.plan': 'Plan', 'batches.quantity': 'Cards (1-10,000)',
  'batches.method': 'Payment', 'method.alipay': 'Alipay', 'method.wechat': 'WeChat Pay', 'method.bank': 'Online banking', 'method.bank_transfer': 'Bank transfer (confirmed by us)',
  'batches.amount': 'Amount', 'batches.discount': 'Volume discount {n}%', 'batches.pay': 'Pay', 'batches.open': 'Open',
  'batch.title': 'Batch {id}', 'batch.csv': 'Download ICCIDs and numbers (CSV)', 'batch.filter': 'Filter by state', 'batch.all': 'All',
  'batch.activate': 'Activate the delivered cards', 'batch.activateChosen': 'Activate chosen', 'batch.cancelChosen': 'Preview cancelling chosen', 'batch.cancelAll': 'Preview cancelling the batch',
  'batch.choose': 'Choose',
  'col.iccid': 'ICCID', 'col.msisdn': 'Number', 'col.state': 'State', 'col.share': 'Share', 'col.pool': 'Pool', 'col.parcel': 'Parcel', 'col.route': 'Route', 'col.outcome': 'Outcome', 'col.detail': 'Detail',
  'state.pending_payment': 'Awaiting payment', 'state.paid': 'Paid, not shipped', 'state.packing': 'Packing', 'state.shipped': 'Shipped', 'state.delivered': 'Delivered, not activated',
  'state.activated': 'Activated', 'state.cancelled': 'Cancelled', 'state.account_closed': 'Closed', 'state.running': 'Running', 'state.done': 'Done',
  'state.awaiting_review': 'Awaiting review', 'state.rejected': 'Rejected',
  'route.release': 'Released', 'route.refund': 'Cancelled and refunded', 'route.intercept': 'Courier interception', 'route.return': 'Unactivated return', 'route.close': 'Closed (penalty)', 'route.keep': 'Kept',
  'preview.title': 'Cancellation preview', 'preview.group': '{state} · {route}', 'preview.cards': '{n} cards', 'preview.refund': 'Refund', 'preview.penalty': 'Penalty',
  'preview.totals': 'Total: {cards} cards, refund {refund} ({now} now, {later} once back), penalties {penalty}',
  'preview.review': 'The refunds exceed the express-refund amount: an agent reviews the whole request after you confirm.', 'preview.pool': 'Pool {id}: quota {before} → {after}, monthly fee {feeBefore} → {feeAfter}',
  'preview.busy': '{n} cards are in another job; confirm after it finishes.', 'preview.confirm': 'Confirm cancellation', 'preview.close': 'Close',
  'job.title': 'Job {id}', 'job.progress': '{done} done, {failed} failed of {total} ({percent}%)', 'job.kind.activation': 'Batch activation', 'job.kind.cancellation': 'Batch cancellation',
  'job.outcome.done': 'Done', 'job.outcome.failed': 'Failed', 'job.outcome.pending': 'Waiting', 'jobs.empty': 'No jobs yet.',
  'cancellations.empty': 'No batch cancellations yet.', 'cancellation.refunds': 'Refunds (one per card)', 'cancellation.title': 'Cancellation {id}',
  'refund.pending': 'Refunding', 'refund.processing': 'Refunding', 'refund.succeeded': 'Refunded', 'refund.failed': 'Refund failed', 'refund.awaiting_transfer': 'Awaiting bank transfer',
  'pools.title': 'Traffic pools', 'pools.empty': 'No pools yet.', 'pools.create': 'New pool', 'pools.name': 'Name', 'pools.overQuota': 'Over quota',
  'pools.stop': 'Stop data', 'pools.fee': 'Charge per GB', 'pools.feePerGb': 'Fee per GB (yuan)', 'pools.iccids': 'Cards to add (ICCID, one a line)',
  'pools.usage': 'Used this month {used} / {quota} ({percent}%)', 'pools.stopped': 'Data stopped', 'pools.overage': 'Overage {fee}', 'pools.alerts': 'Alerts: {levels}',
  'pools.daily': 'Daily use in {month} (highest {max})',
  'loading': 'Loading…',
  'desk.nav': 'IoT batch cancellations', 'desk.title': 'Batch cancellations to review', 'desk.empty': 'Nothing to review.', 'desk.cards': '{n} cards',
  'desk.note': 'Review note', 'desk.approve': 'Approve and run', 'desk.reject': 'Reject', 'desk.receive': 'Cards received back (ICCID, one a line, inspection passed)', 'desk.receiveSubmit': 'Record receipt and refund',
  'desk.received': '{n} cards recorded, {fen} refunded',
  'error.IOT.PREVIEW_CHANGED': 'The cards changed; preview again.', 'error.IOT.CARD_BUSY': 'Some cards are in another job.', 'error.IOT.NO_CARDS': 'No card to act on.',
  'error.IOT.INVALID_QUANTITY': 'A batch has 1 to 10,000 cards.', 'error.IOT.OUT_OF_STOCK': 'Not enough cards in stock.', 'error.IOT.UNPAID_BATCH_WHOLE': 'An unpaid batch is cancelled whole.',
  'error.IOT.CARD_NOT_FOUND': 'Some cards are not this business\u2019s.', 'error.AUTH.INVALID_CREDENTIALS': 'Wrong username or password.',
};

export type IotT = (key: IotKey, vars?: Record<string, string | number>) => string;

export function useIotT() {
  const { lang, t: siteT } = useI18n();
  const dict: Record<IotKey, string> = lang === 'zh' ? zh : en;
  const t: IotT = (key, vars) => {
    const text = dict[key] ?? key;
    return vars ? text.replace(/\{(\w+)\}/g, (m, n: string) => (n in vars ? String(vars[n]) : m)) : text;
  };
  /** An error in words: the console's own codes first, then the site's. */
  const error = (e: unknown) => {
    const key = e instanceof ApiError ? `error.${e.code}` : '';
    return key in dict ? dict[key as IotKey] : errorText(siteT, e);
  };
  return { t, error, lang };
}
