// A hand-written client of OneLink API v5 (protocol.ts): the token taken once and kept until shortly before its
// ttl ends, taken again at once when the platform answers 12021 (a token it no longer knows: expired, or taken
// anew by another of our processes), and every answer read through its schema. A refusal is an error value
// with the platform's code; a platform that does not answer (or answers 500) is `OneLinkUnavailable`.
import type { z } from 'zod';
import type { Clock } from '../../../app/platform/ports.ts';
import { CarrierRefusal } from '../../../app/iot/ports.ts';
import {
  basicInfoResult, batchResultEntry, dailyUsageResult, envelopeSchema, jobIdResult, ONELINK_CODES, ONELINK_PATHS, simStatusResult,
  tokenResult, transid,
} from './protocol.ts';

export interface OneLinkAccount {
  /** The platform's base address (https://api.iot.10086.cn); the paths carry /v5/ec/... */
  url: string;
  appid: string;
  password: string;
  timeoutMs?: number;
}

/** The platform answered with a code other than "0". */
export class OneLinkRefusal extends CarrierRefusal {
  constructor(code: string, readonly platformMessage: string) {
    super(code, `OneLink ${code}: ${platformMessage}`);
  }
}

/** The platform did not answer, answered what is not its JSON, or reported an internal error (worth asking again). */
export class OneLinkUnavailable extends Error {}

/** A token is taken again this long before the platform would let it run out. */
const TOKEN_MARGIN_MS = 60_000;
const DEFAULT_TTL_S = 3600;

export class OneLinkClient {
  private token: { value: string; until: number } | null = null;
  private taking: Promise<string> | null = null;
  // The sequence starts at a place of this process's own: two processes calling in the same second differ.
  private seq = (process.pid % 1000) * 100_000;

  constructor(readonly account: OneLinkAccount, private readonly clock: Clock) {}

  private nextTransid(): string {
    this.seq = (this.seq + 1) % 100_000_000;
    return transid(this.account.appid, this.clock.now(), this.seq);
  }

  /** One request: the envelope read, its result list returned on status "0". */
  private async request(path: string, params: Record<string, string>): Promise<unknown[]> {
    const url = new URL(path, this.account.url);
    for (const [k, v] of Object.entries(params)) url.searchParams.set(k, v);
    let raw: unknown;
    try {
      const res = await fetch(url, { method: 'GET', headers: { accept: 'application/json' }, signal: AbortSignal.timeout(this.account.timeoutMs ?? 10_000) });
      if (res.status >= 500) throw new OneLinkUnavailable(`OneLink answered HTTP ${res.status}`);
      raw = await res.json();
    } catch (e) {
      if (e instanceof OneLinkUnavailable) throw e;
      throw new OneLinkUnavailable(`OneLink did not answer ${path}: ${(e as Error).message}`);
    }
    const env = envelopeSchema.safeParse(raw);
    if (!env.success) throw new OneLinkUnavailable(`OneLink answered ${path} with what is not its envelope`);
    if (env.data.status === ONELINK_CODES.internal) throw new OneLinkUnavailable(`OneLink ${env.data.status}: ${env.data.message}`);
    if (env.data.status !== ONELINK_CODES.ok) throw new OneLinkRefusal(env.data.status, env.data.message);
    return env.data.result ?? [];
  }

  /** The token, taken when there is none or it is about to run out (one request at a time takes it). */
  async currentToken(): Promise<string> {
    if (this.token && this.clock.now() < this.token.until) return this.token.value;
    this.taking ??= this.takeToken().finally(() => { this.taking = null; });
    return this.taking;
  }

  private async takeToken(): Promise<string> {
    const result = await this.request(ONELINK_PATHS.token, { appid: this.account.appid, password: this.account.password, transid: this.nextTransid() });
    const t = first(tokenResult, result, 'token');
    const ttlMs = (Number(t.ttl) > 0 ? Number(t.ttl) : DEFAULT_TTL_S) * 1000;
    this.token = { value: t.token, until: this.clock.now() + Math.max(0, ttlMs - TOKEN_MARGIN_MS) };
    return t.token;
  }

  /** A call with transid and token; a token the platform no longer knows is taken again, once. */
  async call(path: string, params: Record<string, string>): Promise<unknown[]> {
    for (let attempt = 0; ; attempt++) {
      const token = await this.currentToken();
      try {
        return await this.request(path, { transid: this.nextTransid(), token, ...params });
      } catch (e) {
        if (attempt > 0 || !(e instanceof OneLinkRefusal) || e.code !== ONELINK_CODES.tokenExpired) throw e;
        if (this.token?.value === token) this.token = null;
      }
    }
  }

  async simStatus(iccid: string) {
    return first(simStatusResult, await this.call(ONELINK_PATHS.simStatus, { iccid }), 'sim-status');
  }

  async simBasicInfo(iccid: string) {
    return first(basicInfoResult, await this.call(ONELINK_PATHS.simBasicInfo, { iccid }), 'sim-basic-info');
  }

  /** 单卡状态变更: answered at once. */
  async changeSimStatus(iccid: string, operType: string): Promise<void> {
    await this.call(ONELINK_PATHS.changeSimStatus, { iccid, operType });
  }

  /** 物联卡状态变更批量办理: the platform takes the cards and answers a job to ask after. */
  async changeSimStatusBatch(iccids: string[], operType: string, reason: string): Promise<string> {
    return first(jobIdResult, await this.call(ONELINK_PATHS.changeSimStatusBatch, { iccids: iccids.join('_'), operType, reason }), 'change/sim-status/batch').jobId;
  }

  async batchResult(jobId: string) {
    return first(batchResultEntry, await this.call(ONELINK_PATHS.batchResult, { jobId }), 'sim-batch-result');
  }

  /** 物联卡单日GPRS流量使用量批量查询: each card's KB of that day (queryDate yyyyMMdd). */
  async dataUsageDaily(iccids: string[], queryDate: string): Promise<{ iccid: string; kb: number }[]> {
    const out: { iccid: string; kb: number }[] = [];
    for (const entry of await this.call(ONELINK_PATHS.dataUsageDaily, { iccids: iccids.join('_'), queryDate })) {
      for (const line of read(dailyUsageResult, entry, 'sim-data-usage-daily/batch').dataAmountList) {
        if (line.iccid) out.push({ iccid: line.iccid, kb: Number(line.dataAmount) || 0 });
      }
    }
    return out;
  }
}

function read<T>(schema: z.ZodType<T>, value: unknown, what: string): T {
  const parsed = schema.safeParse(value);
  if (!parsed.success) throw new OneLinkUnavailable(`OneLink's ${what} answer is not as published: ${parsed.error.message}`);
  return parsed.data;
}

const first = <T>(schema: z.ZodType<T>, result: unknown[], what: string): T => read(schema, result[0], what);
