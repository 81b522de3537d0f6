// The messages printed in Alipay's documentation, read by the adapter's own parsing: the notification form, the
// answer envelopes (the text the SDK verifies is the `<method>_response` object as printed), the trade and refund
// answers as port types, and a bill's details file encoded GBK and zipped as Alipay's bill centre serves it.
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { AlipaySdk } from 'alipay-sdk';
import { formFields, paymentNoticeOf, readNotification } from '../../../src/adapters/payment/alipay/notifications.ts';
import { refundStatusOf, tradeStatusOf, type AlipayAnswer } from '../../../src/adapters/payment/alipay/messages.ts';
import { detailsOf, parseTradeDetails } from '../../../src/adapters/payment/alipay/bill.ts';
import { parseBeijingTime, responseKeyOf } from '../../../src/adapters/payment/alipay/protocol.ts';
import { writeZip, readZip } from '../../../src/adapters/payment/alipay/zip.ts';
import { encodeGbk } from '../../../src/adapters/payment/alipay-fake/bill-file.ts';
import { keyPair } from '../../../src/adapters/payment/wechat-fake/keys.ts';

const sample = (name: string) => readFileSync(new URL(`../../fixtures/partners/alipay/${name}`, import.meta.url), 'utf8');
const answer = (name: string, method: string) => JSON.parse(sample(name))[responseKeyOf(method)] as AlipayAnswer;
const FORM = { 'content-type': 'application/x-www-form-urlencoded; charset=utf-8' };

/** The printed notification (decoded pairs) as the form Alipay posts. */
function printedForm(): string {
  const pairs = sample('trade-status-sync.notification.txt').trim().split('&').map((kv) => [kv.slice(0, kv.indexOf('=')), kv.slice(kv.indexOf('=') + 1)] as [string, string]);
  return new URLSearchParams(pairs).toString();
}

