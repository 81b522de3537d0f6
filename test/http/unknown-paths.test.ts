// An unknown address under the API's own prefixes (the customer API, the distributors' open API, the simulators)
// is a JSON 404 a client can read, never the web page that serves every other path.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startHarness, type Harness } from '../fixtures/harness.ts';

describe('unknown paths', () => {
  let h: Harness;
  beforeAll(async () => { h = await startHarness(); });
  afterAll(async () => { await h?.close(); });

  it.each(['/api/v1/no-such-thing', '/open/v1/no-such-thing', '/sim/no-such-thing'])('%s answers a JSON 404', async (url) => {
    const res = await h.app.inject({ method: 'GET', url });
    expect(res.statusCode).toBe(404);
    expect(res.json()).toMatchObject({ error: { code: 'REQUEST.NOT_FOUND' } });
  });
});
