import { describe, expect, it } from 'vitest';
import { REFUND_WINDOWS, refundEta, type RefundChannel } from '../../src/domain/policies/refund-eta.ts';
import { addWorkingDays, isWorkingDay, shanghaiDate } from '../../src/domain/policies/working-days.ts';

/** An instant given as Asia/Shanghai wall-clock time, e.g. at('2025-11-11T10:00'). */
const at = (shanghaiWallClock: string): number => Date.parse(`${shanghaiWallClock}:00+08:00`);

// Calendar facts the expectations below rely on:
// - November 2025 has no public holiday; Tue 11 Nov, Fri 14 Nov, Mon 17 Nov.
// - National Day 2025: Wed 1 Oct to Wed 8 Oct off; Sun 28 Sep and Sat 11 Oct are make-up working days.
// - Spring Festival 2026: Sun 15 Feb to Mon 23 Feb off; Sat 14 Feb and Sat 28 Feb are make-up working days.

describe('refund expected arrival', () => {
  describe('in an ordinary week', () => {
    it('an Alipay refund started on a Tuesday arrives between Wednesday and Friday', () => {
      expect(refundEta('alipay', at('2025-11-11T10:00'))).toEqual({
        earliest: '2025-11-12',
        latest: '2025-11-14',
        workingDays: [1, 3],
      });
    });

    it('a WeChat Pay refund has the same 1-3 working-day window as Alipay', () => {
      expect(refundEta('wechat', at('2025-11-11T10:00'))).toEqual({
        earliest: '2025-11-12',
        latest: '2025-11-14',
        workingDays: [1, 3],
      });
    });

    it('a bank refund started on a Tuesday arrives between Friday and the next Tuesday', () => {
      expect(refundEta('bank', at('2025-11-11T10:00'))).toEqual({
        earliest: '2025-11-14',
        latest: '2025-11-18',
        workingDays: [3, 5],
      });
    });
  });

  describe('across a weekend', () => {
    it('an Alipay refund started on a Friday skips the weekend and arrives Monday to Wednesday', () => {
      const eta = refundEta('alipay', at('2025-11-14T16:00'));
      expect([eta.earliest, eta.latest]).toEqual(['2025-11-17', '2025-11-19']);
    });

    it('a bank refund started on a Friday arrives the following Wednesday to Friday', () => {
      const eta = refundEta('bank', at('2025-11-14T09:00'));
      expect([eta.earliest, eta.latest]).toEqual(['2025-11-19', '2025-11-21']);
    });

    it('a refund started on a Saturday counts from the Monday after', () => {
      const eta = refundEta('wechat', at('2025-11-15T12:00'));
      expect([eta.earliest, eta.latest]).toEqual(['2025-11-17', '2025-11-19']);
    });
  });

  describe('around the 2025 National Day holiday', () => {
    it('an Alipay refund started on 30 September arrives 9 to 11 October, 11 October being a make-up working Saturday', () => {
      expect(refundEta('alipay', at('2025-09-30T14:00'))).toEqual({
        earliest: '2025-10-09',
        latest: '2025-10-11',
        workingDays: [1, 3],
      });
    });

    it('a bank refund started on 30 September arrives 11 to 14 October, skipping Sunday 12 October', () => {
      const eta = refundEta('bank', at('2025-09-30T14:00'));
      expect([eta.earliest, eta.latest]).toEqual(['2025-10-11', '2025-10-14']);
    });

    it('a refund started on Friday 26 September can arrive on Sunday 28 September, a make-up working day', () => {
      const eta = refundEta('alipay', at('2025-09-26T11:00'));
      expect([eta.earliest, eta.latest]).toEqual(['2025-09-28', '2025-09-30']);
    });

    it('a bank refund started on Friday 26 September runs over the holiday and arrives 30 September to 10 October', () => {
      const eta = refundEta('bank', at('2025-09-26T11:00'));
      expect([eta.earliest, eta.latest]).toEqual(['2025-09-30', '2025-10-10']);
    });

    it('a refund started during the holiday counts from the first working day after it', () => {
      const eta = refundEta('wechat', at('2025-10-03T10:00'));
      expect([eta.earliest, eta.latest]).toEqual(['2025-10-09', '2025-10-11']);
    });
  });

  describe('around the 2026 Spring Festival holiday', () => {
    it('a bank refund started on Thursday 12 February counts Friday 13 and the make-up Saturday 14, then resumes on 24 February', () => {
      expect(refundEta('bank', at('2026-02-12T15:00'))).toEqual({
        earliest: '2026-02-24',
        latest: '2026-02-26',
        workingDays: [3, 5],
      });
    });

    it('an Alipay refund started on Friday 13 February can arrive on the make-up Saturday 14 February', () => {
      const eta = refundEta('alipay', at('2026-02-13T10:00'));
      expect([eta.earliest, eta.latest]).toEqual(['2026-02-14', '2026-02-25']);
    });

    it('a bank refund started on Wednesday 25 February can arrive on the make-up Saturday 28 February', () => {
      const eta = refundEta('bank', at('2026-02-25T10:00'));
      expect([eta.earliest, eta.latest]).toEqual(['2026-02-28', '2026-03-03']);
    });
  });

  describe('day boundaries in Asia/Shanghai', () => {
    it('a refund started at 23:30 UTC on Thursday counts from Friday in Shanghai', () => {
      const thursday2330Utc = Date.UTC(2025, 10, 13, 23, 30); // Fri 14 Nov 07:30 in Shanghai
      const eta = refundEta('alipay', thursday2330Utc);
      expect([eta.earliest, eta.latest]).toEqual(['2025-11-17', '2025-11-19']);
    });

    it('a refund started at 23:59 Shanghai time on Thursday still counts from Thursday', () => {
      const eta = refundEta('alipay', Date.UTC(2025, 10, 13, 15, 59, 59, 999));
      expect([eta.earliest, eta.latest]).toEqual(['2025-11-14', '2025-11-18']);
    });
  });

  describe('express refunds', () => {
    it('arrive on the day they start, even on a public holiday', () => {
      expect(refundEta('alipay', at('2025-10-03T10:00'), { express: true })).toEqual({
        earliest: '2025-10-03',
        latest: '2025-10-03',
        workingDays: [0, 0],
      });
    });

    it('arrive on the Shanghai date of the start, which is the next day at 23:30 UTC', () => {
      expect(refundEta('bank', Date.UTC(2025, 8, 30, 23, 30), { express: true })).toEqual({
        earliest: '2025-10-01',
        latest: '2025-10-01',
        workingDays: [0, 0],
      });
    });

    it('follow the ordinary window when express is false', () => {
      expect(refundEta('alipay', at('2025-11-11T10:00'), { express: false }).workingDays).toEqual([1, 3]);
    });
  });

  it('keeps the channel windows in one table: 1-3 working days for Alipay and WeChat Pay, 3-5 for bank transfer', () => {
    expect(REFUND_WINDOWS).toEqual({ alipay: [1, 3], wechat: [1, 3], bank: [3, 5] });
  });

  it('rejects an unknown channel', () => {
    expect(() => refundEta('cash' as RefundChannel, at('2025-11-11T10:00'))).toThrow(RangeError);
  });
});

