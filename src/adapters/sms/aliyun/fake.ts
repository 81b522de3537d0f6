// The fake Aliyun SMS (dysmsapi 2017-05-25) on 127.0.0.1: SendSms, SendBatchSms and QuerySendDetails as RPC calls signed
// ACS3-HMAC-SHA256, answered with Aliyun's JSON. It checks the signature, the signature nonce (once in 15
// minutes) and the request time; refuses with Aliyun's codes (unknown sign name or template, bad number, flow
// control per phone and day); renders the registered template into the text the phone shows; and reports
// delivery through QuerySendDetails (SendStatus 1 waiting, 2 failed, 3 received).
import { randomUUID } from 'node:crypto';
import { FakeSmsBook, type FakeSms, type FakeSmsSent } from '../fake/book.ts';
import { serveFake, type FakeAnswer, type FakeRequest, type FakeServer } from '../fake/http.ts';
import { renderTemplate } from '../../../domain/notices/templates.ts';
import { beijingDateTime } from '../provider.ts';
import { acs3Signature, parseAcs3, sameHex, sha256Hex } from './signature.ts';

export interface FakeAliyunAccount {
  accessKeyId: string;
  accessKeySecret: string;
  signName: string;
  /** Templates registered and approved, by TemplateCode. */
  templates: Map<string, { params: readonly string[]; text: string }>;
}

const SKEW_MS = 15 * 60_000;
const HOST_ID = 'dysmsapi.aliyuncs.com';
/** Numbers in one SendBatchSms. */
const BATCH_LIMIT = 100;

/** A mainland mobile number without its +86 / 0086 / 86 prefix, or null. */
function mainland(text: string): string | null {
  const phone = text.replace(/^(\+86|0086|86)(?=1\d{10}$)/, '');
  return /^1[3-9]\d{9}$/.test(phone) ? phone : null;
}

export class FakeAliyunSms {
  private readonly nonces = new Map<string, number>();
  /** Requests by action (SendSms, SendBatchSms, QuerySendDetails ...), refused ones included. */
  readonly calls = new Map<string, number>();
  private server: FakeServer | null = null;
  /** Wall time for request freshness (the SDK stamps requests with the machine's clock). */
  wallNow: () => number = Date.now;

  constructor(readonly account: FakeAliyunAccount, readonly book: FakeSmsBook) {}

  async start(): Promise<string> {
    this.server = await serveFake((req) => this.handle(req));
    return this.server.url;
  }

  /** Where it listens, once started. */
  get url(): string | null {
    return this.server?.url ?? null;
  }

  async stop(): Promise<void> {
    await this.server?.close();
    this.book.close();
  }

  handle(req: FakeRequest): FakeAnswer {
    const url = new URL(req.url, 'http://fake');
    const action = String(req.headers['x-acs-action'] ?? '');
    this.calls.set(action, (this.calls.get(action) ?? 0) + 1);
    const refused = this.authenticate(req, url);
    if (refused) return refused;
    const q = url.searchParams;
    if (action === 'SendSms') return this.sendSms(q);
    if (action === 'SendBatchSms') return this.sendBatchSms(q, new URLSearchParams(req.body));
    if (action === 'QuerySendDetails') return this.querySendDetails(q);
    return error(404, 'InvalidAction.NotFound', `Specified api is not found, please check your url and method.`);
  }

  private authenticate(req: FakeRequest, url: URL): FakeAnswer | null {
    const auth = parseAcs3(req.headers.authorization);
    if (!auth) return error(400, 'MissingAuthorization', 'Authorization is mandatory for this action.');
    if (auth.accessKeyId !== this.account.accessKeyId) return error(404, 'InvalidAccessKeyId.NotFound', 'Specified access key is not found.');
    if (sha256Hex(req.body) !== req.headers['x-acs-content-sha256']) return error(400, 'SignatureDoesNotMatch', 'Specified signature does not match our calculation.');
    for (const h of ['host', 'x-acs-action', 'x-acs-date', 'x-acs-signature-nonce', 'x-acs-version']) {
      if (!auth.signedHeaders.includes(h)) return error(400, 'SignatureDoesNotMatch', `Specified signature does not match our calculation. ${h} must be signed.`);
    }
    const expected = acs3Signature(this.account.accessKeySecret, {
      method: req.method, path: url.pathname, query: url.searchParams, headers: req.headers, signedHeaders: auth.signedHeaders, payloadHash: sha256Hex(req.body),
    });
    if (!sameHex(expected, auth.signature)) return error(400, 'SignatureDoesNotMatch', 'Specified signature does not match our calculation.');
    const at = Date.parse(String(req.headers['x-acs-date'] ?? ''));
    const now = this.wallNow();
    if (Number.isNaN(at) || Math.abs(now - at) > SKEW_MS) return error(400, 'InvalidTimeStamp.Expired', 'Specified time stamp or date value is expired.');
    // Nonces are kept in the order they came, so the expired ones are at the front.
    for (const [n, seen] of this.nonces) {
      if (seen >= now - SKEW_MS) break;
      this.nonces.delete(n);
    }
    const nonce = String(req.headers['x-acs-signature-nonce'] ?? '');
    if (!nonce || this.nonces.has(nonce)) return error(400, 'SignatureNonceUsed', 'Specified signature nonce was used already.');
    this.nonces.set(nonce, now);
    return null;
  }

