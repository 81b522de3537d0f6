// The server on a store seeded with many orders (bench/million.ts), in its own process with the worker off:
// it only serves the reads under test. It also records the SQL those reads run and explains each statement.
import type { AddressInfo } from 'node:net';
import SqliteDatabase from 'better-sqlite3';
import { loadConfig } from '../src/config.ts';
import { compose } from '../src/main.ts';
import { issueAgentToken, issueCustomerToken } from '../src/app/platform/sign-in.ts';
import { isError } from '../src/domain/errors.ts';
import { seededCustomerPhone } from '../src/seed/order-copies.ts';
import { childArgs, finish, reply, replyError } from './child.ts';
import { openRaw } from './fixtures.ts';
import { ProcessMeter } from './stats.ts';
import type { ServerStats } from './server-process.ts';

export interface MillionServerArgs {
  file: string;
  /** Orders (with their owners) the load draws from. */
  sample: number;
}

export interface Sampled { orderId: string; token: string }

/** Every statement better-sqlite3 runs while recording is on, by its text. */
const seen = new Set<string>();
let recording = false;
function recordStatements(): void {
  const probe = new SqliteDatabase(':memory:');
  const proto = Object.getPrototypeOf(probe.prepare('select 1')) as Record<string, (...a: unknown[]) => unknown>;
  probe.close();
  for (const m of ['all', 'get', 'run', 'iterate']) {
    const original = proto[m]!;
    proto[m] = function (this: { source: string }, ...a: unknown[]) {
      if (recording) seen.add(this.source);
      return original.apply(this, a);
    };
  }
}

/** The query plan of each statement (parameters bound as NULL), and the steps that read a whole table or index, or sort. */
function explain(file: string, texts: string[]): { sql: string; plan: string[]; scans: string[] }[] {
  const raw = openRaw(file);
  try {
    return texts.filter((t) => /^\s*(select|with)\b/i.test(t)).map((t) => {
      const params = (t.match(/\?/g) ?? []).map(() => null);
      const plan = (raw.prepare(`explain query plan ${t}`).all(...params) as { detail: string }[]).map((r) => r.detail);
      return { sql: t, plan, scans: plan.filter((d) => /^SCAN |TEMP B-TREE/.test(d)) };
    });
  } finally {
    raw.close();
  }
}

async function main() {
  const a = childArgs<MillionServerArgs>();
  recordStatements();
  const config = loadConfig({ HAOKA_DATABASE_URL: a.file, HAOKA_SECRET: 'bench-secret-not-for-production', HAOKA_LOG_LEVEL: 'warn' });
  const haoka = await compose(config, { seed: true, webDir: null });
  const { deps } = haoka;
  const raw = openRaw(a.file);
  // A spread of orders by id (ids sort by placing time), each with its owner signed in.
  const total = (raw.prepare('select count(*) as n from orders').get() as { n: number }).n;
  const step = Math.max(1, Math.floor(total / a.sample));
  const next = raw.prepare(`select id, customer_id from orders where id > ? order by id limit 1 offset ?`);
  const rows: { id: string; customer_id: string }[] = [];
  let after = '';
  for (let i = 0; i < a.sample; i++) {
    const r = next.get(after, step - 1) as { id: string; customer_id: string } | undefined;
    if (!r) break;
    rows.push(r);
    after = r.id;
  }
  raw.close();
  const sample: Sampled[] = [];
  for (const r of rows.filter((x) => x.customer_id.startsWith('CS'))) {
    const c = parseInt(r.customer_id.slice(2), 36);
    const t = await issueCustomerToken(deps, seededCustomerPhone(c));
    if (isError(t)) throw new Error(t.message);
    if (t.customerId !== r.customer_id) throw new Error(`signing in as ${seededCustomerPhone(c)} gave ${t.customerId}, not the seeded ${r.customer_id}`);
    sample.push({ orderId: r.id, token: t.token });
  }
  const agent = await issueAgentToken(deps, 'agent');
  if (isError(agent)) throw new Error(agent.message);
  const app = await haoka.server();
  await app.listen({ host: '127.0.0.1', port: 0 });

  const meter = new ProcessMeter();
  process.on('message', (m: any) => {
    (async () => {
      switch (m.cmd) {
        case 'record':
          recording = m.on as boolean;
          if (recording) seen.clear();
          return reply({ statements: [...seen] });
        case 'explain':
          return reply({ plans: explain(a.file, m.statements as string[]) });
        case 'mark':
          meter.mark();
          return reply({});
        case 'stats': {
          return reply({ ...meter.read(), backlog: await deps.store.queue.outboxBacklog() } satisfies ServerStats);
        }
        case 'exit':
          await haoka.close();
          return finish({});
      }
    })().catch(replyError);
  });
  reply({ port: (app.server.address() as AddressInfo).port, sample, agentToken: agent.token, orders: total });
}

main().catch(replyError);
