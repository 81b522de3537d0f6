// Order and payment ids: a readable prefix, the time first (so they sort by it), then random characters.
import { describe, expect, it } from 'vitest';
import { newId } from '../../src/app/platform/deps.ts';

const T0 = Date.UTC(2026, 10, 28, 2, 0, 0);

describe('ids', () => {
  it('are unique over several refills of the random pool, keep their shape and sort by time', () => {
    const ids = Array.from({ length: 5_000 }, (_, i) => newId('HK', T0 + Math.floor(i / 10)));
    expect(new Set(ids).size).toBe(ids.length);
    for (const id of ids) expect(id).toMatch(/^HK[0-9A-Z]{18}$/);
    expect(newId('PAY', T0 + 1) > newId('PAY', T0)).toBe(true);
    const times = ids.map((id) => id.slice(2, 11));
    expect([...times].sort()).toEqual(times);
  });
});
