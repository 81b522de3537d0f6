// The fake Tencent Cloud SMS (API 2021-01-11) on 127.0.0.1: SendSms and PullSmsSendStatus, JSON POSTs signed
// TC3-HMAC-SHA256, answered as Tencent Cloud answers ({"Response": {...}}). It checks the signature and its time
// (5 minutes), refuses whole requests with Tencent's error codes (AuthFailure.*, FailedOperation.* ...) and single
// numbers inside SendStatusSet (InvalidParameterValue.IncorrectPhoneNumber, LimitExceeded.PhoneNumberDailyLimit);
// renders the registered template ({1}, {2} ...) into the text the phone shows; and hands each delivery report
// out once through PullSmsSendStatus.
import { randomUUID } from 'node:crypto';
import { FakeSmsBook } from '../fake/book.ts';
import { serveFake, type FakeAnswer, type FakeRequest, type FakeServer } from '../fake/http.ts';
import { renderNumbered } from '../../../domain/notices/templates.ts';
import { beijingDateTime } from '../provider.ts';
import { parseTc3, sameHex, tc3Signature } from './signature.ts';

export interface FakeTencentAccount {
  secretId: string;
  secretKey: string;
  smsSdkAppId: string;
  signName: string;
  /** Approved templates by TemplateId, their text numbered {1}, {2} ... */
  templates: Map<string, { count: number; text: string }>;
}

const SKEW_S = 300;

export class FakeTencentSms {
  private server: FakeServer | null = null;
  wallNow: () => number = Date.now;

