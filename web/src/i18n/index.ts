// Every word on the pages comes from here: one dictionary per language, Chinese first.
import { useSyncExternalStore } from 'react';
import { ApiError } from '../api.ts';
import { zh } from './zh.ts';
import { en } from './en.ts';

export type Lang = 'zh' | 'en';
export type Key = keyof typeof zh;
export type Vars = Record<string, string | number>;
export type T = (key: Key, vars?: Vars) => string;

const dictionaries: Record<Lang, Record<Key, string>> = { zh, en };
const STORAGE = 'haoka.lang';
const listeners = new Set<() => void>();

function initial(): Lang {
  return localStorage.getItem(STORAGE) === 'en' ? 'en' : 'zh';
}
let current: Lang = initial();

function apply(lang: Lang) {
  document.documentElement.lang = lang === 'zh' ? 'zh-CN' : 'en';
  document.title = dictionaries[lang]['app.name'];
}
apply(current);

export function setLang(lang: Lang) {
  current = lang;
  localStorage.setItem(STORAGE, lang);
  apply(lang);
  for (const l of listeners) l();
}

function translate(lang: Lang, key: Key, vars?: Vars): string {
  const text = dictionaries[lang][key] ?? key;
  return vars ? text.replace(/\{(\w+)\}/g, (m, name: string) => (name in vars ? String(vars[name]) : m)) : text;
}

const subscribe = (l: () => void) => {
  listeners.add(l);
  return () => listeners.delete(l);
};

export function useI18n() {
  const lang = useSyncExternalStore(subscribe, () => current);
  const t: T = (key, vars) => translate(lang, key, vars);
  /**
   * Sentences the server writes (label reasons, previews) are Chinese and carry the rule's own numbers.
   * They are shown as written in Chinese; other languages get the dictionary's sentence for the same meaning.
   */
  const fromServer = (text: string, key: Key, vars?: Vars) => (lang === 'zh' && text ? text : t(key, vars));
  return { lang, t, fromServer, setLang };
}

export const isKey = (k: string): k is Key => k in zh;

/** An error as the person should read it: from its code, never the server's JSON or English message. */
export function errorText(t: T, e: unknown): string {
  if (!(e instanceof ApiError)) return t('error.generic');
  const d = e.details;
  if (e.code === 'AUTH.TOO_MANY_ATTEMPTS' && typeof d.retryAfterMs === 'number') {
    return t('error.AUTH.TOO_MANY_ATTEMPTS.resend', { s: Math.ceil(d.retryAfterMs / 1000) });
  }
  // Waits are told in seconds up to a minute and a half, then in whole minutes (a sign-in delay runs up to 15).
  const wait = typeof d.retryAfterMs === 'number'
    ? (d.retryAfterMs <= 90_000 ? t('wait.seconds', { n: Math.max(1, Math.ceil(d.retryAfterMs / 1000)) }) : t('wait.minutes', { n: Math.ceil(d.retryAfterMs / 60_000) }))
    : null;
  if (e.code === 'AUTH.SIGN_IN_DELAYED' && wait) return t(d.scope === 'account' ? 'error.AUTH.SIGN_IN_DELAYED.account' : 'error.AUTH.SIGN_IN_DELAYED.address', { wait });
  if (e.code === 'REQUEST.RATE_LIMITED' && wait) return t('error.REQUEST.RATE_LIMITED.wait', { wait });
  if (e.code === 'IDENTITY.MISMATCH' && typeof d.attemptsLeft === 'number') {
    return t('error.IDENTITY.MISMATCH.left', { n: d.attemptsLeft });
  }
  if (e.code === 'AUTH.INVALID_CODE' && typeof d.attemptsLeft === 'number') {
    return t('error.AUTH.INVALID_CODE.left', { n: d.attemptsLeft });
  }
  const key = `error.${e.code}`;
  return isKey(key) ? t(key) : t('error.generic');
}

/** Which form fields a REQUEST.INVALID refusal names (`body.address.city` gives `address.city`). */
export function invalidFields(e: unknown): string[] {
  if (!(e instanceof ApiError) || e.code !== 'REQUEST.INVALID') return [];
  const issues = Array.isArray(e.details.issues) ? (e.details.issues as { path?: unknown }[]) : [];
  const fields = issues.map((i) => (typeof i.path === 'string' ? i.path.replace(/^(body|querystring|params)\.?/, '') : '')).filter(Boolean);
  if (typeof e.details.field === 'string') fields.push(e.details.field);
  return fields;
}
