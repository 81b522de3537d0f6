// A simulated party keeps its records as a real one does for a retention period: the newest finished records
// in full, and of older ones only their request numbers, so that a repeated number is still recognised and never
// acted on twice. Work still in progress is never forgotten. Without this the simulators, which run inside the
// server process, would hold every payment's refund and every number release for as long as the process lives.

/** Finished records each simulator keeps in full. */
export const KEEP_FINISHED = 10_000;

export class Retention {
  private readonly recent = new Set<string>();
  private readonly past = new Set<string>();

  constructor(private readonly keep: number, private readonly forget: (id: string) => void) {}

  /** `id` is finished: it is kept in full until `keep` newer ones have finished, then only its number is. */
  finished(id: string): void {
    if (this.recent.has(id)) return;
    this.recent.add(id);
    if (this.recent.size <= this.keep) return;
    const oldest = this.recent.values().next().value as string;
    this.recent.delete(oldest);
    this.past.add(oldest);
    this.forget(oldest);
  }

  /** Finished so long ago that only its number is left. */
  forgotten(id: string): boolean {
    return this.past.has(id);
  }
}
