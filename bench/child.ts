// Each measured part runs in its own process: the server apart from its load generator, and every
// phase with a fresh heap. Parent and child talk over the IPC channel: one request, one reply.
import { fork, type ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { MALLOC_ENV } from '../src/cli/malloc-env.ts';

/**
 * The processes the bench starts. `npm run bench` first builds each into compiled JavaScript in dist/bench
 * (`scripts/bundle.ts`), as `npm start` serves compiled code: measured without the TypeScript loader.
 */
export const CHILDREN = {
  'server-process': 'bench/server-process.ts',
  'timer-lateness': 'bench/timer-lateness.ts',
  'sla-lateness': 'bench/sla-lateness.ts',
  'overdue-close': 'bench/overdue-close.ts',
  'flash-server': 'bench/flash-server.ts',
  'million-server': 'bench/million-server.ts',
  'wechat-gateway': 'bench/wechat-gateway.ts',
  'sms-providers': 'bench/sms-providers.ts',
  'alipay-gateway': 'bench/alipay-gateway.ts',
  'supplier-process': 'bench/supplier-process.ts',
  'iot-cancellation': 'bench/iot-cancellation.ts',
} as const;
export const CHILDREN_DIR = 'dist/bench';

export interface Child {
  /** The first message the child sends (it is ready, or its result when it only does one thing). */
  first: Promise<any>;
  call(msg: Record<string, unknown>): Promise<any>;
  exited: Promise<number | null>;
  proc: ChildProcess;
}

/** `--profile DIR` on the bench's command line: each child writes a V8 CPU profile there. */
function profileFlags(): string[] {
  const at = process.argv.indexOf('--profile');
  return at >= 0 && process.argv[at + 1] ? ['--cpu-prof', `--cpu-prof-dir=${process.argv[at + 1]}`] : [];
}

/**
 * `opts.env` adds to the child's environment; `opts.builtIn` runs the child from another build (another checkout's
 * dist/bench). Every child starts with the malloc settings a deployed server starts with (src/cli/malloc-env.ts)
 * unless the bench's own environment sets them, or `opts.defaultMalloc` asks for glibc's defaults (an older build).
 */
export function startChild(script: keyof typeof CHILDREN, args: unknown, opts: { env?: Record<string, string>; builtIn?: string; defaultMalloc?: boolean; under?: string[] } = {}): Child {
  const path = opts.builtIn ? `${opts.builtIn}/${script}.mjs` : fileURLToPath(new URL(`../${CHILDREN_DIR}/${script}.mjs`, import.meta.url));
  // `opts.under`: a program the child runs under (valgrind and its options), given node's path and flags.
  const proc = fork(path, [JSON.stringify(args)], {
    ...(opts.under ? { execPath: opts.under[0]!, execArgv: [...opts.under.slice(1), process.execPath, ...profileFlags()] } : { execArgv: profileFlags() }),
    stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
    env: { ...(opts.defaultMalloc ? {} : MALLOC_ENV), ...process.env, ...opts.env },
  });
  const waiting: ((m: any) => void)[] = [];
  const exited = new Promise<number | null>((res) => proc.on('exit', (code) => res(code)));
  proc.on('message', (m: any) => {
    if (m?.error) {
      process.stderr.write(`bench: ${script} failed: ${m.error}\n`);
      process.exit(1);
    }
    waiting.shift()?.(m);
  });
  exited.then((code) => {
    if (code !== 0 && waiting.length) {
      process.stderr.write(`bench: ${script} exited with ${code}\n`);
      process.exit(1);
    }
  });
  const next = () => new Promise<any>((res) => waiting.push(res));
  const first = next();
  return {
    first,
    proc,
    exited,
    call(msg) {
      const reply = next();
      proc.send(msg);
      return reply;
    },
  };
}

/** In a child: the arguments its parent passed. */
export function childArgs<T>(): T {
  return JSON.parse(process.argv[2] ?? '{}') as T;
}

/** In a child: answer the parent, or report the failure instead of dying silently. */
export function reply(msg: object): void {
  process.send!(msg);
}

/** In a one-shot child: hand back the result and end. */
export function finish(msg: object): void {
  process.send!(msg, () => process.exit(0));
}

export function replyError(e: unknown): void {
  process.send!({ error: e instanceof Error ? e.stack ?? e.message : String(e) }, () => process.exit(1));
}

/**
 * The SMS providers' fakes in a process of their own (bench/sms-providers.ts): `env` points a server at them, so
 * that its CPU counts what Haoka does to text a customer and not the provider's side, as in production.
 */
export async function startSmsProviders(): Promise<{ env: Record<string, string>; aliyunCalls(): Promise<Record<string, number>>; stop(): Promise<void> }> {
  const child = startChild('sms-providers', {});
  const { env } = (await child.first) as { env: Record<string, string> };
  return {
    env,
    aliyunCalls: () => child.call({ cmd: 'calls' }) as Promise<Record<string, number>>,
    stop: async () => { await child.call({ cmd: 'exit' }).catch(() => undefined); },
  };
}
