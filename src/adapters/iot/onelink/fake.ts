// The fake OneLink platform on 127.0.0.1: the v5 calls the adapter makes, read from the query (or a JSON body,
// as some integrators post them), answered in the platform's envelope with its codes. It refuses a wrong appid or
// password (12022), a transid not of the published form (12004), a token it did not issue or that ran out
// (12021), a card it does not know (12009 / 12010), a change the card's state forbids (12089) and the same card
// changed again within 3 minutes; it takes batch changes as jobs carried out later (fake-book.ts) and reports
// each card's usage of a day in KB, for the last 7 days up to yesterday.
import { billDayStart, previousBillDay } from '../../../domain/policies/bill-day.ts';
import { serveLocal, type LocalAnswer, type LocalRequest, type LocalServer } from '../../sim/local-server.ts';
import { CHANGE_TYPES, FakeOneLinkBook, type FakeCard } from './fake-book.ts';
import { BATCH_MAX, beijingStamp, fromQueryDate, ONELINK_CODES, ONELINK_PATHS, USAGE_DAYS_KEPT } from './protocol.ts';

export interface FakeOneLinkAccount {
  appid: string;
  password: string;
  /** How long a token lives, in seconds (the platform's ttl). */
  tokenTtlS?: number;
}

type Params = Record<string, string>;
type Reply = { status: string; message: string; result?: unknown[] };

const ok = (result: unknown[]): Reply => ({ status: ONELINK_CODES.ok, message: '正确', result });
const no = (status: string, message: string): Reply => ({ status, message });
const MESSAGES: Record<string, string> = {
  [ONELINK_CODES.authFailed]: 'transId 或 appid 或 token 鉴权失败',
  [ONELINK_CODES.tokenExpired]: 'token 不存在或已过期，请重新获取',
  [ONELINK_CODES.badAppOrPassword]: 'appid 或 password 鉴权不通过',
  [ONELINK_CODES.cardNotOurs]: '卡号鉴权失败，不属于此用户',
  [ONELINK_CODES.cardUnknown]: '卡号鉴权失败，不存在本系统',
  [ONELINK_CODES.sameCardTooSoon]: '同一卡号3分钟内不得重复调用该接口',
};
const refuse = (code: string): Reply => no(code, MESSAGES[code] ?? '其他错误');

export class FakeOneLink {
  private server: LocalServer | null = null;

  constructor(readonly account: FakeOneLinkAccount, readonly book: FakeOneLinkBook) {}

  async start(port?: number): Promise<string> {
    this.server = await serveLocal((req) => this.handle(req), { ...(port ? { port } : {}), onError: () => ({ status: 200, body: no(ONELINK_CODES.internal, '内部错误,请联系管理员') }) });
    return this.server.url;
  }

  async stop(): Promise<void> {
    await this.server?.close();
    this.server = null;
    this.book.close();
  }

  handle(req: LocalRequest): LocalAnswer {
    const url = new URL(req.url, 'http://fake');
    const params: Params = Object.fromEntries(url.searchParams);
    if (req.method === 'POST' && req.body.trim().startsWith('{')) {
      try {
        for (const [k, v] of Object.entries(JSON.parse(req.body) as Record<string, unknown>)) params[k] = String(v);
      } catch {
        return { status: 200, body: no(ONELINK_CODES.badParameter, '请求参数错误') };
      }
    }
    return { status: 200, body: this.answer(url.pathname, params) };
  }

