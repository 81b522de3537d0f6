// Where a process's resident memory lives: the JavaScript heap (V8's spaces), the rest of the anonymous memory
// (malloc's arenas: SQLite's page caches and statements, buffers, native modules), and the mapped files (the node
// binary and shared libraries). Linux only (/proc/self/smaps); elsewhere the figures beyond memoryUsage() are NaN.
import { readFileSync } from 'node:fs';
import { getHeapSpaceStatistics } from 'node:v8';

export interface MemoryBreakdown {
  rss: number;
  heapTotal: number;
  heapUsed: number;
  external: number;
  arrayBuffers: number;
  /** Resident, by kind of mapping (smaps). */
  anon: number;
  file: number;
  /** The brk heap: glibc malloc's main arena (the main thread's allocations: SQLite's page caches among them). */
  brk: number;
  /** V8's spaces: resident bytes each, and their sum (the JavaScript heap's part of the RSS). */
  spaces: Record<string, number>;
  heap: number;
  /** The largest resident mappings: name or address range, kB. */
  top: { what: string; kb: number }[];
}

export function memoryBreakdown(top = 0): MemoryBreakdown {
  const m = process.memoryUsage();
  const spaces = Object.fromEntries(getHeapSpaceStatistics().map((s) => [s.space_name, s.physical_space_size]));
  const heap = Object.values(spaces).reduce((a, b) => a + b, 0);
  const out: MemoryBreakdown = { ...m, anon: NaN, file: NaN, brk: NaN, spaces, heap, top: [] };
  let text: string;
  try {
    text = readFileSync('/proc/self/smaps', 'utf8');
  } catch {
    return out;
  }
  out.anon = 0;
  out.file = 0;
  out.brk = 0;
  const maps: { what: string; kb: number }[] = [];
  let what = '';
  let isFile = false;
  for (const line of text.split('\n')) {
    const head = /^([0-9a-f]+-[0-9a-f]+) \S+ \S+ \S+ (\d+)\s*(.*)$/.exec(line);
    if (head) {
      const name = head[3]!.trim();
      isFile = head[2] !== '0' && name.startsWith('/');
      what = name || head[1]!;
      continue;
    }
    const rss = /^Rss:\s+(\d+) kB/.exec(line);
    if (!rss) continue;
    const kb = Number(rss[1]);
    if (isFile) out.file += kb * 1024;
    else out.anon += kb * 1024;
    if (what === '[heap]') out.brk += kb * 1024;
    if (kb > 0) maps.push({ what, kb });
  }
  out.top = maps.sort((a, b) => b.kb - a.kb).slice(0, top);
  return out;
}

const MB = 1024 * 1024;
const mb = (x: number) => (Number.isFinite(x) ? (x / MB).toFixed(0) : '-');

/** One line: RSS, then the JavaScript heap, the rest of the anonymous memory, and mapped files. */
export function memoryLine(b: MemoryBreakdown): string {
  return `RSS ${mb(b.rss)} MB = JavaScript heap ${mb(b.heap)} (${mb(b.heapUsed)} in use, new space ${mb(b.spaces.new_space ?? NaN)}) + other anonymous ${mb(b.anon - b.heap)} (malloc's main arena ${mb(b.brk)}) + mapped files ${mb(b.file)}`;
}
