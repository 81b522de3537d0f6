// Aliyun's SDK sends through httpx, which starts a read timer on the socket for each request and clears it only
// when the body is read through httpx.read. The SDK reads the body with a reader of its own, so every timer stays
// pending for the whole read timeout (HAOKA_SMS_TIMEOUT_MS) and keeps its request, its response and their buffers
// in memory: at 700 texts a second, 3,500 answered requests held for 5 s. When it fires, it also clears the timer
// of whichever request the socket carries by then. Here each such timer is cleared once its answer has been read
// in full, as httpx.read would have cleared it (a body that stops half-way still meets it).
import { subscribe } from 'node:diagnostics_channel';
import type { ClientRequest, IncomingMessage } from 'node:http';
import type { Socket } from 'node:net';

/** httpx's symbol for the timer (Symbol('TIMER::READ_TIMER'), its own, found by its description). */
const DESCRIPTION = 'TIMER::READ_TIMER';
type Holder = Record<symbol, NodeJS.Timeout | null>;
let key: symbol | undefined;
let installed = false;

export function readTimer(socket: Socket): NodeJS.Timeout | null {
  key ??= Object.getOwnPropertySymbols(socket).find((s) => s.description === DESCRIPTION);
  return key ? ((socket as unknown as Holder)[key] ?? null) : null;
}

function onResponse(message: unknown): void {
  const { request, response } = message as { request: ClientRequest; response: IncomingMessage };
  const socket = request.socket;
  const timer = socket ? readTimer(socket) : null;
  if (!socket || !timer) return;
  response.once('end', () => {
    clearTimeout(timer);
    if (readTimer(socket) === timer) (socket as unknown as Holder)[key!] = null;
  });
}

/** Once per process: every HTTP answer read in full clears the httpx timer of its request. */
export function clearReadTimersWhenRead(): void {
  if (installed) return;
  installed = true;
  subscribe('http.client.response.finish', onResponse);
}