  answer(path: string, p: Params): Reply {
    this.book.catchUp();
    if (this.book.busyNext > 0) {
      this.book.busyNext -= 1;
      return no(ONELINK_CODES.internal, '内部错误,请联系管理员');
    }
    if (!this.transidValid(p.transid)) return refuse(ONELINK_CODES.authFailed);
    if (path === ONELINK_PATHS.token) {
      if (p.appid !== this.account.appid || p.password !== this.account.password) return refuse(ONELINK_CODES.badAppOrPassword);
      const ttl = this.account.tokenTtlS ?? 3600;
      return ok([{ token: this.book.issueToken(ttl * 1000), ttl: String(ttl) }]);
    }
    if (!p.token || !this.book.tokenValid(p.token)) return refuse(ONELINK_CODES.tokenExpired);
    switch (path) {
      case ONELINK_PATHS.simStatus: return this.oneCard(p, (c) => ok([{ cardStatus: c.status, lastChangeDate: c.lastChangeAt ? beijingStamp(c.lastChangeAt) : '' }]));
      case ONELINK_PATHS.simBasicInfo: return this.oneCard(p, (c) => ok([{ msisdn: c.msisdn, imsi: `46004${c.msisdn.slice(-10)}`, iccid: c.iccid, activeDate: c.activeAt === null ? '' : beijingStamp(c.activeAt), openDate: '2026-01-05 10:00:00' }]));
      case ONELINK_PATHS.changeSimStatus: return this.oneCard(p, (c) => {
        if (!CHANGE_TYPES.includes(p.operType as never)) return no(ONELINK_CODES.badParameter, 'operType 取值错误');
        if (this.book.askedTooSoon(c)) return refuse(ONELINK_CODES.sameCardTooSoon);
        const refused = this.book.changeNow(c, p.operType!);
        return refused ? no(refused.code, refused.message) : ok([{ iccid: c.iccid }]);
      });
      case ONELINK_PATHS.changeSimStatusBatch: return this.manyCards(p, (cards) => {
        if (!CHANGE_TYPES.includes(p.operType as never)) return no(ONELINK_CODES.badParameter, 'operType 取值错误');
        if (cards.some((c) => this.book.askedTooSoon(c))) return refuse(ONELINK_CODES.sameCardTooSoon);
        return ok([{ jobId: this.book.takeJob(cards, p.operType!).jobId }]);
      });
      case ONELINK_PATHS.batchResult: {
        const job = p.jobId ? this.book.job(p.jobId) : null;
        if (!job) return no(ONELINK_CODES.badParameter, 'jobId 不存在');
        return ok([{ jobId: job.jobId, jobStatus: this.book.jobStatus(job), resultList: job.results ?? [] }]);
      }
      case ONELINK_PATHS.dataUsageDaily: return this.manyCards(p, (cards) => this.usage(cards, p.queryDate));
      default: return no(ONELINK_CODES.badParameter, `不支持的接口 ${path}`);
    }
  }

  /** appid, yyyyMMddHHmmss and 8 digits. */
  private transidValid(t: string | undefined): boolean {
    return !!t && t.startsWith(this.account.appid) && /^\d{22}$/.test(t.slice(this.account.appid.length));
  }

  private oneCard(p: Params, then: (c: FakeCard) => Reply): Reply {
    if (!p.iccid) return no(ONELINK_CODES.badParameter, 'msisdn、iccid、imsi 必须且只能有一个');
    const card = this.book.card(p.iccid);
    return card ? then(card) : refuse(FakeOneLinkBook.unknownCode(p.iccid));
  }

  private manyCards(p: Params, then: (cards: FakeCard[]) => Reply): Reply {
    const iccids = (p.iccids ?? '').split('_').filter(Boolean);
    if (iccids.length === 0 || iccids.length > BATCH_MAX) return no(ONELINK_CODES.badParameter, `iccids 须为 1 至 ${BATCH_MAX} 个，以下划线分隔`);
    const cards: FakeCard[] = [];
    for (const iccid of iccids) {
      const card = this.book.card(iccid);
      if (!card) return refuse(FakeOneLinkBook.unknownCode(iccid));
      cards.push(card);
    }
    return then(cards);
  }

  /** Only the last 7 days up to yesterday (Beijing) are kept. */
  private usage(cards: FakeCard[], queryDate: string | undefined): Reply {
    if (!queryDate || !/^\d{8}$/.test(queryDate)) return no(ONELINK_CODES.badParameter, 'queryDate 格式为 yyyyMMdd');
    const day = fromQueryDate(queryDate);
    const yesterday = previousBillDay(this.book.clock.now());
    const start = billDayStart(day);
    if (Number.isNaN(start) || day > yesterday || start < billDayStart(yesterday) - (USAGE_DAYS_KEPT - 1) * 86_400_000) {
      return no(ONELINK_CODES.badParameter, '仅支持查询近7天中某一天的数据，截止前一天');
    }
    return ok([{ dataAmountList: cards.map((c) => ({ iccid: c.iccid, dataAmount: String(this.book.usageKb(c, day, start)) })) }]);
  }
}
