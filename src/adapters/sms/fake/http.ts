// The socket side of a fake SMS provider on 127.0.0.1: reads the request, hands it to the provider's handler,
// writes its JSON answer, or holds the request unanswered (a provider that does not answer in time).
import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface FakeRequest {
  method: string;
  /** Path and query as sent. */
  url: string;
  headers: IncomingHttpHeaders;
  body: string;
}

export type FakeAnswer = { status: number; body: unknown } | 'hang';

export interface FakeServer {
  url: string;
  close(): Promise<void>;
}

const MAX_BODY = 64 * 1024;

export async function serveFake(handle: (req: FakeRequest) => FakeAnswer): Promise<FakeServer> {
  const server: Server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    let size = 0;
    req.on('data', (c: Buffer) => {
      size += c.length;
      if (size > MAX_BODY) req.destroy();
      else chunks.push(c);
    });
    req.on('end', () => {
      let answer: FakeAnswer;
      try {
        answer = handle({ method: req.method ?? 'GET', url: req.url ?? '/', headers: req.headers, body: Buffer.concat(chunks).toString('utf8') });
      } catch {
        answer = { status: 500, body: { Code: 'InternalError', Message: 'The request processing has failed due to some unknown error.' } };
      }
      if (answer === 'hang') return;
      res.writeHead(answer.status, { 'content-type': 'application/json;charset=utf-8' });
      res.end(JSON.stringify(answer.body));
    });
  });
  await new Promise<void>((resolve) => server.listen({ port: 0, host: '127.0.0.1', exclusive: true }, resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    close: () => new Promise<void>((resolve) => {
      server.closeAllConnections();
      server.close(() => resolve());
    }),
  };
}