  private sendSms(q: URLSearchParams): FakeAnswer {
    const requestId = randomUUID().toUpperCase();
    const no = (code: string, message: string): FakeAnswer => ({ status: 200, body: { RequestId: requestId, Code: code, Message: message } });
    const phone = mainland(q.get('PhoneNumbers') ?? '');
    if (!phone) return no('isv.MOBILE_NUMBER_ILLEGAL', '非法手机号');
    if (q.get('SignName') !== this.account.signName) return no('isv.SMS_SIGNATURE_ILLEGAL', '该账号下找不到对应签名');
    const tpl = this.account.templates.get(q.get('TemplateCode') ?? '');
    if (!tpl) return no('isv.SMS_TEMPLATE_ILLEGAL', '该账号下找不到对应模板');
    let params: unknown;
    try {
      params = JSON.parse(q.get('TemplateParam') ?? '{}');
    } catch {
      return no('isv.INVALID_JSON_PARAM', 'JSON参数不合法，只接受字符串值');
    }
    const text = this.render(tpl, params);
    if (typeof text !== 'string') return no(text.code, text.message);
    const script = this.book.takeScript();
    if (script?.kind === 'refuse') return no(script.code, script.message);
    if (this.book.sentOnDay(phone, this.book.clock.now()) >= this.book.dailyLimit) return no('isv.BUSINESS_LIMIT_CONTROL', `触发天级流控Permits:${this.book.dailyLimit}`);
    const bizId = this.nextBizId();
    this.book.accept({ bizId, phone, signName: this.account.signName, template: q.get('TemplateCode')!, ref: q.get('OutId') ?? '', text });
    if (script?.kind === 'hang') return 'hang';
    return { status: 200, body: { RequestId: requestId, Code: 'OK', Message: 'OK', BizId: bizId } };
  }

  /**
   * SendBatchSms: one template, up to 100 numbers, each with its own sign name and parameters (three JSON arrays
   * of one length, in the form body; TemplateCode in the query). Anything wrong with one message refuses the
   * whole batch; taken, every message is kept under the batch's one BizId and QuerySendDetails finds each by phone.
   */
  private sendBatchSms(q: URLSearchParams, form: URLSearchParams): FakeAnswer {
    const requestId = randomUUID().toUpperCase();
    const no = (code: string, message: string): FakeAnswer => ({ status: 200, body: { RequestId: requestId, Code: code, Message: message } });
    let phones: unknown, signs: unknown, params: unknown;
    try {
      phones = JSON.parse(form.get('PhoneNumberJson') ?? q.get('PhoneNumberJson') ?? '');
      signs = JSON.parse(form.get('SignNameJson') ?? q.get('SignNameJson') ?? '');
      const paramText = form.get('TemplateParamJson') ?? q.get('TemplateParamJson');
      params = paramText === null ? null : JSON.parse(paramText);
    } catch {
      return no('isv.INVALID_JSON_PARAM', 'JSON参数不合法，只接受字符串值');
    }
    if (!Array.isArray(phones) || !Array.isArray(signs) || (params !== null && !Array.isArray(params))) return no('isv.INVALID_JSON_PARAM', 'JSON参数不合法，只接受字符串值');
    if (phones.length > BATCH_LIMIT) return no('isv.MOBILE_COUNT_OVER_LIMIT', '手机号码数量超过限制');
    const paramList: unknown[] = params ?? phones.map(() => ({}));
    if (phones.length === 0 || signs.length !== phones.length || paramList.length !== phones.length) return no('isv.INVALID_PARAMETERS', '参数异常');
    const templateCode = q.get('TemplateCode') ?? form.get('TemplateCode') ?? '';
    const messages: FakeSmsSent[] = [];
    for (let i = 0; i < phones.length; i++) {
      const phone = mainland(String(phones[i]));
      if (!phone) return no('isv.MOBILE_NUMBER_ILLEGAL', '非法手机号');
      if (signs[i] !== this.account.signName) return no('isv.SMS_SIGNATURE_ILLEGAL', '该账号下找不到对应签名');
      const tpl = this.account.templates.get(templateCode);
      if (!tpl) return no('isv.SMS_TEMPLATE_ILLEGAL', '该账号下找不到对应模板');
      const text = this.render(tpl, paramList[i]);
      if (typeof text !== 'string') return no(text.code, text.message);
      messages.push({ bizId: '', phone, signName: this.account.signName, template: templateCode, ref: q.get('OutId') ?? '', text });
    }
    const script = this.book.takeScript();
    if (script?.kind === 'refuse') return no(script.code, script.message);
    const now = this.book.clock.now();
    const inBatch = new Map<string, number>();
    for (const m of messages) {
      const n = (inBatch.get(m.phone) ?? this.book.sentOnDay(m.phone, now)) + 1;
      if (n > this.book.dailyLimit) return no('isv.BUSINESS_LIMIT_CONTROL', `触发天级流控Permits:${this.book.dailyLimit}`);
      inBatch.set(m.phone, n);
    }
    const bizId = this.nextBizId();
    this.book.acceptAll(messages.map((m, i) => ({ ...m, bizId, id: `${bizId}#${i}` })));
    if (script?.kind === 'hang') return 'hang';
    return { status: 200, body: { RequestId: requestId, Code: 'OK', Message: 'OK', BizId: bizId } };
  }

