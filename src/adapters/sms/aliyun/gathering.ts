// Messages handed to the provider in the same turn of the event loop, gathered by template and sent together:
// the worker delivers the notices of many orders at once, and one request for all of them costs far less than
// one request each. A gathering leaves at the end of the turn (setImmediate), or at once when it is full; each
// caller gets its own answer.
interface Open<T, R> {
  key: string;
  ids: Set<string>;
  items: T[];
  waiters: { resolve: (r: R) => void; reject: (e: unknown) => void }[];
}

export class Gathering<T, R> {
  private readonly open = new Map<string, Open<T, R>>();
  private scheduled = false;

  /** `send` answers each item of a gathering, in the order given. */
  constructor(private readonly limit: number, private readonly send: (key: string, items: T[]) => Promise<R[]>) {}

  /** Items with the same `id` (one phone) never share a gathering: each would be taken for the other's answer. */
  add(key: string, item: T, id: string): Promise<R> {
    return new Promise<R>((resolve, reject) => {
      let slot = key;
      let g = this.open.get(slot);
      for (let n = 1; g?.ids.has(id); n++) g = this.open.get((slot = `${key}\u0000${n}`));
      if (!g) {
        g = { key, ids: new Set(), items: [], waiters: [] };
        this.open.set(slot, g);
      }
      g.ids.add(id);
      g.items.push(item);
      g.waiters.push({ resolve, reject });
      if (g.items.length >= this.limit) {
        this.open.delete(slot);
        this.leave(g);
      } else if (!this.scheduled) {
        this.scheduled = true;
        setImmediate(() => this.leaveAll());
      }
    });
  }

  private leaveAll(): void {
    this.scheduled = false;
    const all = [...this.open];
    this.open.clear();
    for (const [, g] of all) this.leave(g);
  }

  private leave(g: Open<T, R>): void {
    this.send(g.key, g.items).then(
      (rs) => g.waiters.forEach((w, i) => w.resolve(rs[i]!)),
      (e: unknown) => g.waiters.forEach((w) => w.reject(e)),
    );
  }
}
