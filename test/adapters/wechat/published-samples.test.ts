// The messages printed in WeChat Pay's API v3 documentation, read by the adapter: the payment and refund
// notifications (sealed and signed here, since the documentation prints neither a key nor a ciphertext), the
// query and refund answers, the trade bill's answer and file. AEAD_AES_256_GCM against a published test vector.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { FakeClock } from '../../../src/adapters/clock.ts';
import { WechatPayAdapter } from '../../../src/adapters/payment/wechat/adapter.ts';
import { parseTradeBill } from '../../../src/adapters/payment/wechat/bill.ts';
import { billAnswer, refund, refundStatusOf, tradeStatusOf, transaction } from '../../../src/adapters/payment/wechat/messages.ts';
import { aesGcmOpen, answerMessage, decryptResource, encryptResource, privateKeyOf, rsaSign } from '../../../src/adapters/payment/wechat/signing.ts';
import { keyPair } from '../../../src/adapters/payment/wechat-fake/keys.ts';
import { APIV3_KEY, MERCHANT, NOTIFY } from '../../fixtures/wechat-pair.ts';

const dir = join(import.meta.dirname, '../../fixtures/partners/wechat');
const sample = (name: string) => readFileSync(join(dir, name), 'utf8');
const sampleJson = (name: string) => JSON.parse(sample(name)) as Record<string, any>;

const platform = keyPair(null, 'test-wechat-platform');
const merchant = keyPair(null, 'test-wechat-merchant');
const adapterFor = (mchId: string, clock: FakeClock) => new WechatPayAdapter({
  ...MERCHANT, mchId, privateKeyPem: merchant.privateKeyPem, apiV3Key: APIV3_KEY, publicKeyPem: platform.publicKeyPem, gateway: 'http://127.0.0.1:9', notifyBaseUrl: null,
}, clock, { notifyUrls: NOTIFY });

/** The printed envelope with the printed resource sealed into it, signed as WeChat Pay signs. */
function deliver(envelope: Record<string, any>, resource: unknown, type: string, at: number) {
  const nonce = 'fdasflkja484';
  const body = JSON.stringify({ ...envelope, resource: { ...envelope.resource, original_type: type, associated_data: type, nonce, ciphertext: encryptResource(APIV3_KEY, JSON.stringify(resource), nonce, type) } });
  const ts = String(Math.floor(at / 1000));
  const headerNonce = '593BEC0C930BF1AFEB40B4A08C8FB242';
  return {
    body,
    headers: { 'wechatpay-timestamp': ts, 'wechatpay-nonce': headerNonce, 'wechatpay-serial': MERCHANT.publicKeyId, 'wechatpay-signature': rsaSign(privateKeyOf(platform.privateKeyPem), answerMessage(ts, headerNonce, body)) },
  };
}

