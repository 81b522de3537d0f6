import { useCallback, useEffect, useRef, useState } from 'react';
import { newKey } from './api.ts';

/**
 * Loads data and, when `every` says so, loads it again: pages that wait for the server to move an order
 * (payment confirmed, deadline passed) poll instead of asking the person to refresh.
 */
export function useLoad<T>(load: () => Promise<T>, deps: unknown[], every?: (data: T | undefined) => number | null) {
  const [data, setData] = useState<T | undefined>(undefined);
  const [error, setError] = useState<unknown>(null);
  const loadRef = useRef(load);
  const everyRef = useRef(every);
  const latest = useRef<T | undefined>(undefined);
  /** Starts polling again when data set from outside (an action's answer) calls for it and no poll is pending. */
  const resume = useRef<() => void>(() => undefined);
  loadRef.current = load;
  everyRef.current = every;

  useEffect(() => {
    let stopped = false;
    let timer: number | undefined;
    let inFlight = false;
    const tick = async () => {
      timer = undefined;
      inFlight = true;
      try {
        const d = await loadRef.current();
        if (stopped) return;
        latest.current = d;
        setData(d);
        setError(null);
      } catch (e) {
        if (stopped) return;
        setError(e);
      }
      inFlight = false;
      // A failed poll is tried again on the same schedule: a dropped connection should not freeze the page.
      const ms = everyRef.current?.(latest.current);
      if (ms != null) timer = window.setTimeout(tick, ms);
    };
    resume.current = () => {
      if (stopped || inFlight || timer !== undefined) return;
      const ms = everyRef.current?.(latest.current);
      if (ms != null) timer = window.setTimeout(tick, ms);
    };
    void tick();
    return () => {
      stopped = true;
      window.clearTimeout(timer);
    };
  }, deps);

  const replace = useCallback((d: T) => {
    latest.current = d;
    setData(d);
    resume.current();
  }, []);
  return { data, error, setData: replace };
}

/**
 * A button's action: ignores clicks while one is running, and gives each action one idempotency key
 * so that the server applies a repeated request once.
 */
export function useAction() {
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<unknown>(null);
  const running = useRef(false);
  /** `handled` may take an error itself (send the person elsewhere); otherwise it is kept to be shown. */
  const run = useCallback(async <R,>(fn: (key: string) => Promise<R>, handled?: (e: unknown) => boolean): Promise<R | undefined> => {
    if (running.current) return undefined;
    running.current = true;
    setBusy(true);
    setError(null);
    try {
      return await fn(newKey());
    } catch (e) {
      if (!handled?.(e)) setError(e);
      return undefined;
    } finally {
      running.current = false;
      setBusy(false);
    }
  }, []);
  return { busy, error, run };
}

/** The current time, updated every `ms`: for countdowns that tick. */
export function useNow(ms = 1000): number {
  const [now, setNow] = useState(() => Date.now());
  useEffect(() => {
    const id = window.setInterval(() => setNow(Date.now()), ms);
    return () => window.clearInterval(id);
  }, [ms]);
  return now;
}