describe('mainland China working-day calendar', () => {
  it('gives the Shanghai date of an instant, changing at 16:00 UTC', () => {
    expect(shanghaiDate(Date.UTC(2025, 10, 13, 15, 59, 59, 999))).toBe('2025-11-13');
    expect(shanghaiDate(Date.UTC(2025, 10, 13, 16, 0))).toBe('2025-11-14');
    expect(shanghaiDate(Date.UTC(2025, 11, 31, 16, 0))).toBe('2026-01-01');
  });

  it('treats ordinary weekdays as working days and ordinary weekends as days off', () => {
    expect(isWorkingDay('2025-11-14')).toBe(true); // Friday
    expect(isWorkingDay('2025-11-15')).toBe(false); // Saturday
    expect(isWorkingDay('2025-11-16')).toBe(false); // Sunday
    expect(isWorkingDay('2025-11-17')).toBe(true); // Monday
  });

  it('treats public holidays on weekdays as days off', () => {
    expect(isWorkingDay('2025-10-01')).toBe(false); // Wednesday, National Day
    expect(isWorkingDay('2025-10-08')).toBe(false); // Wednesday, last day of the 2025 holiday
    expect(isWorkingDay('2026-02-23')).toBe(false); // Monday, last day of the 2026 Spring Festival
  });

  it('treats make-up weekend days as working days', () => {
    expect(isWorkingDay('2025-09-28')).toBe(true); // Sunday
    expect(isWorkingDay('2025-10-11')).toBe(true); // Saturday
    expect(isWorkingDay('2026-02-14')).toBe(true); // Saturday
    expect(isWorkingDay('2026-02-28')).toBe(true); // Saturday
    expect(isWorkingDay('2025-10-12')).toBe(false); // the Sunday after a make-up Saturday stays off
  });

  it('returns the starting date itself for zero working days, even when that day is a holiday', () => {
    expect(addWorkingDays(at('2025-10-03T10:00'), 0)).toBe('2025-10-03');
  });

  it('rejects malformed dates, impossible dates and negative day counts', () => {
    expect(() => isWorkingDay('2025-2-3')).toThrow(RangeError);
    expect(() => isWorkingDay('2025-02-30')).toThrow(RangeError);
    expect(() => addWorkingDays(at('2025-11-11T10:00'), -1)).toThrow(RangeError);
    expect(() => addWorkingDays(at('2025-11-11T10:00'), 1.5)).toThrow(RangeError);
    expect(() => addWorkingDays(Number.NaN, 1)).toThrow(RangeError);
  });
});
