// The edges of sign-in: an unknown username costs what a known one does, and the client address behind a proxy.
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import type { LightMyRequestResponse } from 'fastify';
import { json, startHarness, type Harness } from '../fixtures/harness.ts';
import { kdf } from '../../src/app/platform/passwords.ts';

let plain: Harness;
let proxied: Harness;
beforeAll(async () => {
  plain = await startHarness();
  proxied = await startHarness({ HAOKA_TRUST_PROXY: '127.0.0.1' });
});
afterAll(async () => {
  await proxied?.close();
  await plain?.close();
});

describe('staff sign-in with an unknown username', () => {
  it('runs the password through scrypt as a known one does, and answers the same', async () => {
    const derive = vi.spyOn(kdf, 'derive');
    try {
      const unknown = await plain.post('/api/v1/auth/agent', null, { username: 'no-such-agent', password: 'guess' });
      expect(derive).toHaveBeenCalledTimes(1);
      const known = await plain.post('/api/v1/auth/agent', null, { username: 'agent', password: 'guess' });
      expect(derive).toHaveBeenCalledTimes(2);
      expect(unknown.statusCode).toBe(401);
      expect(json(unknown)).toEqual(json(known));
      expect(derive.mock.calls.map(([password]) => password)).toEqual(['guess', 'guess']);
    } finally {
      derive.mockRestore();
    }
  });
});

// A sign-in with no code sent is refused (AUTH.INVALID_CODE) and counted like any wrong code.
const tryCode = (h: Harness, phone: string, headers: Record<string, string>, remoteAddress?: string) => h.app.inject({
  method: 'POST', url: '/api/v1/auth/customer', ...(remoteAddress ? { remoteAddress } : {}),
  headers: { 'content-type': 'application/json', ...headers }, payload: JSON.stringify({ phone, code: '123456' }),
});
const errorCode = (r: LightMyRequestResponse) => json(r).error.code as string;

describe('the client address the per-address limits count', () => {
  it('ignores X-Forwarded-For when no proxy is trusted: a forged header does not make a new address', async () => {
    const phone = '13600000101';
    for (let i = 0; i < 5; i++) expect(errorCode(await tryCode(plain, phone, { 'x-forwarded-for': `198.51.100.${i + 1}` }))).toBe('AUTH.INVALID_CODE');
    expect(errorCode(await tryCode(plain, phone, { 'x-forwarded-for': '203.0.113.50' }))).toBe('AUTH.SIGN_IN_DELAYED');
  });

  it('takes the client from X-Forwarded-For when the request came through a trusted proxy', async () => {
    const phone = '13600000102';
    for (let i = 0; i < 5; i++) expect(errorCode(await tryCode(proxied, phone, { 'x-forwarded-for': '198.51.100.1' }))).toBe('AUTH.INVALID_CODE');
    expect(errorCode(await tryCode(proxied, phone, { 'x-forwarded-for': '198.51.100.1' }))).toBe('AUTH.SIGN_IN_DELAYED');
    expect(errorCode(await tryCode(proxied, phone, { 'x-forwarded-for': '203.0.113.50' }))).toBe('AUTH.INVALID_CODE');
  });

  it('ignores X-Forwarded-For from an address that is not a trusted proxy', async () => {
    const phone = '13600000103';
    const direct = '192.0.2.10';
    for (let i = 0; i < 5; i++) expect(errorCode(await tryCode(proxied, phone, { 'x-forwarded-for': `198.51.100.${i + 1}` }, direct))).toBe('AUTH.INVALID_CODE');
    expect(errorCode(await tryCode(proxied, phone, { 'x-forwarded-for': '203.0.113.50' }, direct))).toBe('AUTH.SIGN_IN_DELAYED');
  });
});
