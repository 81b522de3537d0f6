// Vanity numbers (靓号): the level and the surcharge come from the digits themselves, by the operator's patterns.
// A plain number (no pattern matches) is level 0 and costs nothing extra, whatever a supplier's flag says.
import { fail, type DomainError } from '../errors.ts';

/**
 * One pattern the operator prices. The digits looked at are the number's last eight (the part after the
 * carrier prefix), and most patterns read its tail:
 * - `run`: the same digit `length` times in a row (AAAA), at the tail, or anywhere in the last eight when `anywhere`;
 * - `abab`: the tail alternates two digits (ABAB, `length` 4 or 6);
 * - `aabb`: the tail is pairs of one digit (AABB);
 * - `sequence`: the tail climbs or falls by one (1234, 9876), `length` long;
 * - `tail`: the number ends in one of `tails` (lucky endings: 168, 518, 8888 ...).
 */
export type VanityPattern =
  | { kind: 'run'; length: number; anywhere?: boolean }
  | { kind: 'abab'; length: number }
  | { kind: 'aabb'; length: number }
  | { kind: 'sequence'; length: number; direction: 'ascending' | 'descending' | 'either' }
  | { kind: 'tail'; tails: string[] };

export interface VanityRule {
  id: string;
  /** The words shown beside the number (AAAA, 顺子 ...). */
  label: string;
  pattern: VanityPattern;
  /** 1 (least) to 5 (rarest): the number's level is the highest level of the rules it matches. */
  level: number;
  /** The surcharge of a number at this rule, in fen; the highest of the matched rules is taken. */
  priceFen: number;
}

/** The platform's defaults; an operator replaces them in settings. */
export const DEFAULT_VANITY_RULES: readonly VanityRule[] = [
  { id: 'run5', label: 'AAAAA', pattern: { kind: 'run', length: 5, anywhere: true }, level: 5, priceFen: 200_000 },
  { id: 'tail-aaaa', label: 'AAAA 尾', pattern: { kind: 'run', length: 4 }, level: 4, priceFen: 50_000 },
  { id: 'run4', label: 'AAAA 中间', pattern: { kind: 'run', length: 4, anywhere: true }, level: 3, priceFen: 10_000 },
  { id: 'seq4', label: '顺子', pattern: { kind: 'sequence', length: 4, direction: 'either' }, level: 3, priceFen: 10_000 },
  { id: 'abab', label: 'ABAB', pattern: { kind: 'abab', length: 4 }, level: 2, priceFen: 5_000 },
  { id: 'aabb', label: 'AABB', pattern: { kind: 'aabb', length: 4 }, level: 2, priceFen: 5_000 },
  { id: 'tail-aaa', label: 'AAA 尾', pattern: { kind: 'run', length: 3 }, level: 2, priceFen: 5_000 },
  { id: 'lucky', label: '吉祥尾号', pattern: { kind: 'tail', tails: ['168', '518', '888', '666', '999', '520', '1314'] }, level: 1, priceFen: 2_000 },
];

export interface Vanity {
  level: number;
  priceFen: number;
  /** The rules the number matched, highest level first. */
  matched: { id: string; label: string }[];
}

const PLAIN: Vanity = { level: 0, priceFen: 0, matched: [] };

function runAt(s: string, length: number): boolean {
  for (let i = 0; i + length <= s.length; i++) {
    if (s.slice(i, i + length).split('').every((c) => c === s[i])) return true;
  }
  return false;
}

function isSequence(s: string, step: number): boolean {
  for (let i = 1; i < s.length; i++) if (s.charCodeAt(i) - s.charCodeAt(i - 1) !== step) return false;
  return true;
}

/** Whether the number's digits match one pattern. */
export function matches(number: string, p: VanityPattern): boolean {
  const body = number.slice(-8);
  switch (p.kind) {
    case 'run':
      return p.anywhere ? runAt(body, p.length) : runAt(body.slice(-p.length), p.length);
    case 'abab': {
      const t = body.slice(-p.length);
      if (t.length < p.length || t[0] === t[1]) return false;
      return t.split('').every((c, i) => c === t[i % 2]);
    }
    case 'aabb': {
      const t = body.slice(-p.length);
      if (t.length < p.length || p.length % 2 !== 0) return false;
      for (let i = 0; i < t.length; i += 2) if (t[i] !== t[i + 1] || (i > 0 && t[i] === t[i - 2])) return false;
      return true;
    }
    case 'sequence': {
      const t = body.slice(-p.length);
      if (t.length < p.length) return false;
      const up = isSequence(t, 1);
      const down = isSequence(t, -1);
      return p.direction === 'ascending' ? up : p.direction === 'descending' ? down : up || down;
    }
    case 'tail':
      return p.tails.some((tail) => tail.length > 0 && number.endsWith(tail));
  }
}

/** The number's level and surcharge under the rules: the highest matched level and the highest matched price. */
export function vanityOf(number: string, rules: readonly VanityRule[] = DEFAULT_VANITY_RULES): Vanity {
  const hit = rules.filter((r) => matches(number, r.pattern)).sort((a, b) => b.level - a.level || b.priceFen - a.priceFen);
  if (hit.length === 0) return PLAIN;
  return { level: hit[0]!.level, priceFen: Math.max(...hit.map((r) => r.priceFen)), matched: hit.map((r) => ({ id: r.id, label: r.label })) };
}

/** Checks an operator's rules before they are kept: sensible lengths, levels 1-5, whole fen, unique ids. */
export function checkVanityRules(rules: readonly VanityRule[]): DomainError | null {
  const ids = new Set<string>();
  for (const r of rules) {
    const bad = (why: string) => fail('SUPPLIER.INVALID_SETTINGS', `Vanity rule ${r.id}: ${why}.`, { ruleId: r.id });
    if (!/^[a-z0-9-]{1,32}$/.test(r.id)) return bad('the id is 1-32 lower-case letters, digits or dashes');
    if (ids.has(r.id)) return bad('the id is used twice');
    ids.add(r.id);
    if (!Number.isInteger(r.level) || r.level < 1 || r.level > 5) return bad('the level is 1 to 5');
    if (!Number.isSafeInteger(r.priceFen) || r.priceFen < 0) return bad('the price is a whole number of fen, 0 or more');
    const p = r.pattern;
    if (p.kind === 'tail') {
      if (p.tails.length === 0 || p.tails.some((t) => !/^\d{1,8}$/.test(t))) return bad('each lucky tail is 1-8 digits');
    } else if (!Number.isInteger(p.length) || p.length < 2 || p.length > 8) return bad('the length is 2 to 8 digits');
  }
  return null;
}
