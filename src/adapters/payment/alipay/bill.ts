// Alipay's trade bill (业务账单, bill_type=trade, from alipay.data.dataservice.bill.downloadurl.query): a zip of
// two GBK CSV files, the details (…_业务明细.csv) and their summary (…_业务明细(汇总).csv). The details file
// opens with `#` lines (title, account, period, a rule), then the column names, one line per trade (业务类型
// 交易) or refund (退款), a closing rule and the totals, again as `#` lines. Long numbers carry a trailing tab so
// that spreadsheets keep them as text; refunds are negative. Columns are found by their names, not their places.
import type { StatementLine } from '../../../app/platform/ports.ts';
import { AmountFormatError, parseBeijingTime, yuanToFen } from './protocol.ts';
import { readZip, ZipFormatError } from './zip.ts';

export const DETAIL_COLUMNS = [
  '支付宝交易号', '商户订单号', '业务类型', '商品名称', '创建时间', '完成时间', '门店编号', '门店名称', '操作员', '终端号', '对方账户', '订单金额（元）',
  '商家实收（元）', '支付宝红包（元）', '集分宝（元）', '支付宝优惠（元）', '商家优惠（元）', '券核销金额（元）', '券名称', '商家红包消费金额（元）',
  '卡消费金额（元）', '退款批次号/请求号', '服务费（元）', '分润（元）', '备注',
] as const;

export const DETAIL_SUFFIX = '_业务明细.csv';
export const SUMMARY_SUFFIX = '_业务明细(汇总).csv';

export class BillFormatError extends Error {}

/** The details file of a downloaded bill archive, decoded from GBK. */
export function detailsOf(zip: Buffer): string {
  let entries;
  try {
    entries = readZip(zip);
  } catch (e) {
    if (e instanceof ZipFormatError) throw new BillFormatError(e.message);
    throw e;
  }
  const details = entries.find((e) => e.name.endsWith(DETAIL_SUFFIX));
  if (!details) throw new BillFormatError(`the archive has no ${DETAIL_SUFFIX} file (it holds ${entries.map((e) => e.name).join(', ') || 'nothing'})`);
  return new TextDecoder('gbk').decode(details.data);
}

/**
 * The payments received and the refunds paid out in a details file. A 交易 line is a payment of its order amount,
 * completed at its 完成时间; a 退款 line is a refund of its (negative) amount, under its request number.
 */
export function parseTradeDetails(text: string): StatementLine[] {
  const rows = text.replace(/^\uFEFF/, '').split(/\r?\n/);
  const headerAt = rows.findIndex((r) => !r.startsWith('#') && r.includes('支付宝交易号'));
  if (headerAt < 0) throw new BillFormatError('the bill has no header line');
  const header = rows[headerAt]!.split(',').map((f) => f.trim());
  const col = (name: string) => {
    const i = header.indexOf(name);
    if (i < 0) throw new BillFormatError(`the bill has no column ${name}`);
    return i;
  };
  const at = { tradeNo: col('支付宝交易号'), paymentNo: col('商户订单号'), kind: col('业务类型'), done: col('完成时间'), amount: col('订单金额（元）'), requestNo: col('退款批次号/请求号') };
  const lines: StatementLine[] = [];
  for (const row of rows.slice(headerAt + 1)) {
    if (row.startsWith('#')) break;
    if (row.trim() === '') continue;
    const f = row.split(',').map((x) => x.trim());
    if (f.length < header.length) throw new BillFormatError(`a bill line has ${f.length} fields, not ${header.length}`);
    const time = parseBeijingTime(f[at.done]!);
    if (time === null) throw new BillFormatError(`not a bill time: ${JSON.stringify(f[at.done])}`);
    let fen: number;
    try {
      fen = Math.abs(yuanToFen(f[at.amount]!));
    } catch (e) {
      if (e instanceof AmountFormatError) throw new BillFormatError(e.message);
      throw e;
    }
    if (f[at.kind] === '交易') lines.push({ kind: 'payment', paymentNo: f[at.paymentNo]!, tradeNo: f[at.tradeNo]!, amountFen: fen, at: time });
    else if (f[at.kind] === '退款') {
      // Alipay has no refund id of its own: a refund is its trade and our request number.
      lines.push({ kind: 'refund', paymentNo: f[at.paymentNo]!, refundNo: f[at.requestNo]!, channelRefundNo: f[at.tradeNo]!, amountFen: fen, at: time });
    }
  }
  return lines;
}