describe('Alipay\u2019s published samples', () => {
  it('reads the printed notification as the payment of 2.00 yuan to out_trade_no 0719141034-6418', () => {
    const f = formFields(FORM, printedForm())!;
    expect(f).toMatchObject({ notify_type: 'trade_status_sync', trade_status: 'TRADE_SUCCESS', sign_type: 'RSA2', total_amount: '2.00' });
    const sentAt = parseBeijingTime(f.notify_time!)!;
    expect(sentAt).toBe(Date.UTC(2016, 6, 19, 6, 10, 49));
    expect(paymentNoticeOf(f, { appId: '2015102700040153', sellerId: '2088102119685838' }, sentAt + 1000)).toMatchObject({
      paymentNo: '0719141034-6418', tradeNo: '2016071921001003030200089909', amountFen: 200, status: 'SUCCESS',
    });
    // Another app's or seller's notification, or one read a day later, is refused.
    expect(paymentNoticeOf(f, { appId: '2021004100000001', sellerId: null }, sentAt)).toMatchObject({ code: 'CALLBACK.INVALID_FIELD', details: { field: 'app_id' } });
    expect(paymentNoticeOf(f, { appId: '2015102700040153', sellerId: '2088721000000001' }, sentAt)).toMatchObject({ code: 'CALLBACK.INVALID_FIELD', details: { field: 'seller_id' } });
    expect(paymentNoticeOf(f, { appId: '2015102700040153', sellerId: null }, sentAt + 86_400_000)).toMatchObject({ code: 'PAYMENT.REPLAYED' });
  });

  it('refuses the printed notification\u2019s illustrative signature against a real Alipay public key', () => {
    const app = keyPair(null, 'test-alipay-app');
    const platform = keyPair(null, 'test-alipay-platform');
    const sdk = new AlipaySdk({ appId: '2015102700040153', privateKey: app.privateKeyPem, keyType: 'PKCS8', alipayPublicKey: platform.publicKeyPem });
    expect(readNotification(sdk, { appId: '2015102700040153', sellerId: null }, FORM, printedForm(), Date.UTC(2016, 6, 19, 6, 10, 50))).toMatchObject({ code: 'PAYMENT.BAD_SIGNATURE' });
  });

  it('takes as signed text exactly the printed response object, as the SDK cuts it from the envelope', () => {
    const sdk = new AlipaySdk({ appId: '2015102700040153', privateKey: keyPair(null, 'test-alipay-app').privateKeyPem, keyType: 'PKCS8' });
    const raw = sample('trade-query.answer.json').trim();
    expect(sdk.getSignStr(raw, responseKeyOf('alipay.trade.query'))).toBe(JSON.stringify(JSON.parse(raw).alipay_trade_query_response));
  });

  it('maps the printed trade query (TRADE_CLOSED, amounts as numbers) and its ACQ.TRADE_NOT_EXIST', () => {
    expect(tradeStatusOf(answer('trade-query.answer.json', 'alipay.trade.query'), '6823789339978248')).toEqual({ status: 'closed' });
    const paid = { ...answer('trade-query.answer.json', 'alipay.trade.query'), trade_status: 'TRADE_SUCCESS' };
    expect(tradeStatusOf(paid, '6823789339978248')).toEqual({ status: 'paid', tradeNo: '2013112011001004330000121536', amountFen: 8888, paidAt: Date.UTC(2014, 10, 27, 7, 45, 57) });
    expect(() => tradeStatusOf(paid, 'ANOTHER0001')).toThrow(/another trade/);
    expect(tradeStatusOf(answer('trade-query-not-exist.answer.json', 'alipay.trade.query'), '6823789339978248')).toEqual({ status: 'not_found' });
  });

  it('maps the printed refund query: REFUND_SUCCESS for its own request number only', () => {
    const a = answer('fastpay-refund-query.answer.json', 'alipay.trade.fastpay.refund.query');
    expect(refundStatusOf(a, { paymentNo: '20150320010101001', refundNo: '20150320010101001' })).toEqual({ status: 'succeeded', channelRefundNo: '2014112611001004680073956707' });
    expect(refundStatusOf(a, { paymentNo: '20150320010101001', refundNo: 'ANOTHER0001' })).toEqual({ status: 'not_found' });
    const { out_request_no: _r, refund_amount: _a, refund_status: _s, ...none } = a;
    expect(refundStatusOf(none, { paymentNo: '20150320010101001', refundNo: '20150320010101001' })).toEqual({ status: 'not_found' });
  });

  it('reads the bill address answer, and a details file in GBK inside its zip', () => {
    expect(answer('bill-downloadurl.answer.json', 'alipay.data.dataservice.bill.downloadurl.query').bill_download_url).toMatch(/^http:\/\/dwbillcenter\.alipay\.com\/downloadBillFile\.resource\?/);
    const zip = writeZip([
      { name: '20881234567890120156_20160913_业务明细.csv', data: encodeGbk(sample('trade-bill-details.csv')) },
      { name: '20881234567890120156_20160913_业务明细(汇总).csv', data: encodeGbk('#支付宝业务汇总查询\r\n') },
    ]);
    expect(readZip(zip).map((e) => e.name)).toEqual(['20881234567890120156_20160913_业务明细.csv', '20881234567890120156_20160913_业务明细(汇总).csv']);
    expect(parseTradeDetails(detailsOf(zip))).toEqual([
      { kind: 'payment', paymentNo: '201609130000001', tradeNo: '2016091321001004360223389911', amountFen: 1, at: Date.UTC(2016, 8, 13, 2, 38, 20) },
      { kind: 'refund', paymentNo: '201609130000001', refundNo: 'HZ01RF001', channelRefundNo: '2016091321001004360223389911', amountFen: 1, at: Date.UTC(2016, 8, 13, 7, 2, 11) },
    ]);
    expect(() => detailsOf(writeZip([{ name: 'x_业务明细(汇总).csv', data: Buffer.from('') }]))).toThrow(/no _业务明细.csv file/);
    expect(() => detailsOf(Buffer.from('not a zip'))).toThrow(/not a zip/);
  });
});
