// The request a piece of work belongs to, carried across awaits (AsyncLocalStorage): the HTTP layer opens it
// for each request, the store stamps it on outbox rows, and the worker reopens it when it delivers a row,
// so that one id follows an order from the call that changed it to the SMS or refund it caused.
import { AsyncLocalStorage } from 'node:async_hooks';

const storage = new AsyncLocalStorage<{ requestId: string }>();

export const currentRequestId = (): string | null => storage.getStore()?.requestId ?? null;

export function withRequestId<T>(requestId: string | null, fn: () => T): T {
  return requestId ? storage.run({ requestId }, fn) : fn();
}

/** Log lines written inside a request or a delivery carry its id (pino's mixin). */
export const requestIdMixin = (): Record<string, string> => {
  const id = currentRequestId();
  return id ? { reqId: id } : {};
};
