// The fake carrier on 127.0.0.1: one JSON POST path per method, each request's fields, app id, signature and
// freshness checked as the carrier does, answered in the md5kv { result, msg, data } envelope.
import { serveLocal, type LocalServer } from '../../../sim/local-server.ts';
import type { Clock } from '../../../../app/platform/ports.ts';
import { CARRIER_METHODS, METHOD_FIELDS, readBody, REQUEST_FRESH_S, RESULT, verify, type Envelope } from '../protocol.ts';
import type { FakeCarrier } from './fake-carrier.ts';

export type FakeCarrierServer = LocalServer;

const ENVELOPE_FIELDS = ['appId', 'timestamp', 'sign'];

export function answerCarrier(fake: FakeCarrier, secret: string, clock: Clock, path: string, raw: string): Envelope {
  const allowed = METHOD_FIELDS[path];
  if (!allowed) return { result: RESULT.paramsError, msg: '接口不存在', data: null };
  const b = readBody(raw);
  if (!b) return { result: RESULT.paramsError, msg: '请求体不是JSON', data: null };
  const unknown = Object.keys(b).filter((k) => !ENVELOPE_FIELDS.includes(k) && !allowed.includes(k));
  if (unknown.length) return { result: RESULT.paramsError, msg: `未知参数：${unknown.join(',')}`, data: null };
  if (b.appId !== fake.appId) return { result: RESULT.appInvalid, msg: 'app is unvalid', data: null };
  if (!verify(b, secret)) return { result: RESULT.signError, msg: 'sign error', data: null };
  const ts = Number(b.timestamp);
  if (!Number.isFinite(ts) || Math.abs(ts - clock.now() / 1000) > REQUEST_FRESH_S) return { result: RESULT.paramsError, msg: 'timestamp expired', data: null };
  switch (path) {
    case CARRIER_METHODS.release: return fake.release(b);
    case CARRIER_METHODS.query: return fake.query(b);
    default: return fake.close(b);
  }
}

export function serveFakeCarrier(fake: FakeCarrier, secret: string, clock: Clock): Promise<FakeCarrierServer> {
  return serveLocal((req) => {
    const body = req.method === 'POST' ? answerCarrier(fake, secret, clock, req.url.split('?')[0] ?? '', req.body) : { result: RESULT.paramsError, msg: '请使用POST', data: null };
    if (fake.loseNext > 0) {
      fake.loseNext--;
      return 'hang';
    }
    return { status: 200, body };
  });
}