describe('WeChat Pay\u2019s published samples', () => {
  it('opens AEAD_AES_256_GCM as the published GCM test vector says (test case 16: AES-256, 96-bit IV, associated data)', () => {
    const h = (x: string) => Buffer.from(x, 'hex');
    const plain = aesGcmOpen(
      h('feffe9928665731c6d6a8f9467308308feffe9928665731c6d6a8f9467308308'), h('cafebabefacedbaddecaf888'), h('feedfacedeadbeeffeedfacedeadbeefabaddad2'),
      Buffer.concat([h('522dc1f099567d07f47f37a32a84427d643a8cdcbfe5c0c97598a2bd2555d1aa8cb08e48590dbb3da7b08b1056828838c5f61e6393ba7a0abcc9f662'), h('76fc6ece0f4e1768cddf8853bb2d551b')]),
    );
    expect(plain.toString('hex')).toBe('d9313225f88406e5a55909c5aff5269a86a7a9531534f7da2e4c303d8a318a721c3c0c95956809532fcf0e2449a6b525b16aedf5aa0de657ba637b39');
    // One flipped bit of the tag, or other associated data: nothing opens.
    expect(() => aesGcmOpen(h('feffe9928665731c6d6a8f9467308308feffe9928665731c6d6a8f9467308308'), h('cafebabefacedbaddecaf888'), h('feedfacedeadbeeffeedfacedeadbeefabaddad3'),
      Buffer.concat([h('522dc1f099567d07f47f37a32a84427d643a8cdcbfe5c0c97598a2bd2555d1aa8cb08e48590dbb3da7b08b1056828838c5f61e6393ba7a0abcc9f662'), h('76fc6ece0f4e1768cddf8853bb2d551b')]))).toThrow();
    const sealed = encryptResource(APIV3_KEY, '{"a":1}', 'fdasflkja484', 'transaction');
    expect(decryptResource(APIV3_KEY, { ciphertext: sealed, nonce: 'fdasflkja484', associated_data: 'transaction' })).toBe('{"a":1}');
    expect(() => decryptResource(APIV3_KEY, { ciphertext: sealed, nonce: 'fdasflkja484', associated_data: 'refund' })).toThrow();
  });

  it('reads the printed payment notification as a payment of the printed trade', () => {
    const at = Date.parse('2018-06-08T10:34:57+08:00');
    const resource = sampleJson('transaction-success.resource.json');
    const d = deliver(sampleJson('transaction-success.notification.json'), resource, 'transaction', at);
    expect(adapterFor(MERCHANT.mchId, new FakeClock(at)).verifyNotification(d.headers, d.body, at)).toEqual({
      nonce: '593BEC0C930BF1AFEB40B4A08C8FB242', paymentNo: '1217752501201407033233368018', tradeNo: '1217752501201407033233368018', amountFen: 100, status: 'SUCCESS',
    });
    // Another merchant's notification, properly signed and sealed, is not ours.
    expect(adapterFor('1900000100', new FakeClock(at)).verifyNotification(d.headers, d.body, at)).toMatchObject({ code: 'PAYMENT.CHANNEL_MISMATCH' });
    // The printed trade state NOTPAY would not be a payment.
    const unpaid = deliver(sampleJson('transaction-success.notification.json'), { ...resource, trade_state: 'NOTPAY' }, 'transaction', at);
    expect(adapterFor(MERCHANT.mchId, new FakeClock(at)).verifyNotification(unpaid.headers, unpaid.body, at)).toMatchObject({ code: 'CALLBACK.UNKNOWN_KIND' });
  });

  it('reads the printed refund notification as the printed refund, succeeded', () => {
    const at = Date.parse('2018-06-08T10:34:57+08:00');
    const envelope = { ...sampleJson('transaction-success.notification.json'), event_type: 'REFUND.SUCCESS', summary: '退款成功' };
    const d = deliver(envelope, sampleJson('refund-success.resource.json'), 'refund', at);
    expect(adapterFor('1900000100', new FakeClock(at)).verifyRefundNotification(d.headers, d.body, at)).toEqual({
      notifyId: 'EV-2018022511223320873', refundNo: '7752501201407033233368018', paymentNo: '20150806125346', channelRefundNo: '50200207182018070300011301001',
      amountFen: 999, status: 'succeeded', error: null,
    });
  });

  it('maps the printed trade (as the query answers it) and the printed refund answer', () => {
    const t = transaction.parse(sampleJson('transaction-success.resource.json'));
    expect(tradeStatusOf(t)).toEqual({ status: 'paid', tradeNo: '1217752501201407033233368018', amountFen: 100, paidAt: Date.UTC(2018, 5, 8, 2, 34, 56) });
    expect(refundStatusOf(refund.parse(sampleJson('refund.answer.json')))).toEqual({ status: 'succeeded', channelRefundNo: '50000000382019052709732678859' });
    expect(refundStatusOf(refund.parse({ ...sampleJson('refund.answer.json'), status: 'PROCESSING' }))).toMatchObject({ status: 'processing' });
  });

  it('reads the printed trade bill answer and file: backquoted fields, amounts in yuan, the summary lines skipped', () => {
    expect(billAnswer.parse(sampleJson('tradebill.answer.json'))).toMatchObject({ hash_type: 'SHA1', download_url: expect.stringContaining('/v3/billdownload/file') });
    const lines = parseTradeBill(sample('tradebill-all.csv'));
    expect(lines).toEqual([
      { kind: 'payment', paymentNo: '1415640626', tradeNo: '1001690740201411100005734289', amountFen: 1, at: Date.UTC(2014, 10, 10, 8, 33, 45) },
      { kind: 'payment', paymentNo: '1415635270', tradeNo: '1002780740201411100005729794', amountFen: 1, at: Date.UTC(2014, 10, 10, 8, 46, 14) },
      { kind: 'payment', paymentNo: '1415638393', tradeNo: '1008450740201411100005736390', amountFen: 1, at: Date.UTC(2014, 10, 10, 8, 3, 16) },
    ]);
  });
});
