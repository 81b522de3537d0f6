// Sign-in that a stranger cannot break: wrong codes and passwords slow down the address they come from, not the owner.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { LightMyRequestResponse } from 'fastify';
import { json, startHarness, type Harness } from '../fixtures/harness.ts';

let h: Harness;
beforeAll(async () => { h = await startHarness(); });
afterAll(async () => { await h?.close(); });

const ATTACKER = '198.51.100.66';
const OWNER = '203.0.113.7';

function from(address: string, url: string, body: unknown) {
  return h.app.inject({ method: 'POST', url, remoteAddress: address, headers: { 'content-type': 'application/json' }, payload: JSON.stringify(body) });
}
const askCode = (address: string, phone: string) => from(address, '/api/v1/auth/code', { phone });
const signIn = (address: string, phone: string, code: string) => from(address, '/api/v1/auth/customer', { phone, code });
const staffSignIn = (address: string, username: string, password: string) => from(address, '/api/v1/auth/agent', { username, password });
const lastCode = (phone: string) => /(\d{6})/.exec(h.haoka.sims.notifier.smsTo(phone)[0]!.body)![1]!;
const wrongFor = (code: string) => (code === '000000' ? '111111' : '000000');
const codes = (rs: LightMyRequestResponse[]) => rs.map((r) => json(r).error?.code ?? 'ok');

describe('wrong sign-in codes', () => {
  it('slow down the address they come from, while the owner signs in from another', async () => {
    const phone = '13600000001';
    expect((await askCode(OWNER, phone)).statusCode).toBe(200);
    const wrong = wrongFor(lastCode(phone));
    const tries = [];
    for (let i = 0; i < 12; i++) tries.push(await signIn(ATTACKER, phone, wrong));
    expect(codes(tries.slice(0, 5))).toEqual(Array(5).fill('AUTH.INVALID_CODE'));
    expect(codes(tries.slice(5))).toEqual(Array(7).fill('AUTH.SIGN_IN_DELAYED'));
    expect(tries[5]!.statusCode).toBe(429);
    expect(tries[5]!.headers['retry-after']).toBe('30');
    expect(json(tries[5]!).error.details).toEqual({ scope: 'address', retryAfterMs: 30_000 });

    // The attacker used up that code's five tries; the owner asks for a new one and signs in at once.
    h.clock.advance(60_000);
    expect((await askCode(OWNER, phone)).statusCode).toBe(200);
    const ok = await signIn(OWNER, phone, lastCode(phone));
    expect(ok.statusCode).toBe(200);
    expect(json(ok).token).toEqual(expect.any(String));
  });

  it('that arrive at the same moment from one address are compared at most five times', async () => {
    const phone = '13600000002';
    await askCode(OWNER, phone);
    const wrong = wrongFor(lastCode(phone));
    const answers = await Promise.all(Array.from({ length: 12 }, () => signIn(ATTACKER, phone, wrong)));
    const seen = codes(answers);
    expect(seen.filter((c) => c === 'AUTH.INVALID_CODE')).toHaveLength(5);
    expect(seen.filter((c) => c === 'AUTH.SIGN_IN_DELAYED')).toHaveLength(7);
  });

  it('that arrive at the same moment from twelve addresses use up the code\'s own five tries, no more', async () => {
    const phone = '13600000003';
    await askCode(OWNER, phone);
    const right = lastCode(phone);
    const answers = await Promise.all(Array.from({ length: 12 }, (_, i) => signIn(`192.0.2.${i + 1}`, phone, wrongFor(right))));
    const seen = codes(answers);
    expect(seen.filter((c) => c === 'AUTH.INVALID_CODE')).toHaveLength(5);
    expect(seen.filter((c) => c === 'AUTH.TOO_MANY_ATTEMPTS')).toHaveLength(7);
    const attemptsLeft = answers.map((r) => json(r).error.details?.attemptsLeft).filter((n) => n !== undefined).sort();
    expect(attemptsLeft).toEqual([0, 1, 2, 3, 4]);
    // Even the right code no longer opens it: the code is spent.
    expect(json(await signIn(OWNER, phone, right)).error.code).toBe('AUTH.TOO_MANY_ATTEMPTS');
  });

  it('from very many addresses reach the account ceiling, which holds for the rest of its window only', async () => {
    const phone = '13600000004';
    await askCode(OWNER, phone);
    const wrong = wrongFor(lastCode(phone));
    for (let a = 0; a < 20; a++) {
      for (let i = 0; i < 5; i++) expect(json(await signIn(`100.64.0.${a + 1}`, phone, wrong)).error.code).not.toBe('AUTH.SIGN_IN_DELAYED');
    }
    h.clock.advance(60_000);
    const refused = await signIn(OWNER, phone, '123456');
    expect(json(refused).error).toMatchObject({ code: 'AUTH.SIGN_IN_DELAYED', details: { scope: 'account', retryAfterMs: 14 * 60_000 } });
    expect(refused.headers['retry-after']).toBe(String(14 * 60));
    h.clock.advance(14 * 60_000);
    expect((await askCode(OWNER, phone)).statusCode).toBe(200);
    expect((await signIn(OWNER, phone, lastCode(phone))).statusCode).toBe(200);
  });
});

