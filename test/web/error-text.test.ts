// What the sign-in pages say for a refusal: the server's code and wait, in the reader's language.
import { beforeAll, describe, expect, it } from 'vitest';
import { ApiError } from '../../web/src/api.ts';
import { en } from '../../web/src/i18n/en.ts';
import { zh } from '../../web/src/i18n/zh.ts';
import type { Key, Vars } from '../../web/src/i18n/index.ts';

let errorText: typeof import('../../web/src/i18n/index.ts').errorText;
beforeAll(async () => {
  // The dictionary module picks the language from the browser's storage when it loads.
  const stored = new Map<string, string>();
  Object.assign(globalThis, {
    localStorage: { getItem: (k: string) => stored.get(k) ?? null, setItem: (k: string, v: string) => stored.set(k, v), removeItem: (k: string) => stored.delete(k) },
    document: { documentElement: {}, title: '' },
  });
  ({ errorText } = await import('../../web/src/i18n/index.ts'));
});

const tIn = (dict: Record<Key, string>) => (key: Key, vars?: Vars) => dict[key].replace(/\{(\w+)\}/g, (m, n: string) => (vars && n in vars ? String(vars[n]) : m));

describe('sign-in refusals on the page', () => {
  it('say how long to wait after too many wrong tries, from here or for the account', () => {
    const fromHere = new ApiError('AUTH.SIGN_IN_DELAYED', 429, { scope: 'address', retryAfterMs: 30_000 });
    expect(errorText(tIn(en), fromHere)).toBe('Too many wrong tries from here; you can try again in 30 seconds.');
    expect(errorText(tIn(zh), fromHere)).toBe('这里输错的次数太多，请 30 秒后再试。');
    const account = new ApiError('AUTH.SIGN_IN_DELAYED', 429, { scope: 'account', retryAfterMs: 14 * 60_000 + 1 });
    expect(errorText(tIn(en), account)).toBe('This account has had too many wrong tries; you can try again in 15 minutes.');
  });

  it('say how long to wait when codes were asked for too often, and still read without a wait', () => {
    expect(errorText(tIn(en), new ApiError('REQUEST.RATE_LIMITED', 429, { limit: 'codes-per-phone-address', retryAfterMs: 45_500 }))).toBe('Too many requests; you can try again in 46 seconds.');
    expect(errorText(tIn(en), new ApiError('AUTH.SIGN_IN_DELAYED', 429))).toBe('Too many wrong tries; please wait a while and try again.');
  });
});
