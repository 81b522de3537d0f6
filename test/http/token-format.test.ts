// A bearer token is refused unless it has exactly its parts, each of the base64url alphabet.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { json, startHarness, type Harness } from '../fixtures/harness.ts';

let h: Harness;
let token: string;
beforeAll(async () => {
  h = await startHarness();
  token = (await h.customer()).token;
});
afterAll(async () => { await h?.close(); });

const me = (authorization: string) => h.app.inject({ method: 'GET', url: '/api/v1/me', headers: { authorization } });

describe('bearer tokens', () => {
  it('are accepted as issued', async () => {
    expect(token).toMatch(/^v2\.[A-Za-z0-9-]+\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+$/);
    expect((await me(`Bearer ${token}`)).statusCode).toBe(200);
  });

  it('are refused with a part more or less, an empty part, a trailing dot or whitespace', async () => {
    const [v, kid, body, sig] = token.split('.') as [string, string, string, string];
    const variants = {
      'an extra segment': `${token}.x`,
      'an extra empty segment': `${token}..x`,
      'a trailing dot': `${token}.`,
      'a leading dot': `.${token}`,
      'a missing segment': `${v}.${kid}.${body}`,
      'no key id': `${v}.${body}.${sig}`,
      'the older version with a key id': `v1.${kid}.${body}.${sig}`,
      'an unknown version': `v3.${kid}.${body}.${sig}`,
      'an empty body': `${v}.${kid}..${sig}`,
      'an empty signature': `${v}.${kid}.${body}.`,
      'a space inside': `${v}.${kid}.${body} .${sig}`,
      'a tab at the end': `${token}\t`,
      'a character outside base64url': `${v}.${kid}.${body}.${sig}=`,
    };
    for (const [what, bad] of Object.entries(variants)) {
      const res = await me(`Bearer ${bad}`);
      expect(res.statusCode, what).toBe(401);
      expect(json(res).error.code, what).toBe('AUTH.INVALID_TOKEN');
    }
    expect((await me(`Bearer  ${token}`)).statusCode).toBe(401);
  });
});
