// Sign-in tokens: signed with the store's secret, checked once and then remembered, never past their expiry; sealed values.
import { describe, expect, it } from 'vitest';
import { Secrets } from '../../src/app/platform/secrets.ts';

const T0 = Date.UTC(2026, 10, 27, 2, 0, 0);
const HOUR = 3_600_000;

describe('sign-in tokens', () => {
  const secrets = new Secrets('token-secret');
  const token = secrets.sign({ sub: 'C1', role: 'customer', exp: T0 + HOUR });

  it('are accepted until they expire, also when they were accepted before', () => {
    expect(secrets.verify(token, T0)).toMatchObject({ sub: 'C1', role: 'customer' });
    expect(secrets.verify(token, T0 + HOUR - 1)).toMatchObject({ sub: 'C1' });
    expect(secrets.verify(token, T0 + HOUR)).toBeNull();
  });

  it('are refused when altered or signed with another secret, whatever was accepted before', () => {
    secrets.verify(token, T0);
    const [v, body, sig] = token.split('.');
    const forgedBody = Buffer.from(JSON.stringify({ sub: 'C1', role: 'operator', exp: T0 + HOUR })).toString('base64url');
    expect(secrets.verify(`${v}.${forgedBody}.${sig}`, T0)).toBeNull();
    const flipped = sig!.slice(0, -1) + (sig!.endsWith('A') ? 'B' : 'A');
    expect(secrets.verify(`${v}.${body}.${flipped}`, T0)).toBeNull();
    expect(secrets.verify(new Secrets('another-secret').sign({ sub: 'C1', role: 'customer', exp: T0 + HOUR }), T0)).toBeNull();
    expect(secrets.verify('v1.e30.forged', T0)).toBeNull();
  });

  it('handed out once are not changed by whoever reads them', () => {
    const p = secrets.verify(token, T0)!;
    expect(() => { (p as { role: string }).role = 'operator'; }).toThrow();
    expect(secrets.verify(token, T0)).toMatchObject({ role: 'customer' });
  });
});

describe('sealed values', () => {
  const secrets = new Secrets('seal-secret');

  it('never repeat a nonce, past the end of one fetch of random bytes, and each opens back to its value', () => {
    const sealed = Array.from({ length: 1_500 }, (_, i) => secrets.seal('phone', `1380000${String(i).padStart(4, '0')}`));
    expect(new Set(sealed.map((s) => s.split('.')[2])).size).toBe(sealed.length);
    sealed.forEach((s, i) => expect(secrets.open('phone', s)).toBe(`1380000${String(i).padStart(4, '0')}`));
    expect(() => secrets.open('resident_id', sealed[0]!)).toThrow();
  });
});
