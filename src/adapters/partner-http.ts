// One HTTP exchange with a partner, on node:http / node:https with kept-alive connections. The partners' clients
// written by hand (WeChat Pay API v3, the bank, Kuaidi100, the suppliers, order push-backs) call here instead of the global fetch:
// fetch builds web streams, a Request, a Response and a resource-timing entry for every call, which cost a paid
// cycle through WeChat Pay about a millisecond of server CPU (bench/gateway-cycles.ts) for one request and answer.
// The answer is read whole, as text; a call that outlives its time is abandoned with an error, like a refused
// connection: the caller treats both as "no answer".
import { Agent as HttpAgent, request as httpRequest, type IncomingHttpHeaders } from 'node:http';
import { Agent as HttpsAgent, request as httpsRequest } from 'node:https';

export interface PartnerRequest {
  method: 'GET' | 'POST';
  headers?: Record<string, string>;
  body?: string;
  timeoutMs: number;
}

export interface PartnerAnswer {
  status: number;
  /** A header of the answer by its name in any case; the first of repeated ones. */
  header(name: string): string | undefined;
  text: string;
}

/** Answers within this many bytes; a partner's larger answer (a bill) is refused rather than held in memory. */
const MAX_ANSWER_BYTES = 64 * 1024 * 1024;

const agents = {
  http: new HttpAgent({ keepAlive: true, maxSockets: 64, maxFreeSockets: 16, scheduling: 'lifo' }),
  https: new HttpsAgent({ keepAlive: true, maxSockets: 64, maxFreeSockets: 16, scheduling: 'lifo' }),
};

function headerOf(headers: IncomingHttpHeaders, name: string): string | undefined {
  const v = headers[name.toLowerCase()];
  return Array.isArray(v) ? v[0] : v;
}

/** Sends the request and reads the whole answer; rejects when the connection fails or the time runs out. */
export function partnerCall(url: string, req: PartnerRequest): Promise<PartnerAnswer> {
  const u = new URL(url);
  const secure = u.protocol === 'https:';
  if (!secure && u.protocol !== 'http:') return Promise.reject(new Error(`not an http(s) address: ${u.protocol}`));
  const headers: Record<string, string | number> = { ...req.headers };
  if (req.body !== undefined) headers['content-length'] = Buffer.byteLength(req.body);
  return new Promise<PartnerAnswer>((resolve, reject) => {
    const call = (secure ? httpsRequest : httpRequest)(u, { method: req.method, headers, agent: secure ? agents.https : agents.http }, (res) => {
      const chunks: Buffer[] = [];
      let size = 0;
      res.on('data', (c: Buffer) => {
        size += c.length;
        if (size > MAX_ANSWER_BYTES) call.destroy(new Error(`answer larger than ${MAX_ANSWER_BYTES} bytes`));
        else chunks.push(c);
      });
      res.on('end', () => {
        clearTimeout(timer);
        const text = chunks.length === 1 ? chunks[0]!.toString('utf8') : Buffer.concat(chunks).toString('utf8');
        resolve({ status: res.statusCode ?? 0, header: (name) => headerOf(res.headers, name), text });
      });
      // An answer cut off before its end is an 'error' here ('aborted'), as is a refused or reset connection below.
      res.on('error', fail);
    });
    const timer = setTimeout(() => call.destroy(new Error(`no answer in ${req.timeoutMs} ms`)), req.timeoutMs);
    function fail(e: Error) {
      clearTimeout(timer);
      reject(e);
    }
    call.on('error', fail);
    call.end(req.body);
  });
}