describe('wrong staff passwords', () => {
  it('slow down the address they come from with a wait that doubles up to 15 minutes, and never lock the owner out', async () => {
    const waits: number[] = [];
    for (let i = 0; i < 5; i++) expect(json(await staffSignIn(ATTACKER, 'operator', 'guess')).error.code).toBe('AUTH.INVALID_CREDENTIALS');
    for (let i = 0; i < 7; i++) {
      const refused = await staffSignIn(ATTACKER, 'operator', 'guess');
      expect(refused.statusCode).toBe(429);
      expect(json(refused).error.code).toBe('AUTH.SIGN_IN_DELAYED');
      const wait = json(refused).error.details.retryAfterMs as number;
      waits.push(wait);
      h.clock.advance(wait);
      expect(json(await staffSignIn(ATTACKER, 'operator', 'guess')).error.code).toBe('AUTH.INVALID_CREDENTIALS');
    }
    expect(waits.map((w) => w / 1000)).toEqual([30, 60, 120, 240, 480, 900, 900]);
    // Seventeen wrong passwords from the attacker; the operator, elsewhere, signs in at once.
    const ok = await staffSignIn(OWNER, 'operator', 'ops123');
    expect(ok.statusCode).toBe(200);
    expect(json(ok).agent.role).toBe('operator');
  });

  it('are forgotten for that address at a success', async () => {
    for (let i = 0; i < 4; i++) await staffSignIn(OWNER, 'supervisor', 'guess');
    expect((await staffSignIn(OWNER, 'supervisor', 'super123')).statusCode).toBe(200);
    for (let i = 0; i < 5; i++) expect(json(await staffSignIn(OWNER, 'supervisor', 'guess')).error.code).toBe('AUTH.INVALID_CREDENTIALS');
  });
});

describe('sign-in codes asked for at the same moment', () => {
  it('send one text: the others are told when to ask again', async () => {
    const phone = '13600000006';
    const answers = await Promise.all(Array.from({ length: 12 }, (_, i) => askCode(`192.0.2.${100 + i}`, phone)));
    expect(answers.filter((r) => r.statusCode === 200)).toHaveLength(1);
    const refused = answers.filter((r) => r.statusCode !== 200);
    expect(codes(refused)).toEqual(Array(11).fill('AUTH.TOO_MANY_ATTEMPTS'));
    expect(refused.every((r) => r.headers['retry-after'] === '60')).toBe(true);
    expect(h.haoka.sims.notifier.smsTo(phone)).toHaveLength(1);
  });
});

describe('sign-in codes asked for by a stranger', () => {
  it('use up the stranger\'s allowance for that phone, not the owner\'s', async () => {
    const phone = '13600000005';
    const asked = [];
    for (let i = 0; i < 6; i++) {
      asked.push(await askCode(ATTACKER, phone));
      h.clock.advance(61_000);
    }
    expect(asked.slice(0, 5).map((r) => r.statusCode)).toEqual([200, 200, 200, 200, 200]);
    expect(json(asked[5]!).error).toMatchObject({ code: 'REQUEST.RATE_LIMITED', details: { limit: 'codes-per-phone-address' } });
    expect(Number(asked[5]!.headers['retry-after'])).toBeGreaterThan(0);
    expect((await askCode(OWNER, phone)).statusCode).toBe(200);
    expect((await signIn(OWNER, phone, lastCode(phone))).statusCode).toBe(200);
  });

  it('are limited per address over all phones', async () => {
    const address = '198.51.100.99';
    const answers = [];
    for (let i = 0; i < 61; i++) answers.push(await askCode(address, `1350000${String(i).padStart(4, '0')}`));
    expect(answers.slice(0, 60).every((r) => r.statusCode === 200)).toBe(true);
    expect(json(answers[60]!).error).toMatchObject({ code: 'REQUEST.RATE_LIMITED', details: { limit: 'codes-per-address' } });
    expect((await askCode(OWNER, '13500000099')).statusCode).toBe(200);
  });
});
