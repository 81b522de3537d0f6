// The fake Kuaidi100 on 127.0.0.1: poll (订阅), poll/query.do (实时查询) and label/order (电子面单, 拦截改址),
// each a form POST answered with Kuaidi100's JSON. One address serves both of Kuaidi100's hosts.
import { serveLocal, type LocalServer } from '../../../sim/local-server.ts';
import type { FakeKuaidi100 } from './fake-kuaidi100.ts';

/** url: http://127.0.0.1:<port>, both the poll endpoint and the api endpoint. */
export type FakeKuaidi100Server = LocalServer;

export function serveFakeKuaidi100(fake: FakeKuaidi100, port = 0): Promise<FakeKuaidi100Server> {
  return serveLocal(async (req) => {
    const form = new URLSearchParams(req.body);
    const path = req.url.split('?')[0];
    if (req.method !== 'POST') return { status: 200, body: { result: false, returnCode: '400', message: '请使用POST' } };
    if (path === '/poll') return { status: 200, body: await fake.subscribe(form) };
    if (path === '/poll/query.do') return { status: 200, body: fake.query(form) };
    if (path === '/label/order') return { status: 200, body: fake.label(form) };
    return { status: 200, body: { result: false, returnCode: '404', message: '接口不存在' } };
  }, { port });
}
