// The fake md5kv supplier on 127.0.0.1: one JSON POST path per method, each request's app id, freshness and
// signature checked as the supplier does, answered in its { result, msg, data } envelope.
import { serveLocal, type LocalServer } from '../../../sim/local-server.ts';
import type { Clock } from '../../../../app/platform/ports.ts';
import { METHODS, readBody, RESULT, verify, type Envelope } from '../protocol.ts';
import type { FakeMd5Supplier } from './fake-supplier.ts';

export type FakeSupplierServer = LocalServer;
/** Requests older or newer than this (by their timestamp, unix seconds) are refused. */
const FRESH_S = 300;

export function answer(fake: FakeMd5Supplier, secret: string, clock: Clock, path: string, raw: string): Envelope {
  const b = readBody(raw);
  if (!b) return { result: RESULT.paramsError, msg: '请求体不是JSON', data: null };
  if (b.appId !== fake.appId) return { result: RESULT.appInvalid, msg: 'app is unvalid', data: null };
  if (!verify(b, secret)) return { result: RESULT.signError, msg: 'sign error', data: null };
  const ts = Number(b.timestamp);
  if (!Number.isFinite(ts) || Math.abs(ts - clock.now() / 1000) > FRESH_S) return { result: RESULT.paramsError, msg: 'timestamp expired', data: null };
  const busy = fake.busy();
  if (busy) return busy;
  switch (path) {
    case METHODS.products: return fake.productList();
    case METHODS.searchNumbers: return fake.searchNumbers(b);
    case METHODS.occupy: return fake.occupy(b);
    case METHODS.release: return fake.release(b);
    case METHODS.submit: return fake.submit(b);
    case METHODS.query: return fake.query(b);
    case METHODS.cancel: return fake.cancel(b);
    case METHODS.afterSale: return fake.afterSale(b);
    default: return { result: RESULT.paramsError, msg: '接口不存在', data: null };
  }
}

export function serveFakeSupplier(fake: FakeMd5Supplier, secret: string, clock: Clock): Promise<FakeSupplierServer> {
  return serveLocal((req) => ({
    status: 200,
    body: req.method === 'POST' ? answer(fake, secret, clock, req.url.split('?')[0] ?? '', req.body) : { result: RESULT.paramsError, msg: '请使用POST', data: null },
  }));
}
