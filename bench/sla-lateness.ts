// Review-SLA escalation lateness: open cancellation requests seeded in bulk (bench/../src/seed/orders.ts,
// copies of a request opened through the real flow, each with its 80 % warning and breach timers), a block
// of them whose 80 % warnings fall due over a short window, and the real worker on the system clock
// escalating them. For each: how long after its warning time it was escalated, and when that committed.
import { join } from 'node:path';
import { loadConfig } from '../src/config.ts';
import { compose } from '../src/main.ts';
import { openSeeder } from '../src/seed/orders.ts';
import { warnAtOf } from '../src/domain/policies/review-sla.ts';
import { childArgs, finish, replyError } from './child.ts';
import { openRaw } from './fixtures.ts';
import { firstAtOrAfter, max, percentile, recordCommits } from './stats.ts';

export interface SlaArgs {
  dir: string;
  /** Requests whose warnings fall due inside the window. */
  due: number;
  windowMs: number;
  /** Further open requests (two pending SLA timers each) and pending orders (two timers each) around them. */
  backgroundRequests: number;
  backgroundOrders: number;
}

const MIN = 60_000;

async function main() {
  const a = childArgs<SlaArgs>();
  const file = join(a.dir, 'sla.db');
  const config = loadConfig({ HAOKA_DATABASE_URL: file, HAOKA_SECRET: 'bench-secret-not-for-production', HAOKA_LOG_LEVEL: 'warn' });
  const seeder = await openSeeder(config);
  const t = seeder.templates.find((x) => x.state === 'open_request');
  const warning = t?.timers.find((x) => x.kind === 'review_sla_warning');
  if (!t || !warning) throw new Error('the recorded review request left no review_sla_warning timer');
  const warnAfterPlacing = warning.dueAt - t.placedAt;
  // Requests opened over the last three hours (warnings hours ahead), and orders awaiting payment.
  await seeder.write(a.backgroundRequests, { mix: { open_request: { weight: 1, within: 3 * 60 * MIN } }, customers: 20_000 });
  await seeder.write(a.backgroundOrders, { mix: { pending_payment: { weight: 1, within: 10 * MIN } }, customers: 20_000 });
  // The window starts shortly after these are written.
  const t0 = Date.now() + 3000;
  const warnAt = (i: number) => t0 + Math.floor((i * a.windowMs) / a.due);
  await seeder.write(a.due, { mix: { open_request: { weight: 1, within: 0 } }, customers: 20_000, placedAt: (i) => warnAt(i) - warnAfterPlacing });
  await seeder.close();
  if (Date.now() > t0 - 500) throw new Error('seeding the window took too long; the first warnings are already near');

  const raw = openRaw(file);
  const pendingTimers = (raw.prepare('select count(*) as n from timers').get() as { n: number }).n;
  const haoka = await compose(config);
  const commits = recordCommits(haoka.deps.store);

  const inWindow = (r: { created_at: number; due_at: number }) => {
    const w = warnAtOf({ createdAt: r.created_at, dueAt: r.due_at });
    return w >= t0 && w <= t0 + a.windowMs;
  };
  // The window's requests, found once; the poll below counts those not yet escalated.
  const windowIds = (raw.prepare(`select id, created_at, due_at from cancellation_requests where state = 'requested'`).all() as { id: string; created_at: number; due_at: number }[])
    .filter(inWindow).map((r) => r.id);
  const open = raw.prepare(`select count(*) as n from cancellation_requests where escalation_level = 0 and id in (select value from json_each(?))`);
  const ids = JSON.stringify(windowIds);
  haoka.worker.start();
  const giveUp = t0 + a.windowMs + 120_000;
  while ((open.get(ids) as { n: number }).n > 0 && Date.now() < giveUp) await new Promise((r) => setTimeout(r, 200));
  await haoka.worker.stop();

  const rows = (raw.prepare(`select created_at, due_at, escalated_at, escalation_level from cancellation_requests where state = 'requested'`).all() as
    { created_at: number; due_at: number; escalated_at: number | null; escalation_level: number }[]);
  const mine = rows.filter(inWindow);
  const escalated = mine.filter((r) => r.escalated_at !== null);
  const lateness = (r: (typeof mine)[number]) => r.escalated_at! - warnAtOf({ createdAt: r.created_at, dueAt: r.due_at });
  const decided = escalated.map(lateness);
  const visible = escalated.map((r) => firstAtOrAfter(commits, r.escalated_at!) - warnAtOf({ createdAt: r.created_at, dueAt: r.due_at }));
  const early = escalated.filter((r) => lateness(r) < 0).length;
  const others = rows.filter((r) => !inWindow(r) && r.escalation_level > 0).length;
  raw.close();
  await haoka.close();
  finish({
    due: mine.length, windowMs: a.windowMs, pendingTimers, backgroundRequests: a.backgroundRequests, backgroundOrders: a.backgroundOrders,
    unescalated: mine.length - escalated.length, escalatedEarly: early, othersEscalated: others,
    decidedP50: percentile(decided, 50), decidedP99: percentile(decided, 99), decidedMax: max(decided),
    visibleP50: percentile(visible, 50), visibleP99: percentile(visible, 99), visibleMax: max(visible),
  });
}

main().catch(replyError);
