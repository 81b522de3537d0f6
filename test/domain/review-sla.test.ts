import { describe, expect, it } from 'vitest';
import { effectiveSlaMs, reviewSchedule } from '../../src/domain/policies/review-sla.ts';
import { sniffImage } from '../../src/domain/image.ts';

const HOUR = 3_600_000;

describe('the review SLA', () => {
  it('is the setting inside 1-48 hours; anything outside is held to those bounds', () => {
    expect(effectiveSlaMs({ reviewSlaMs: 24 * HOUR })).toBe(24 * HOUR);
    expect(effectiveSlaMs({ reviewSlaMs: 1000 })).toBe(HOUR);
    expect(effectiveSlaMs({ reviewSlaMs: 72 * HOUR })).toBe(48 * HOUR);
    expect(effectiveSlaMs({ reviewSlaMs: Number.NaN })).toBe(48 * HOUR);
  });

  it('warns at 80 % of the SLA', () => {
    expect(reviewSchedule(0, { reviewSlaMs: 10 * HOUR })).toEqual({ dueAt: 10 * HOUR, warnAt: 8 * HOUR });
  });
});

describe('recognising an uploaded image by its bytes', () => {
  it('knows PNG, JPEG and WebP, and nothing else', () => {
    expect(sniffImage(Uint8Array.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0]))).toBe('image/png');
    expect(sniffImage(Uint8Array.from([0xff, 0xd8, 0xff, 0xe0]))).toBe('image/jpeg');
    expect(sniffImage(Uint8Array.from([...Buffer.from('RIFF'), 1, 2, 3, 4, ...Buffer.from('WEBPVP8 ')]))).toBe('image/webp');
    expect(sniffImage(Uint8Array.from([...Buffer.from('RIFF'), 1, 2, 3, 4, ...Buffer.from('WAVEfmt ')]))).toBeNull();
    expect(sniffImage(Buffer.from('GIF89a'))).toBeNull();
    expect(sniffImage(new Uint8Array())).toBeNull();
  });
});
