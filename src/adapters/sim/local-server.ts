// The socket side of a partner's fake on 127.0.0.1: each request read whole (up to a size; a larger one is cut
// off), handed to the fake, and its answer written as JSON, or held unanswered (a partner that does not answer in
// time). The port is the process's own (exclusive): under `serve --processes` a fake is never shared through the
// first process, since its books belong to the process that started it.
import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface LocalRequest {
  method: string;
  /** Path and query as sent. */
  url: string;
  headers: IncomingHttpHeaders;
  body: string;
}

/** `body` undefined: an empty answer. */
export type LocalAnswer = { status: number; body?: unknown } | 'hang';

export interface LocalServer {
  url: string;
  close(): Promise<void>;
}

const MAX_BODY = 64 * 1024;

export async function serveLocal(
  handle: (req: LocalRequest) => LocalAnswer | Promise<LocalAnswer>,
  opts: { port?: number; maxBody?: number; onError?: () => LocalAnswer } = {},
): Promise<LocalServer> {
  const maxBody = opts.maxBody ?? MAX_BODY;
  const server: Server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    let size = 0;
    req.on('data', (c: Buffer) => {
      size += c.length;
      if (size > maxBody) req.destroy();
      else chunks.push(c);
    });
    req.on('end', () => {
      void (async () => {
        let answer: LocalAnswer;
        try {
          answer = await handle({ method: req.method ?? 'GET', url: req.url ?? '/', headers: req.headers, body: Buffer.concat(chunks).toString('utf8') });
        } catch {
          answer = opts.onError?.() ?? { status: 500 };
        }
        if (answer === 'hang') return;
        if (answer.body === undefined) {
          res.writeHead(answer.status);
          res.end();
          return;
        }
        res.writeHead(answer.status, { 'content-type': 'application/json;charset=utf-8' });
        res.end(JSON.stringify(answer.body));
      })();
    });
  });
  return { url: await listenLocal(server, opts.port), close: () => closeLocal(server) };
}

/** Listens on 127.0.0.1 on a port of this process's own; the base URL. For fakes that write their answers themselves. */
export async function listenLocal(server: Server, port = 0): Promise<string> {
  await new Promise<void>((resolve) => server.listen({ port, host: '127.0.0.1', exclusive: true }, resolve));
  return `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
}

/** Stops at once: open connections are dropped, as a partner's host going away would. */
export function closeLocal(server: Server): Promise<void> {
  return new Promise<void>((resolve) => {
    server.closeAllConnections();
    server.close(() => resolve());
  });
}
