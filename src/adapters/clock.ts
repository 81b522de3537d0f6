import type { Clock } from '../app/platform/ports.ts';

export const systemClock: Clock = { now: () => Date.now() };

/** A clock that tests move by hand: timers fire because time moved, never because a test slept. */
export class FakeClock implements Clock {
  constructor(private t: number = Date.UTC(2026, 10, 27, 2, 0, 0)) {}
  now(): number {
    return this.t;
  }
  advance(ms: number): number {
    this.t += ms;
    return this.t;
  }
  set(t: number): void {
    this.t = t;
  }
}
