// WeChat Pay's trade bill (交易账单, GET /v3/bill/tradebill then its download_url): a CSV whose first line names
// the columns, one line per trade or refund with every field prefixed by a backquote (so that spreadsheet
// programs keep long numbers as text), amounts in yuan with two decimals, times in Beijing time, and after the
// lines a summary header (总交易单数,…) and its one line. Columns are found by their names, not their places.
import type { StatementLine } from '../../../app/platform/ports.ts';

export const TRADE_BILL_COLUMNS = [
  '交易时间', '公众账号ID', '商户号', '特约商户号', '设备号', '微信订单号', '商户订单号', '用户标识', '交易类型', '交易状态', '付款银行', '货币种类',
  '应结订单金额', '代金券金额', '微信退款单号', '商户退款单号', '退款金额', '充值券退款金额', '退款类型', '退款状态', '商品名称', '商户数据包', '手续费', '费率',
  '订单金额', '申请退款金额', '费率备注',
] as const;
export const TRADE_BILL_SUMMARY = ['总交易单数', '应结订单总金额', '退款总金额', '充值券退款总金额', '手续费总金额', '订单总金额', '申请退款总金额'] as const;

export class BillFormatError extends Error {}

/** "12.34" yuan as 1234 fen, exactly (no floating point on money). */
export function yuanToFen(text: string): number {
  const m = /^(-?)(\d+)(?:\.(\d{1,2}))?$/.exec(text.trim());
  if (!m) throw new BillFormatError(`not an amount in yuan: ${JSON.stringify(text)}`);
  const fen = Number(m[2]) * 100 + Number((m[3] ?? '0').padEnd(2, '0'));
  return m[1] ? -fen : fen;
}

export function fenToYuan(fen: number): string {
  const sign = fen < 0 ? '-' : '';
  const a = Math.abs(fen);
  return `${sign}${Math.floor(a / 100)}.${String(a % 100).padStart(2, '0')}`;
}

/** "2024-03-05 09:10:11" in Beijing time as UTC milliseconds. */
export function beijingTimeToMs(text: string): number {
  const m = /^(\d{4})-(\d{2})-(\d{2}) (\d{2}):(\d{2}):(\d{2})$/.exec(text.trim());
  if (!m) throw new BillFormatError(`not a bill time: ${JSON.stringify(text)}`);
  return Date.UTC(Number(m[1]), Number(m[2]) - 1, Number(m[3]), Number(m[4]), Number(m[5]), Number(m[6])) - 8 * 3_600_000;
}

export function msToBeijingTime(ms: number): string {
  return new Date(ms + 8 * 3_600_000).toISOString().slice(0, 19).replace('T', ' ');
}

const unquote = (field: string) => (field.startsWith('`') ? field.slice(1) : field).trim();

/**
 * The payments received and the refunds paid out in a trade bill. A SUCCESS line is a payment (its order amount);
 * a REFUND line whose refund status is SUCCESS is a refund paid out (the amount asked); refunds still processing
 * and anything else are not money that moved.
 */
export function parseTradeBill(csv: string): StatementLine[] {
  const rows = csv.replace(/^\uFEFF/, '').split(/\r?\n/).filter((l) => l.trim() !== '');
  const header = rows[0]?.split(',').map(unquote);
  if (!header || !header.includes('交易状态')) throw new BillFormatError('the bill has no header line');
  const col = (name: string) => {
    const i = header.indexOf(name);
    if (i < 0) throw new BillFormatError(`the bill has no column ${name}`);
    return i;
  };
  const at = { time: col('交易时间'), tradeNo: col('微信订单号'), paymentNo: col('商户订单号'), state: col('交易状态'), refundId: col('微信退款单号'), refundNo: col('商户退款单号'),
    refundState: col('退款状态'), orderFen: col('订单金额'), askedFen: col('申请退款金额') };
  const lines: StatementLine[] = [];
  for (const row of rows.slice(1)) {
    const f = row.split(',').map(unquote);
    if (f[0] === TRADE_BILL_SUMMARY[0]) break;
    if (f.length < header.length) throw new BillFormatError(`a bill line has ${f.length} fields, not ${header.length}`);
    const time = beijingTimeToMs(f[at.time]!);
    if (f[at.state] === 'SUCCESS') {
      lines.push({ kind: 'payment', paymentNo: f[at.paymentNo]!, tradeNo: f[at.tradeNo]!, amountFen: yuanToFen(f[at.orderFen]!), at: time });
    } else if (f[at.state] === 'REFUND' && f[at.refundState] === 'SUCCESS') {
      lines.push({ kind: 'refund', paymentNo: f[at.paymentNo]!, refundNo: f[at.refundNo]!, channelRefundNo: f[at.refundId]!, amountFen: yuanToFen(f[at.askedFen]!), at: time });
    }
  }
  return lines;
}