  constructor(readonly account: FakeTencentAccount, readonly book: FakeSmsBook) {}

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
    const refused = this.authenticate(req);
    if (refused) return refused;
    let body: Record<string, unknown>;
    try {
      body = JSON.parse(req.body || '{}') as Record<string, unknown>;
    } catch {
      return error('InvalidParameter', 'The request body is not valid JSON.');
    }
    if (body.SmsSdkAppId !== this.account.smsSdkAppId) return error('InvalidParameterValue.SdkAppIdNotExist', 'SdkAppId does not exist.');
    const action = String(req.headers['x-tc-action'] ?? '');
    if (action === 'SendSms') return this.sendSms(body);
    if (action === 'PullSmsSendStatus') return this.pull(body);
    return error('InvalidAction', `The action ${action} does not exist.`);
  }

  private authenticate(req: FakeRequest): FakeAnswer | null {
    const auth = parseTc3(req.headers.authorization);
    if (!auth) return error('AuthFailure.InvalidAuthorization', 'Authorization header is invalid.');
    if (auth.secretId !== this.account.secretId) return error('AuthFailure.SecretIdNotFound', 'The SecretId is not found.');
    const timestamp = Number(req.headers['x-tc-timestamp']);
    if (!Number.isInteger(timestamp) || Math.abs(this.wallNow() / 1000 - timestamp) > SKEW_S) return error('AuthFailure.SignatureExpire', 'Signature expired.');
    const host = String(req.headers.host ?? '').replace(/:\d+$/, '');
    // The SDK names the service after the first label of the host it calls (sms.tencentcloudapi.com -> sms).
    const date = new Date(timestamp * 1000).toISOString().slice(0, 10);
    if (auth.date !== date || auth.service !== host.split('.')[0] || !auth.signedHeaders.includes('host') || !auth.signedHeaders.includes('content-type')) {
      return error('AuthFailure.SignatureFailure', 'The provided credentials could not be validated. Please check your signature is correct.');
    }
    const url = new URL(req.url, 'http://fake');
    const expected = tc3Signature(this.account.secretKey, {
      method: req.method, path: url.pathname, query: url.search.slice(1), headers: { 'content-type': String(req.headers['content-type'] ?? ''), host },
      signedHeaders: auth.signedHeaders, body: req.body, timestamp, date, service: auth.service,
    });
    if (!sameHex(expected, auth.signature)) return error('AuthFailure.SignatureFailure', 'The provided credentials could not be validated. Please check your signature is correct.');
    return null;
  }

  private sendSms(b: Record<string, unknown>): FakeAnswer {
    const phones = Array.isArray(b.PhoneNumberSet) ? b.PhoneNumberSet.map(String) : [];
    if (phones.length === 0 || phones.length > 200) return error('InvalidParameterValue.IncorrectPhoneNumber', 'incorrect number format');
    if (b.SignName !== this.account.signName) return error('FailedOperation.SignatureIncorrectOrUnapproved', 'signature format is incorrect or signature is not approved');
    const tpl = this.account.templates.get(String(b.TemplateId ?? ''));
    if (!tpl) return error('FailedOperation.TemplateIncorrectOrUnapproved', 'template format is incorrect or template is not approved');
    const params = Array.isArray(b.TemplateParamSet) ? b.TemplateParamSet.map(String) : [];
    if (params.length !== tpl.count) return error('FailedOperation.TemplateParamSetNotMatchApprovedTemplate', 'request content does not match template content');
    const script = this.book.takeScript();
    if (script?.kind === 'refuse' && !script.code.startsWith('LimitExceeded.Phone')) return error(script.code, script.message);
    let hang = false;
    const set = phones.map((p) => {
      const base = { SerialNo: '', PhoneNumber: p, Fee: 0, SessionContext: String(b.SessionContext ?? ''), IsoCode: 'CN' };
      const m = /^\+86(1[3-9]\d{9})$/.exec(p) ?? /^(1[3-9]\d{9})$/.exec(p);
      if (!m) return { ...base, Code: 'InvalidParameterValue.IncorrectPhoneNumber', Message: 'incorrect number format', IsoCode: 'DEF' };
      const phone = m[1]!;
      if (script?.kind === 'refuse') return { ...base, Code: script.code, Message: script.message };
      if (this.book.sentOnDay(phone, this.book.clock.now()) >= this.book.dailyLimit) {
        return { ...base, Code: 'LimitExceeded.PhoneNumberDailyLimit', Message: 'the number of sms messages sent from a single mobile number every day exceeds the upper limit' };
      }
      const serial = `2433:${String(this.book.clock.now()).slice(-10)}${String(this.book.nextSeq()).padStart(12, '0')}`;
      this.book.accept({
        bizId: serial, phone, signName: this.account.signName, template: String(b.TemplateId), ref: base.SessionContext,
        text: `【${this.account.signName}】${renderNumbered(tpl.text, params)}`,
      });
      if (script?.kind === 'hang') hang = true;
      return { ...base, SerialNo: serial, Fee: 1, Code: 'Ok', Message: 'send success', PhoneNumber: `+86${phone}` };
    });
    if (hang) return 'hang';
    return ok({ SendStatusSet: set });
  }

  private pull(b: Record<string, unknown>): FakeAnswer {
    const limit = Number(b.Limit);
    if (!Number.isInteger(limit) || limit < 1 || limit > 100) return error('InvalidParameterValue', 'Limit must be from 1 to 100.');
    const ready = this.book.pullReports(limit);
    return ok({
      PullSmsSendStatusSet: ready.map((m) => ({
        UserReceiveTime: m.reportedAt === null ? '' : beijingDateTime(m.reportedAt), UserReceiveUnixTime: m.reportedAt === null ? 0 : Math.floor(m.reportedAt / 1000),
        CountryCode: '86', SubscriberNumber: m.phone, PhoneNumber: `+86${m.phone}`, SerialNo: m.bizId,
        ReportStatus: m.state === 'delivered' ? 'SUCCESS' : 'FAIL', Description: m.state === 'delivered' ? 'DELIVRD' : (m.code ?? 'UNKNOWN'), SessionContext: m.ref,
      })),
    });
  }
}

const ok = (body: Record<string, unknown>): FakeAnswer => ({ status: 200, body: { Response: { ...body, RequestId: randomUUID() } } });
const error = (code: string, message: string): FakeAnswer => ({ status: 200, body: { Response: { Error: { Code: code, Message: message }, RequestId: randomUUID() } } });
