// The fake md5kv supplier on 127.0.0.1: one JSON POST path per method, each request's app id, freshness and
// signature checked as the supplier does, answered in its { result, msg, data } envelope.
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Clock } from '../../../../app/platform/ports.ts';
import { METHODS, RESULT, verify, type Envelope } from '../protocol.ts';
import type { FakeMd5Supplier } from './fake-supplier.ts';

export interface FakeSupplierServer {
  url: string;
  close(): Promise<void>;
}

const MAX_BODY = 64 * 1024;
/** Requests older or newer than this (by their timestamp, unix seconds) are refused. */
const FRESH_S = 300;

export function answer(fake: FakeMd5Supplier, secret: string, clock: Clock, path: string, raw: string): Envelope {
  let b: Record<string, unknown>;
  try {
    b = JSON.parse(raw) as Record<string, unknown>;
    if (typeof b !== 'object' || b === null || Array.isArray(b)) throw new Error('not an object');
  } catch {
    return { result: RESULT.paramsError, msg: '请求体不是JSON', data: null };
  }
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

export async function serveFakeSupplier(fake: FakeMd5Supplier, secret: string, clock: Clock): Promise<FakeSupplierServer> {
  const server: Server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    let size = 0;
    req.on('data', (c: Buffer) => {
      size += c.length;
      if (size > MAX_BODY) req.destroy();
      else chunks.push(c);
    });
    req.on('end', () => {
      const path = (req.url ?? '').split('?')[0] ?? '';
      const env = req.method === 'POST' ? answer(fake, secret, clock, path, Buffer.concat(chunks).toString('utf8')) : { result: RESULT.paramsError, msg: '请使用POST', data: null };
      res.writeHead(200, { 'content-type': 'application/json;charset=utf-8' });
      res.end(JSON.stringify(env));
    });
  });
  await new Promise<void>((ok) => server.listen(0, '127.0.0.1', ok));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    close: () => new Promise<void>((ok) => {
      server.closeAllConnections();
      server.close(() => ok());
    }),
  };
}
