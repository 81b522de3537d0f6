// The partners' bodies as zod reads them: each field's refusal has the push's code, never a crash or a stored oddity.
import { describe, expect, it } from 'vitest';
import { carrierPushBody, courierPushBody, parsePush, paymentNoticeBody, refundNoticeContent } from '../../src/app/platform/push-schemas.ts';
import { isError } from '../../src/domain/errors.ts';

const AT = Date.UTC(2026, 11, 7, 4, 0);
const scan = { event_id: 'YT00000000001:in_transit', tracking_no: 'YT00000000001', kind: 'in_transit', occurred_at: AT, detail: '杭州转运中心' };
const codeOf = (x: unknown) => (isError(x) ? x.code : 'ok');

describe('courier and carrier bodies', () => {
  it('reads a genuine scan, trims its detail and takes a missing or empty one as none', () => {
    expect(parsePush(courierPushBody, { ...scan, detail: ' 杭州转运中心 ' })).toEqual({ ...scan, detail: '杭州转运中心' });
    expect(parsePush(courierPushBody, { ...scan, detail: undefined })).toMatchObject({ detail: null });
    expect(parsePush(courierPushBody, { ...scan, detail: '' })).toMatchObject({ detail: null });
  });

  it.each([
    ['an unknown kind', { kind: 'teleported' }, 'CALLBACK.UNKNOWN_KIND'],
    ['a time of -1e300', { occurred_at: -1e300 }, 'CALLBACK.INVALID_FIELD'],
    ['a negative time', { occurred_at: -1 }, 'CALLBACK.INVALID_FIELD'],
    ['a fractional time', { occurred_at: AT + 0.5 }, 'CALLBACK.INVALID_FIELD'],
    ['a time past 2100', { occurred_at: 9e15 }, 'CALLBACK.INVALID_FIELD'],
    ['an infinite time', { occurred_at: Infinity }, 'CALLBACK.INVALID_FIELD'],
    ['a time as text', { occurred_at: String(AT) }, 'CALLBACK.INVALID_FIELD'],
    ['a 100 kB detail', { detail: 'x'.repeat(100_000) }, 'CALLBACK.INVALID_FIELD'],
    ['a detail with escape codes', { detail: '\u001b[31m已签收' }, 'CALLBACK.INVALID_FIELD'],
    ['an event id with spaces', { event_id: 'a b' }, 'CALLBACK.INVALID_FIELD'],
    ['an event id of 65 characters', { event_id: 'e'.repeat(65) }, 'CALLBACK.INVALID_FIELD'],
    ['a tracking number with markup', { tracking_no: '<b>YT1</b>' }, 'CALLBACK.INVALID_FIELD'],
  ] as const)('refuses a courier scan with %s', (_name, change, code) => {
    expect(codeOf(parsePush(courierPushBody, { ...scan, ...change }))).toBe(code);
  });

  it('refuses a carrier push with an unknown status or a number that is not a mobile number', () => {
    const push = { appId: 'HKCARRIER01', eventId: 'CE0000000001', number: '13800138000', status: 'activated', occurTime: AT, reason: null, timestamp: '1700000000', nonce: 'n'.repeat(32), sign: 'S'.repeat(32) };
    expect(codeOf(parsePush(carrierPushBody, push))).toBe('ok');
    expect(codeOf(parsePush(carrierPushBody, { ...push, status: 'inactive' }))).toBe('CALLBACK.UNKNOWN_KIND');
    expect(codeOf(parsePush(carrierPushBody, { ...push, number: '1380013800' }))).toBe('CALLBACK.INVALID_FIELD');
  });
});

describe('payment and refund notices', () => {
  const notice = { payment_no: 'PAY1', trade_no: 'ALIPAY0001', amount_fen: 5_000, trade_state: 'SUCCESS' };
  it.each([
    ['an unknown trade state', { trade_state: 'TRADE_CLOSED' }, 'CALLBACK.UNKNOWN_KIND'],
    ['a negative amount', { amount_fen: -1 }, 'CALLBACK.INVALID_FIELD'],
    ['an absurd amount', { amount_fen: 1e300 }, 'CALLBACK.INVALID_FIELD'],
    ['a fractional amount', { amount_fen: 49.5 }, 'CALLBACK.INVALID_FIELD'],
    ['a 1 kB trade number', { trade_no: 't'.repeat(1_000) }, 'CALLBACK.INVALID_FIELD'],
  ] as const)('refuses a payment notice with %s', (_name, change, code) => {
    expect(codeOf(parsePush(paymentNoticeBody, notice))).toBe('ok');
    expect(codeOf(parsePush(paymentNoticeBody, { ...notice, ...change }))).toBe(code);
  });

  it('refuses a refund result with a status WeChat Pay does not send or an absurd amount', () => {
    const content = { out_refund_no: 'RF1', out_trade_no: 'PAY1', refund_id: '50300000001', refund_status: 'SUCCESS', amount: { refund: 5_000 } };
    expect(codeOf(parsePush(refundNoticeContent, content))).toBe('ok');
    expect(codeOf(parsePush(refundNoticeContent, { ...content, refund_status: 'PROCESSING' }))).toBe('CALLBACK.UNKNOWN_KIND');
    expect(codeOf(parsePush(refundNoticeContent, { ...content, amount: { refund: -5_000 } }))).toBe('CALLBACK.INVALID_FIELD');
  });
});
