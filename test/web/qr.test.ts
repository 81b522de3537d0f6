// The promotion links' QR codes: Reed-Solomon against the standard's worked example, the version each length needs,
// finder patterns in three corners, and format information that reads back as level M with the mask used.
import { describe, expect, it } from 'vitest';
import { qrModules, rawCodewords, rsRemainder } from '../../web/src/pages/distribution/qr.ts';

/** The 15-bit format word as placed beside the top-left finder. */
function formatWord(m: boolean[][]): number {
  const at = (x: number, y: number) => (m[y]![x] ? 1 : 0);
  const bits = [at(8, 0), at(8, 1), at(8, 2), at(8, 3), at(8, 4), at(8, 5), at(8, 7), at(8, 8), at(7, 8), at(5, 8), at(4, 8), at(3, 8), at(2, 8), at(1, 8), at(0, 8)];
  return bits.reduce((w, b, i) => w | (b << i), 0);
}

/** The 8 valid format words of level M (00), one per mask. */
const M_FORMATS = Array.from({ length: 8 }, (_, mask) => {
  let rem = mask;
  for (let i = 0; i < 10; i++) rem = (rem << 1) ^ ((rem >>> 9) * 0x537);
  return ((mask << 10) | rem) ^ 0x5412;
});

describe('QR codes of promotion links', () => {
  it('computes error correction as the standard\u2019s HELLO WORLD 1-M example', () => {
    expect(rsRemainder([32, 91, 11, 120, 209, 114, 220, 77, 67, 64, 236, 17, 236, 17, 236, 17], 10)).toEqual([196, 35, 39, 119, 235, 215, 231, 226, 93, 23]);
    expect([1, 5, 10].map(rawCodewords)).toEqual([26, 134, 346]);
  });

  it('takes the smallest version that holds the link, and refuses one too long for version 10', () => {
    expect(qrModules('https://haoka.example.cn/?ref=AbC123')!.length).toBe(29);
    expect(qrModules(`https://h.cn/?ref=${'Q'.repeat(190)}`)!.length).toBe(57);
    expect(qrModules('x'.repeat(214))).toBeNull();
  });

  it('draws three finders and format information naming level M and one mask, twice', () => {
    const m = qrModules('http://127.0.0.1:3000/plans/cu-39?ref=AbC123')!;
    const n = m.length;
    for (const [x0, y0] of [[0, 0], [n - 7, 0], [0, n - 7]]) {
      const ring = [0, 1, 2, 3, 4, 5, 6].map((i) => [m[y0!]![x0! + i], m[y0! + 6]![x0! + i], m[y0! + i]![x0!], m[y0! + i]![x0! + 6]]).flat();
      expect(ring.every(Boolean)).toBe(true);
      expect(m[y0! + 3]![x0! + 3]).toBe(true);
    }
    expect(M_FORMATS).toContain(formatWord(m));
    const second = [0, 1, 2, 3, 4, 5, 6, 7].map((i) => (m[8]![n - 1 - i] ? 1 : 0) << i).reduce((a, b) => a | b, 0)
      | [8, 9, 10, 11, 12, 13, 14].map((i) => (m[n - 15 + i]![8] ? 1 : 0) << i).reduce((a, b) => a | b, 0);
    expect(second).toBe(formatWord(m));
  });
});
