// The socket side of a fake SMS provider on 127.0.0.1 (adapters/sim/local-server.ts): a request the provider's
// handler could not answer gets the providers' own "unknown error" answer.
import { serveLocal, type LocalAnswer, type LocalRequest, type LocalServer } from '../../sim/local-server.ts';

export type FakeRequest = LocalRequest;
export type FakeAnswer = { status: number; body: unknown } | 'hang';
export type FakeServer = LocalServer;

export function serveFake(handle: (req: FakeRequest) => FakeAnswer): Promise<FakeServer> {
  return serveLocal(handle as (req: LocalRequest) => LocalAnswer, {
    onError: () => ({ status: 500, body: { Code: 'InternalError', Message: 'The request processing has failed due to some unknown error.' } }),
  });
}
