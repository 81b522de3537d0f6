import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { partnerCall } from '../../src/adapters/partner-http.ts';

describe('a call to a partner over HTTP', () => {
  let server: Server;
  let base: string;
  const seen: { method: string; url: string; length: string | undefined; body: string; socket: unknown }[] = [];

  beforeAll(async () => {
    server = createServer((req, res) => {
      let body = '';
      req.setEncoding('utf8');
      req.on('data', (c: string) => { body += c; });
      req.on('end', () => {
        seen.push({ method: req.method!, url: req.url!, length: req.headers['content-length'], body, socket: req.socket });
        if (req.url === '/slow') return; // never answers
        if (req.url === '/cut') return req.socket.destroy();
        if (req.url === '/half') {
          // The head and part of the body, then the connection drops.
          res.writeHead(200, { 'content-length': '100' });
          res.write('{"part');
          return void setTimeout(() => req.socket.destroy(), 10);
        }
        res.setHeader('Wechatpay-Nonce', 'N1');
        res.setHeader('set-cookie', ['a=1', 'b=2']);
        res.statusCode = req.url === '/missing' ? 404 : 200;
        res.end(JSON.stringify({ echo: body, 中文: '支付成功' }));
      });
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  afterAll(() => new Promise<void>((r) => { server.closeAllConnections(); server.close(() => r()); }));

  it('sends the body with its length in bytes and reads the whole answer, its status and its headers in any case', async () => {
    const a = await partnerCall(`${base}/v3/refund?x=1`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{"说明":"退款"}', timeoutMs: 2000 });
    expect(a.status).toBe(200);
    expect(JSON.parse(a.text)).toEqual({ echo: '{"说明":"退款"}', 中文: '支付成功' });
    expect([a.header('wechatpay-nonce'), a.header('WECHATPAY-NONCE'), a.header('Set-Cookie'), a.header('absent')]).toEqual(['N1', 'N1', 'a=1', undefined]);
    expect(seen.at(-1)).toMatchObject({ method: 'POST', url: '/v3/refund?x=1', length: String(Buffer.byteLength('{"说明":"退款"}')) });
  });

  it('answers a refusal as an answer, and keeps the connection for the next call', async () => {
    const a = await partnerCall(`${base}/missing`, { method: 'GET', timeoutMs: 2000 });
    const b = await partnerCall(`${base}/again`, { method: 'GET', timeoutMs: 2000 });
    expect([a.status, b.status]).toEqual([404, 200]);
    expect(seen.at(-1)!.socket).toBe(seen.at(-2)!.socket);
  });

  it('gives up when the partner does not answer in time, is cut off, or cannot be reached', async () => {
    await expect(partnerCall(`${base}/slow`, { method: 'GET', timeoutMs: 100 })).rejects.toThrow('no answer in 100 ms');
    await expect(partnerCall(`${base}/cut`, { method: 'GET', timeoutMs: 2000 })).rejects.toThrow();
    await expect(partnerCall(`${base}/half`, { method: 'GET', timeoutMs: 2000 })).rejects.toThrow();
    const closed = createServer();
    await new Promise<void>((r) => closed.listen(0, '127.0.0.1', r));
    const port = (closed.address() as AddressInfo).port;
    await new Promise<void>((r) => closed.close(() => r()));
    await expect(partnerCall(`http://127.0.0.1:${port}/`, { method: 'GET', timeoutMs: 2000 })).rejects.toThrow(/ECONNREFUSED/);
    await expect(partnerCall('ftp://127.0.0.1/', { method: 'GET', timeoutMs: 2000 })).rejects.toThrow('not an http(s) address');
  });
});
