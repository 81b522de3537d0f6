// The fake's trade bill in WeChat Pay's format (see wechat/bill.ts for the reading side): a header line, one
// backquoted line per payment received or refund paid out that day, then the summary header and its line.
import type { StatementLine } from '../../../app/platform/ports.ts';
import { fenToYuan, msToBeijingTime, TRADE_BILL_COLUMNS, TRADE_BILL_SUMMARY } from '../wechat/bill.ts';
import type { FakeWechatState } from './state.ts';

export function tradeBillCsv(state: FakeWechatState, lines: StatementLine[]): string {
  const m = state.merchant;
  const q = (fields: (string | number)[]) => fields.map((f) => `\`${f}`).join(',');
  const out = [TRADE_BILL_COLUMNS.join(',')];
  let paidFen = 0;
  let refundedFen = 0;
  for (const l of lines) {
    const p = state.payment(l.paymentNo);
    const orderFen = p?.amountFen ?? l.amountFen;
    const desc = p?.description ?? '';
    if (l.kind === 'payment') {
      paidFen += l.amountFen;
      out.push(q([msToBeijingTime(l.at), m.appId, m.mchId, 0, '', l.tradeNo, l.paymentNo, 'oUpF8uMuAJO_M2pxb1Q9zNjWeS6o', 'MWEB', 'SUCCESS', 'OTHERS', 'CNY',
        fenToYuan(l.amountFen), '0.00', 0, 0, '0.00', '0.00', '', '', desc, '', '0.00', '0.60%', fenToYuan(l.amountFen), '0.00', '']));
    } else {
      refundedFen += l.amountFen;
      out.push(q([msToBeijingTime(l.at), m.appId, m.mchId, 0, '', p?.tradeNo ?? '', l.paymentNo, 'oUpF8uMuAJO_M2pxb1Q9zNjWeS6o', 'MWEB', 'REFUND', 'OTHERS', 'CNY',
        '0.00', '0.00', l.channelRefundNo, l.refundNo, fenToYuan(l.amountFen), '0.00', 'ORIGINAL', 'SUCCESS', desc, '', '0.00', '0.60%', fenToYuan(orderFen), fenToYuan(l.amountFen), '']));
    }
  }
  out.push(TRADE_BILL_SUMMARY.join(','));
  out.push(q([lines.length, fenToYuan(paidFen), fenToYuan(refundedFen), '0.00', '0.00', fenToYuan(paidFen), fenToYuan(refundedFen)]));
  return `${out.join('\r\n')}\r\n`;
}
