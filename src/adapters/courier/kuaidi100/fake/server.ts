// The fake Kuaidi100 on 127.0.0.1: poll (订阅), poll/query.do (实时查询) and label/order (电子面单, 拦截改址),
// each a form POST answered with Kuaidi100's JSON. One address serves both of Kuaidi100's hosts.
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { FakeKuaidi100 } from './fake-kuaidi100.ts';

export interface FakeKuaidi100Server {
  /** http://127.0.0.1:<port>: both the poll endpoint and the api endpoint. */
  url: string;
  close(): Promise<void>;
}

const MAX_BODY = 64 * 1024;

export async function serveFakeKuaidi100(fake: FakeKuaidi100, port = 0): Promise<FakeKuaidi100Server> {
  const server: Server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    let size = 0;
    req.on('data', (c: Buffer) => {
      size += c.length;
      if (size > MAX_BODY) req.destroy();
      else chunks.push(c);
    });
    req.on('end', () => {
      void (async () => {
        const form = new URLSearchParams(Buffer.concat(chunks).toString('utf8'));
        const path = (req.url ?? '').split('?')[0];
        let answer: unknown;
        if (req.method !== 'POST') answer = { result: false, returnCode: '400', message: '请使用POST' };
        else if (path === '/poll') answer = await fake.subscribe(form);
        else if (path === '/poll/query.do') answer = fake.query(form);
        else if (path === '/label/order') answer = fake.label(form);
        else answer = { result: false, returnCode: '404', message: '接口不存在' };
        res.writeHead(200, { 'content-type': 'application/json;charset=utf-8' });
        res.end(JSON.stringify(answer));
      })().catch(() => {
        res.writeHead(500);
        res.end();
      });
    });
  });
  await new Promise<void>((resolve) => server.listen({ port, host: '127.0.0.1', exclusive: true }, resolve));
  const { port: bound } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${bound}`,
    close: () => new Promise<void>((resolve) => {
      server.closeAllConnections();
      server.close(() => resolve());
    }),
  };
}