  /** The text the phone shows (signature first), or Aliyun's refusal of the template's parameters. */
  private render(tpl: { params: readonly string[]; text: string }, params: unknown): string | { code: string; message: string } {
    if (!params || typeof params !== 'object' || Array.isArray(params)) return { code: 'isv.INVALID_JSON_PARAM', message: 'JSON参数不合法，只接受字符串值' };
    const values = params as Record<string, unknown>;
    if (tpl.params.some((p) => typeof values[p] !== 'string')) return { code: 'isv.TEMPLATE_MISSING_PARAMETERS', message: '模板缺少变量' };
    return `【${this.account.signName}】${renderTemplate(tpl.text, values as Record<string, string>)}`;
  }

  private nextBizId(): string {
    return `${String(this.book.clock.now()).slice(-9)}${String(this.book.nextSeq()).padStart(7, '0')}^0`;
  }

  private querySendDetails(q: URLSearchParams): FakeAnswer {
    const requestId = randomUUID().toUpperCase();
    const phone = q.get('PhoneNumber') ?? '';
    const date = q.get('SendDate') ?? '';
    if (!/^1\d{10}$/.test(phone)) return { status: 200, body: { RequestId: requestId, Code: 'isv.MOBILE_NUMBER_ILLEGAL', Message: '非法手机号' } };
    if (!/^\d{8}$/.test(date)) return { status: 200, body: { RequestId: requestId, Code: 'isv.INVALID_PARAMETERS', Message: '参数异常' } };
    const pageSize = Math.min(50, Math.max(1, Number(q.get('PageSize') ?? 10) || 10));
    const page = Math.max(1, Number(q.get('CurrentPage') ?? 1) || 1);
    const bizId = q.get('BizId');
    const found = this.book.toPhone(phone).filter((m) => (!bizId || m.bizId === bizId) && beijingDateTime(m.sentAt).slice(0, 10).replaceAll('-', '') === date);
    return {
      status: 200,
      body: {
        RequestId: requestId, Code: 'OK', Message: 'OK', TotalCount: found.length,
        SmsSendDetailDTOs: { SmsSendDetailDTO: found.slice((page - 1) * pageSize, page * pageSize).map(detail) },
      },
    };
  }
}

function detail(m: FakeSms) {
  return {
    PhoneNum: m.phone, SendStatus: m.state === 'delivered' ? 3 : m.state === 'failed' ? 2 : 1,
    ErrCode: m.state === 'delivered' ? 'DELIVERED' : (m.code ?? ''), TemplateCode: m.template, Content: m.text,
    SendDate: beijingDateTime(m.sentAt), ReceiveDate: m.reportedAt === null ? '' : beijingDateTime(m.reportedAt), OutId: m.ref,
  };
}

function error(status: number, code: string, message: string): FakeAnswer {
  return { status, body: { RequestId: randomUUID().toUpperCase(), HostId: HOST_ID, Code: code, Message: message, Recommend: `https://api.aliyun.com/troubleshoot?q=${code}` } };
}
