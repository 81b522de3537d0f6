// Reading callgrind's counts (bench/instructions.ts, bench/link-instructions.ts).
import { execFileSync } from 'node:child_process';

/**
 * V8's garbage collector and optimising compiler run in bursts (a full collection, a function compiled again), and a
 * window of a few hundred cycles holds one or none: their instructions are told apart from the rest (the cycles' own
 * work, which is what a change to the code moves), by the name of the function that spent them.
 */
export const GC = /MarkingVisitor|MarkCompact|Scavenge|Evacuat|Sweeper|Marking|LiveObject|RecordMigrated|IteratePointers|IterateMaybeWeak|GCTracer|heap::base|ConcurrentMarking|MemoryAllocator|Heap::/;
export const COMPILER = /compiler::|maglev|Maglev|turboshaft|Turboshaft|CodeGenerator|RegisterAllocat|InstructionSelector|baseline::|BytecodeGenerator|Parser|Scanner|Compiler::|OptimizedCompilation/;

export interface Count { all: number; gc: number; compiler: number }

export function split(file: string, n: number): Count {
  const text = execFileSync('callgrind_annotate', ['--threshold=100', file], { maxBuffer: 1 << 28 }).toString();
  const c: Count = { all: 0, gc: 0, compiler: 0 };
  for (const line of text.split('\n')) {
    const m = /^\s*([\d,]+) \(\s*[\d.]+%\)\s+(.*)$/.exec(line);
    if (!m) continue;
    const ir = Number(m[1]!.replaceAll(',', ''));
    if (m[2]!.includes('PROGRAM TOTALS')) c.all = ir;
    else if (GC.test(m[2]!)) c.gc += ir;
    else if (COMPILER.test(m[2]!)) c.compiler += ir;
  }
  return { all: c.all / n, gc: c.gc / n, compiler: c.compiler / n };
}
