// Who is signed in, per area. Customers and staff keep separate sessions: one browser may hold both in a demo.
import { useSyncExternalStore } from 'react';
import type { Agent } from './api.ts';

export type Area = 'customer' | 'staff';

export interface CustomerSession { token: string; customerId: string; phone: string }
export interface StaffSession { token: string; agent: Agent }
type SessionOf<A extends Area> = A extends 'customer' ? CustomerSession : StaffSession;

const storageKey = (area: Area) => `haoka.session.${area}`;
const listeners = new Set<() => void>();
const cache = new Map<Area, unknown>();

function read<A extends Area>(area: A): SessionOf<A> | null {
  if (!cache.has(area)) {
    let value: unknown = null;
    try {
      value = JSON.parse(localStorage.getItem(storageKey(area)) ?? 'null');
    } catch {
      value = null;
    }
    cache.set(area, value);
  }
  return cache.get(area) as SessionOf<A> | null;
}

function write(area: Area, value: unknown) {
  cache.set(area, value);
  if (value === null) localStorage.removeItem(storageKey(area));
  else localStorage.setItem(storageKey(area), JSON.stringify(value));
  for (const l of listeners) l();
}

export const session = {
  get: read,
  set: <A extends Area>(area: A, value: SessionOf<A>) => write(area, value),
  clear: (area: Area) => write(area, null),
};

const subscribe = (l: () => void) => {
  listeners.add(l);
  return () => listeners.delete(l);
};

export function useSession<A extends Area>(area: A): SessionOf<A> | null {
  return useSyncExternalStore(subscribe, () => read(area));
}
