// The source tree's shape: layers import inward only, and no module reaches itself through its imports.
import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';

const SRC = resolve(import.meta.dirname, '../src');

function sources(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) => {
    const p = join(dir, e.name);
    return e.isDirectory() ? sources(p) : /\.tsx?$/.test(e.name) ? [p] : [];
  });
}

/** Value imports only: `import type` leaves nothing at run time and cannot form a loading cycle. */
function imports(file: string): string[] {
  const text = readFileSync(file, 'utf8');
  const out: string[] = [];
  for (const m of text.matchAll(/^(?:import|export)\s+(?!type\s)[^'";]*?from\s+'(\.{1,2}\/[^']+)'/gm)) out.push(resolve(dirname(file), m[1]!));
  return out;
}

const files = sources(SRC);
const graph = new Map(files.map((f) => [f, imports(f).filter((t) => files.includes(t))]));
const rel = (f: string) => relative(SRC, f);

function cycles(): string[][] {
  const found: string[][] = [];
  const state = new Map<string, 'open' | 'done'>();
  const stack: string[] = [];
  const visit = (f: string) => {
    state.set(f, 'open');
    stack.push(f);
    for (const t of graph.get(f) ?? []) {
      if (state.get(t) === 'open') found.push([...stack.slice(stack.indexOf(t)), t].map(rel));
      else if (!state.has(t)) visit(t);
    }
    stack.pop();
    state.set(f, 'done');
  };
  for (const f of files) if (!state.has(f)) visit(f);
  return found;
}

describe('the source tree', () => {
  it('has no import cycles', () => {
    expect(cycles()).toEqual([]);
  });

  it('keeps the domain pure: it imports nothing outside domain/', () => {
    const outside = files.filter((f) => rel(f).startsWith('domain/'))
      .flatMap((f) => imports(f).filter((t) => !rel(t).startsWith('domain/')).map((t) => `${rel(f)} -> ${rel(t)}`));
    expect(outside).toEqual([]);
  });

  it('gives every use case a capability folder', () => {
    const flat = files.filter((f) => dirname(rel(f)) === 'app').map(rel);
    expect(flat).toEqual([]);
  });
});
