// `haoka serve --processes N`: N server processes share one port (Node's cluster: the first process accepts
// connections and hands them out in turn), and timers and the outbox run in one process of their own. The first
// process migrates the store (and seeds the demo catalog) once before any other starts, restarts a process that
// dies, and on SIGTERM stops them all gracefully before it exits.
import cluster, { type Worker as ClusterProcess } from 'node:cluster';
import { createHash } from 'node:crypto';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Logger } from 'pino';
import { MALLOC_ENV } from './malloc-env.ts';

export type Role = 'serve' | 'worker';

/** The role of this process when it was started by `serve --processes`; null in a process started on its own. */
export function clusterRole(): Role | null {
  if (cluster.isPrimary) return null;
  const role = process.env.HAOKA_CLUSTER_ROLE;
  return role === 'serve' || role === 'worker' ? role : null;
}

export interface ClusterPlan {
  processes: number;
  /** One more process runs timers and the outbox (HAOKA_WORKER=on); the server processes then run none. */
  worker: boolean;
  host: string;
  port: number;
}

/** A process that dies is started again after this long, doubling up to 30 s; one that lived a minute starts at 1 s. */
const RESTART_FIRST_MS = 1000;
const RESTART_MAX_MS = 30_000;
const HEALTHY_AFTER_MS = 60_000;

export function parseProcesses(raw: string): number | null {
  if (!/^\d+$/.test(raw)) return null;
  const n = Number(raw);
  return n >= 1 && n <= 64 ? n : null;
}

const SERVING = 'haoka:serving';

/** Where the demo's simulated partners of `serve --processes` keep their books: beside a SQLite file, else in the temporary directory. */
export function sharedSimStateDir(databaseUrl: string): string {
  if (!databaseUrl.startsWith('postgres')) return `${databaseUrl}.partners`;
  return join(tmpdir(), `haoka-partners-${createHash('sha256').update(databaseUrl).digest('hex').slice(0, 12)}`);
}

/** Called by a server process once its API listens, so that the first process can announce the port. */
export function announceServing(port: number): void {
  process.send?.({ type: SERVING, port });
}

function serving(message: unknown): number | null {
  const m = message as { type?: unknown; port?: unknown } | null;
  return m && m.type === SERVING && typeof m.port === 'number' ? m.port : null;
}

/** Runs in the first process: starts the others and keeps them running until a signal stops them. */
export async function runCluster(plan: ClusterPlan, log: Logger): Promise<void> {
  let stopping = false;
  const roles = new Map<number, Role>();
  const started = new Map<number, number>();
  const delays: Record<Role, number> = { serve: RESTART_FIRST_MS, worker: RESTART_FIRST_MS };
  let listening = 0;
  let announced = false;

  const start = (role: Role): ClusterProcess => {
    // Each process starts with the malloc settings the systemd units give theirs (unless the environment has its own).
    const child = cluster.fork({ ...MALLOC_ENV, ...process.env, HAOKA_CLUSTER_ROLE: role, HAOKA_WORKER: role === 'worker' ? 'on' : 'off' });
    roles.set(child.id, role);
    started.set(child.id, Date.now());
    return child;
  };

  // A server process says when its API listens (sockets it opens for anything else, such as the demo's fake
  // partners on their own ports, do not count).
  cluster.on('message', (child, message: unknown) => {
    const port = serving(message);
    if (port === null || roles.get(child.id) !== 'serve') return;
    listening++;
    if (announced || listening < plan.processes) return;
    announced = true;
    log.info({ url: `http://${plan.host}:${port}/`, processes: plan.processes, worker: plan.worker ? 'a process of its own' : 'off' }, 'haoka is serving');
  });

  cluster.on('exit', (child, code, signal) => {
    const role = roles.get(child.id)!;
    const lived = Date.now() - (started.get(child.id) ?? 0);
    roles.delete(child.id);
    started.delete(child.id);
    if (stopping) return;
    if (role === 'serve' && announced) listening--;
    delays[role] = lived >= HEALTHY_AFTER_MS ? RESTART_FIRST_MS : Math.min(delays[role] * 2, RESTART_MAX_MS);
    const wait = lived >= HEALTHY_AFTER_MS ? RESTART_FIRST_MS : delays[role];
    log.error({ pid: child.process.pid, role, code, signal, restartInMs: wait }, 'haoka process exited; starting another');
    setTimeout(() => { if (!stopping) start(role); }, wait).unref();
  });

  for (let i = 0; i < plan.processes; i++) start('serve');
  if (plan.worker) start('worker');

  await new Promise<void>((resolve) => {
    for (const sig of ['SIGINT', 'SIGTERM'] as const) {
      process.on(sig, () => {
        if (stopping) return;
        stopping = true;
        log.info({ signal: sig }, 'haoka is stopping');
        resolve();
      });
    }
  });
  // Each process finishes its requests and its worker pass, then exits; the first process waits for them all.
  const children = Object.values(cluster.workers ?? {}).filter((c): c is ClusterProcess => c !== undefined);
  const codes = await Promise.all(children.map((c) => new Promise<number>((res) => {
    if (c.isDead()) return res(c.process.exitCode ?? 0);
    c.once('exit', (code) => res(code ?? 0));
    c.process.kill('SIGTERM');
  })));
  const failed = codes.filter((c) => c !== 0).length;
  log.info({ processes: children.length, failed }, 'haoka stopped');
  process.exit(failed ? 1 : 0);
}
