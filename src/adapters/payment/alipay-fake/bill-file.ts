// The fake's trade bill in Alipay's format (see alipay/bill.ts for the reading side): a zip named
// <account>_<yyyyMMdd>.csv.zip holding the details and the summary, both GBK, as Alipay's bill centre serves them.
import type { StatementLine } from '../../../app/platform/ports.ts';
import { DETAIL_COLUMNS, DETAIL_SUFFIX, SUMMARY_SUFFIX } from '../alipay/bill.ts';
import { beijingTime, fenToYuan } from '../alipay/protocol.ts';
import { writeZip } from '../alipay/zip.ts';
import type { FakeAlipayState } from './state.ts';

let gbkTable: Map<string, number> | null = null;

/** Text as GBK bytes (Node decodes GBK but has no encoder: the table is the decoder's, inverted, made once). */
export function encodeGbk(text: string): Buffer {
  if (!gbkTable) {
    gbkTable = new Map();
    const d = new TextDecoder('gbk', { fatal: true });
    for (let hi = 0x81; hi <= 0xfe; hi++) {
      for (let lo = 0x40; lo <= 0xfe; lo++) {
        if (lo === 0x7f) continue;
        try {
          const ch = d.decode(Uint8Array.of(hi, lo));
          if (!gbkTable.has(ch)) gbkTable.set(ch, (hi << 8) | lo);
        } catch {
          // not a character
        }
      }
    }
  }
  const out: number[] = [];
  for (const ch of text) {
    const c = ch.codePointAt(0)!;
    if (c < 0x80) out.push(c);
    else {
      const g = gbkTable.get(ch);
      if (g === undefined) out.push(0x3f);
      else out.push(g >> 8, g & 0xff);
    }
  }
  return Buffer.from(out);
}

const chineseTime = (ms: number) => {
  const t = beijingTime(ms);
  return `${t.slice(0, 4)}年${t.slice(5, 7)}月${t.slice(8, 10)}日 ${t.slice(11)}`;
};

/** The bill archive of a day: its file name and bytes. */
export function tradeBillZip(state: FakeAlipayState, day: string, dayStart: number, lines: StatementLine[]): { name: string; zip: Buffer } {
  const account = `${state.app.sellerId}0156`;
  const ymd = day.replaceAll('-', '');
  const rule = '#-----------------------------------------';
  const rows: string[] = [
    '#支付宝业务明细查询', `#账号：[${account}]`, `#起始日期：[${chineseTime(dayStart)}]   终止日期：[${chineseTime(dayStart + 86_400_000)}]`,
    `${rule}业务明细列表----------------------------------------`, DETAIL_COLUMNS.join(','),
  ];
  const total = { paid: 0, paidFen: 0, refunds: 0, refundFen: 0 };
  for (const l of lines) {
    const p = state.payment(l.paymentNo);
    const subject = (p?.subject ?? '').replaceAll(',', '，');
    const created = beijingTime(p?.createdAt ?? l.at);
    const fee = (fen: number) => fenToYuan(Math.round(fen * 0.006));
    if (l.kind === 'payment') {
      total.paid++;
      total.paidFen += l.amountFen;
      const y = fenToYuan(l.amountFen);
      rows.push([`${l.tradeNo}\t`, `${l.paymentNo}\t`, '交易', subject, created, beijingTime(l.at), '', '', '', '', '159****5620', y, y, '0.00', '0.00', '0.00', '0.00', '0.00', '', '0.00', '0.00', '', `-${fee(l.amountFen)}`, '0.00', ''].join(','));
    } else {
      total.refunds++;
      total.refundFen += l.amountFen;
      const y = fenToYuan(-l.amountFen);
      rows.push([`${p?.tradeNo ?? l.channelRefundNo}\t`, `${l.paymentNo}\t`, '退款', subject, created, beijingTime(l.at), '', '', '', '', '159****5620', y, y, '0.00', '0.00', '0.00', '0.00', '0.00', '', '0.00', '0.00', `${l.refundNo}\t`, fee(l.amountFen), '0.00', ''].join(','));
    }
  }
  rows.push(
    `${rule}业务明细列表结束------------------------------------`,
    `#交易合计：${total.paid}笔，商家实收：￥${fenToYuan(total.paidFen)}元，商家优惠：￥0.00元`,
    `#退款合计：${total.refunds}笔，商家实收：￥${fenToYuan(-total.refundFen)}元，商家优惠：￥0.00元`,
    `#导出时间：[${chineseTime(state.now())}]`,
  );
  const summary = [
    '#支付宝业务汇总查询', `#账号：[${account}]`, `${rule}业务汇总列表----------------------------------------`,
    '门店编号,门店名称,交易订单总笔数,退款订单总笔数,订单金额（元）,商家实收（元）,支付宝优惠（元）,商家优惠（元）,卡消费金额（元）,服务费（元）,分润（元）,实收净额（元）',
    `合计,,${total.paid},${total.refunds},${fenToYuan(total.paidFen - total.refundFen)},${fenToYuan(total.paidFen - total.refundFen)},0.00,0.00,0.00,0.00,0.00,${fenToYuan(total.paidFen - total.refundFen)}`,
    `${rule}业务汇总列表结束------------------------------------`, `#导出时间：[${chineseTime(state.now())}]`,
  ];
  const zip = writeZip([
    { name: `${account}_${ymd}${DETAIL_SUFFIX}`, data: encodeGbk(`${rows.join('\r\n')}\r\n`) },
    { name: `${account}_${ymd}${SUMMARY_SUFFIX}`, data: encodeGbk(`${summary.join('\r\n')}\r\n`) },
  ], new Date(state.now() + 8 * 3_600_000));
  return { name: `${account}_${ymd}.csv.zip`, zip };
}
