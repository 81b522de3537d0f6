// Every card keeps its own audit trail: who (business staff, agent, system), what, from which state, why, in which job.
import type { Insertable } from 'kysely';
import type { IotCardEventsTable } from '../../adapters/store/iot/schema.ts';
import type { OutboxTable } from '../../adapters/store/schema.ts';

export interface IotActor {
  type: 'business' | 'agent' | 'operator' | 'system';
  id: string;
}

export const IOT_SYSTEM: IotActor = { type: 'system', id: 'system' };

export function cardEvent(cardId: string, action: string, from: string | null, to: string, actor: IotActor, now: number, reason: string | null = null, jobId: string | null = null): Insertable<IotCardEventsTable> {
  return { card_id: cardId, action, from_state: from, to_state: to, actor_type: actor.type, actor_id: actor.id, reason, job_id: jobId, at: now };
}

/** An outbox row of the IoT capability (no order behind it). */
export function iotOutbox(topic: string, payload: Record<string, unknown>, now: number): Insertable<OutboxTable> {
  return { order_id: null, topic, payload: JSON.stringify(payload), attempts: 0, next_attempt_at: now, created_at: now };
}
