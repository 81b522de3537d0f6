// glibc's malloc for a long-running server process. By default a thread may get an arena of its own (up to 16 on
// two cores), and once a large block is freed malloc raises its thresholds to that block's size: scrypt's 16 MB for
// a staff sign-in then stays resident in each libuv thread that ran one, and up to 32 MB freed at the top of every
// arena (V8's compiler and GC threads among them) is kept rather than handed back. Measured on the bench's server
// under load (docs/BENCHMARKS.md, "Server memory"): about 40 MB less resident. glibc reads these once, when a process
// starts: the systemd units and `npm start` set them, `serve --processes` passes them to the processes it starts,
// and the bench's server processes get them too (test/cli/malloc-env.test.ts keeps those places in step).
export const MALLOC_ENV = {
  /** Two arenas for all threads. */
  MALLOC_ARENA_MAX: '2',
  /** glibc's initial thresholds, kept: a block of 128 kB or more is mapped on its own and unmapped when freed, */
  MALLOC_MMAP_THRESHOLD_: '131072',
  /** and more than 128 kB free at the top of an arena goes back to the system. */
  MALLOC_TRIM_THRESHOLD_: '131072',
} as const;

/** The variables as `K=V K=V` (a systemd Environment= line, a shell prefix). */
export const MALLOC_ENV_LINE = Object.entries(MALLOC_ENV).map(([k, v]) => `${k}=${v}`).join(' ');
