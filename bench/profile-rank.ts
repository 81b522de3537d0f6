// npx tsx bench/profile-rank.ts PROFILE [MAP] [TOP]: where a V8 CPU profile's time went, from the .cpuprofile that
// `bench/sustained.ts --window-profile / --drain-profile` writes. MAP is the server bundle's source map
// (dist/bench/server-process.mjs.map, as it was when the profile was taken), which turns the bundle's lines back
// into source files. Prints self time by package or area, by file and by function, Kysely's own time by the nearest
// source function that called it (which repositories still build their queries per call), and with INCL=1 the
// inclusive time of source functions; UNDER=text adds the self time of samples with a frame matching text.
import { readFileSync } from 'node:fs';
import { SourceMap } from 'node:module';

interface Frame { functionName: string; url: string; lineNumber: number; columnNumber: number }
interface Node { id: number; callFrame: Frame; children?: number[] }
interface Profile { nodes: Node[]; samples: number[]; timeDeltas: number[] }

const [file, mapFile, topArg] = process.argv.slice(2);
if (!file) throw new Error('usage: profile-rank.ts PROFILE [MAP] [TOP]');
const top = Number(topArg ?? 30);
const p = JSON.parse(readFileSync(file, 'utf8')) as Profile;
const map = mapFile ? new SourceMap(JSON.parse(readFileSync(mapFile, 'utf8'))) : null;
const byId = new Map(p.nodes.map((n) => [n.id, n]));
const parent = new Map<number, number>();
for (const n of p.nodes) for (const c of n.children ?? []) parent.set(c, n.id);

const places = new Map<number, { file: string; fn: string }>();
function where(n: Node): { file: string; fn: string } {
  let w = places.get(n.id);
  if (w) return w;
  const cf = n.callFrame;
  let f = cf.url || '(native)';
  let line = cf.lineNumber;
  const e = (map && cf.url.includes('server-process.mjs') ? map.findEntry(cf.lineNumber, cf.columnNumber) : null) as { originalSource?: string; originalLine: number } | null;
  if (e?.originalSource) {
    f = e.originalSource.replace(/^.*?\/(src|bench|node_modules)\//, '$1/');
    line = e.originalLine;
  }
  f = f.replace(/^file:\/\/.*?\/node_modules\//, 'node_modules/');
  w = { file: f, fn: `${cf.functionName || '(anon)'} ${f.split('/').at(-1)}:${line + 1}` };
  places.set(n.id, w);
  return w;
}
const areaOf = (f: string) => {
  const m = f.match(/node_modules\/((@[^/]+\/)?[^/]+)/);
  if (m) return m[1]!;
  if (f.startsWith('src/')) return `src/${f.split('/')[1]}`;
  return f.startsWith('node:') ? 'node:' : f;
};
const add = (m: Map<string, number>, k: string, v: number) => m.set(k, (m.get(k) ?? 0) + v);

const hits = new Map<number, number>();
let total = 0;
p.samples.forEach((id, i) => {
  const d = p.timeDeltas[i + 1] ?? 0;
  hits.set(id, (hits.get(id) ?? 0) + d);
  total += d;
});
const idle = (n: Node) => ['(idle)', '(program)'].includes(n.callFrame.functionName);
let idleTime = 0;
const byArea = new Map<string, number>(), byFile = new Map<string, number>(), byFn = new Map<string, number>();
const kyselyCallers = new Map<string, number>(), inclusive = new Map<string, number>(), under = new Map<string, number>();
for (const [id, t] of hits) {
  const n = byId.get(id)!;
  if (idle(n)) { idleTime += t; continue; }
  const w = where(n);
  add(byArea, areaOf(w.file), t); add(byFile, w.file, t); add(byFn, w.fn, t);
  const kysely = w.file.includes('node_modules/kysely');
  let attributed = false, matched = false;
  const seen = new Set<string>();
  for (let cur: number | undefined = id; cur !== undefined; cur = parent.get(cur)) {
    const cw = where(byId.get(cur)!);
    if (process.env.UNDER && cw.fn.includes(process.env.UNDER)) matched = true;
    if (!cw.file.startsWith('src/')) continue;
    if (kysely && !attributed) { add(kyselyCallers, cw.fn, t); attributed = true; }
    if (!seen.has(cw.fn)) { seen.add(cw.fn); add(inclusive, cw.fn, t); }
  }
  if (kysely && !attributed) add(kyselyCallers, '(no source caller)', t);
  if (matched) add(under, `${w.fn}  [${w.file}]`, t);
}
const busy = total - idleTime;
const print = (title: string, m: Map<string, number>, k = top) => {
  console.log(`\n== ${title}`);
  for (const [name, t] of [...m].sort((a, b) => b[1] - a[1]).slice(0, k)) console.log(`${((100 * t) / busy).toFixed(1).padStart(5)}%  ${name}`);
};
console.log(`busy ${(busy / 1e6).toFixed(2)} s of ${(total / 1e6).toFixed(2)} s sampled; shares are of the busy time`);
print('self time by package or area', byArea, 20);
print('self time by file', byFile);
print('self time by function', byFn);
print('Kysely self time by the nearest source function', kyselyCallers, 15);
if (process.env.INCL) print('inclusive time by source function', inclusive, 50);
if (process.env.UNDER) print(`self time under ${process.env.UNDER}`, under);
