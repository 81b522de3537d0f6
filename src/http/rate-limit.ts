// Fixed-window rate limits per key (a phone, a username, a customer, an address): they slow down guessing and
// flooding; the hard rules (one code a minute, five tries a code) live in the store. The limits on guessing
// (sign-in codes, sign-ins, identity checks) are `shared`: counted in the store, one upsert a hit, so that two
// serve processes do not double them; the others (cancellations, assistant messages) are counted in process
// memory, because they sit on busy paths and only hold back flooding.
import type { FastifyReply, FastifyRequest, HookHandlerDoneFunction } from 'fastify';
import { fail } from '../domain/errors.ts';
import type { Clock } from '../app/platform/ports.ts';
import { sendError } from './errors.ts';

export interface Limit {
  name: string;
  max: number;
  windowMs: number;
  key: (req: FastifyRequest) => string | null;
  /** Counted in the store, for all processes together. */
  shared?: boolean;
}

/** Where shared limits are counted; keys reach it hashed (they may be phone numbers). */
export interface SharedWindows {
  hit(key: string, now: number, windowMs: number): Promise<{ windowStart: number; hits: number }>;
  /** Takes one hit back from the window that started then (none when a new window has begun since). */
  giveBack(key: string, windowStart: number): Promise<void>;
  hashKey(key: string): string;
}

/** A hit a request counted: given back when its answer turns out not to be a new attempt. */
export interface CountedHit {
  shared: boolean;
  key: string;
  windowStart: number;
}

declare module 'fastify' {
  interface FastifyInstance {
    limiter: RateLimiter;
  }
  interface FastifyRequest {
    /** The hits this request counted against its route's limits. */
    limitHits: CountedHit[] | null;
    /** Answered with what an earlier request under the same Idempotency-Key answered: not a new attempt. */
    repeated: boolean;
  }
}

const MAX_KEYS = 100_000;

export class RateLimiter {
  private readonly windows = new Map<string, { start: number; count: number }>();
  constructor(private readonly clock: Clock, private readonly shared: SharedWindows | null = null) {}

  /** Counts one hit; returns how long to wait when the limit is reached, else 0. */
  hit(key: string, max: number, windowMs: number, counted?: CountedHit[]): number {
    const now = this.clock.now();
    let w = this.windows.get(key);
    if (!w || now - w.start >= windowMs) {
      if (this.windows.size >= MAX_KEYS) this.windows.clear();
      this.windows.set(key, (w = { start: now, count: 0 }));
    }
    w.count++;
    counted?.push({ shared: false, key, windowStart: w.start });
    return w.count > max ? w.start + windowMs - now : 0;
  }

  /** The same window, counted in the store. */
  async hitShared(key: string, max: number, windowMs: number, counted?: CountedHit[]): Promise<number> {
    const now = this.clock.now();
    const hashed = this.shared!.hashKey(key);
    const w = await this.shared!.hit(hashed, now, windowMs);
    counted?.push({ shared: true, key: hashed, windowStart: w.windowStart });
    return w.hits > max ? w.windowStart + windowMs - now : 0;
  }

  /**
   * Gives back the hits of a request that was not a new attempt: answered with a server error (the client sends it
   * again, and nothing was decided), or with the first answer under its Idempotency-Key. A customer whose network
   * drops the answers does not use up an allowance meant for guesses.
   */
  async giveBack(hits: readonly CountedHit[]): Promise<void> {
    for (const h of hits) {
      if (h.shared) {
        await this.shared?.giveBack(h.key, h.windowStart);
        continue;
      }
      const w = this.windows.get(h.key);
      if (w && w.start === h.windowStart && w.count > 0) w.count--;
    }
  }

  /** A route hook refusing with `REQUEST.RATE_LIMITED` over any of the limits; per-process limits answer without a promise. */
  guard(...limits: Limit[]) {
    const refuse = (reply: FastifyReply, l: Limit, wait: number) => {
      sendError(reply, fail('REQUEST.RATE_LIMITED', 'Too many requests; please wait a moment and try again.', { limit: l.name, retryAfterMs: wait }));
    };
    if (limits.some((l) => l.shared && this.shared)) {
      return (req: FastifyRequest, reply: FastifyReply, done: HookHandlerDoneFunction) => {
        (async () => {
          for (const l of limits) {
            const k = l.key(req);
            if (k === null) continue;
            const counted = (req.limitHits ??= []);
            const wait = l.shared && this.shared ? await this.hitShared(`${l.name}:${k}`, l.max, l.windowMs, counted) : this.hit(`${l.name}:${k}`, l.max, l.windowMs, counted);
            if (wait > 0) return refuse(reply, l, wait);
          }
          done();
        })().catch(done);
      };
    }
    return (req: FastifyRequest, reply: FastifyReply, done: HookHandlerDoneFunction) => {
      for (const l of limits) {
        const k = l.key(req);
        if (k === null) continue;
        const wait = this.hit(`${l.name}:${k}`, l.max, l.windowMs, (req.limitHits ??= []));
        if (wait > 0) return refuse(reply, l, wait);
      }
      done();
    };
  }
}

const MIN = 60_000;
const field = (name: string) => (req: FastifyRequest) => {
  const v = (req.body as Record<string, unknown> | undefined)?.[name];
  return typeof v === 'string' ? v : null;
};

/** A body field together with the client address (`req.ip`: the proxy's client only behind HAOKA_TRUST_PROXY). */
const fieldFromAddress = (name: string) => {
  const f = field(name);
  return (req: FastifyRequest) => {
    const v = f(req);
    return v === null ? null : `${v}\0${req.ip}`;
  };
};

/**
 * The limits the routes use; sized for people, well above what a person does. Sign-in codes count per phone and
 * address and per address, never per phone alone, so that a stranger asking for someone's codes uses up their
 * own allowance and not the owner's (the one-a-minute resend per phone still holds). Wrong codes and passwords
 * are slowed down in the use case (app/platform/sign-in-attempts.ts), before the code or password is compared.
 */
export const LIMITS = {
  codesPerPhoneAndAddress: { name: 'codes-per-phone-address', max: 5, windowMs: 60 * MIN, key: fieldFromAddress('phone'), shared: true },
  // Wide: behind a carrier's NAT many customers share one address; it bounds the texts one address can cost.
  codesPerAddress: { name: 'codes-per-address', max: 60, windowMs: MIN, key: (req) => req.ip, shared: true },
  cancellationsPerCustomer: { name: 'cancellations', max: 60, windowMs: MIN, key: (req) => req.principal?.sub ?? req.ip },
  // The per-order lock (five wrong IDs) stops guessing on one order; this stops one account spreading its
  // guesses over many orders, and an agent reading out IDs in a loop.
  identityChecksPerCaller: { name: 'identity-checks', max: 10, windowMs: 15 * MIN, key: (req) => req.principal?.sub ?? req.ip, shared: true },
  // Each check is a call to the channel: a customer back from the app asks once or twice, a script far more.
  paymentChecksPerCaller: { name: 'payment-checks', max: 20, windowMs: MIN, key: (req) => req.principal?.sub ?? req.ip },
  // The assistant classifies every message and may open a ticket: a person types far fewer than this.
  assistantMessagesPerCustomer: { name: 'assistant-messages', max: 30, windowMs: MIN, key: (req) => req.principal?.sub ?? req.ip },
} satisfies Record<string, Limit>;
