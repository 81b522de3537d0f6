// Text to features for the assistant's classifiers: jieba words, Chinese character uni- and bigrams, and
// character trigrams of Latin words. The n-grams carry the typos and homophones customers type
// (退宽 for 退款, cancle for cancel) that a word list alone would miss.
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import type { Jieba } from '@node-rs/jieba';

/**
 * The segmenter's dictionary: the words of jieba's own that the data sets can be cut into, every single character,
 * and their frequencies (scripts/assistant-dictionary.ts writes it). Loaded, it holds about 4 MB where jieba's full
 * dictionary holds 45; a data-set text is cut exactly as with the full one.
 */
export const DICTIONARY_FILE = new URL('./data/jieba-dict.txt', import.meta.url);

let jieba: Jieba | null = null;
/**
 * The native segmenter and its dictionary load on first use, not at import: processes that never classify text
 * (the worker, `haoka check`) do not pay for them.
 */
function segmenter(): Jieba {
  if (!jieba) {
    const require = createRequire(import.meta.url);
    const { Jieba: J } = require('@node-rs/jieba') as typeof import('@node-rs/jieba');
    jieba = J.withDict(readFileSync(DICTIONARY_FILE));
  }
  return jieba;
}

// C0/C1 controls (tab and newline kept as spaces), and UTF-16 halves without their partner.
const CONTROL = /[\u0000-\u001f\u007f-\u009f]/g;
const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/g;
const HAN = /\p{Script=Han}/u;
const MEANINGFUL = /[\p{L}\p{N}]/u;

/** Full-width to half-width, lower case, controls and broken surrogates out, spaces collapsed. */
export function normalize(text: string): string {
  return text.replace(LONE_SURROGATE, ' ').normalize('NFKC').toLowerCase().replace(CONTROL, ' ').replace(/\s+/g, ' ').trim();
}

/** Whether a message has any letter or digit at all (emoji-only or binary input has none). */
export function isMeaningful(text: string): boolean {
  return MEANINGFUL.test(normalize(text));
}

const RAW_CONTROL = /[\u0000-\u0008\u000e-\u001f\u007f-\u009f\ufffd]/g;

/**
 * Whether the text is bytes rather than words: a NUL, or one character in ten a control or a
 * replacement character (what a file or an image pasted as text turns into).
 */
export function looksBinary(text: string): boolean {
  if (text.includes('\u0000')) return true;
  const bad = (text.match(RAW_CONTROL)?.length ?? 0) + (text.match(LONE_SURROGATE)?.length ?? 0);
  return bad > 0 && bad * 10 >= [...text].length;
}

/** Text safe to store and show to an agent: controls and broken surrogates out, whitespace kept. */
export function printable(text: string): string {
  return text.replace(LONE_SURROGATE, '\ufffd').replace(/[\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f-\u009f]/g, '').trim();
}

/** Whether the text is mostly Chinese, for picking the answer language when none is asked for. */
export function looksChinese(text: string): boolean {
  const han = [...text].filter((c) => HAN.test(c)).length;
  const latin = (text.match(/[a-z]/gi) ?? []).length;
  return han > 0 && han * 3 >= latin;
}

export function features(text: string): string[] {
  const t = normalize(text);
  const out: string[] = [];
  if (!t) return out;
  for (const w of segmenter().cut(t, true)) {
    const word = w.trim();
    if (!word || !MEANINGFUL.test(word)) continue;
    if (/^\d+$/.test(word)) {
      out.push('w:<num>');
      continue;
    }
    out.push(`w:${word}`);
    if (/^[a-z]+$/.test(word) && word.length >= 3) {
      const padded = `<${word}>`;
      for (let i = 0; i + 3 <= padded.length; i++) out.push(`t:${padded.slice(i, i + 3)}`);
    }
  }
  // Runs of Chinese characters, read as characters and pairs regardless of how jieba cut them.
  for (const run of t.match(/\p{Script=Han}+/gu) ?? []) {
    const chars = [...run];
    for (let i = 0; i < chars.length; i++) {
      out.push(`u:${chars[i]}`);
      if (i + 1 < chars.length) out.push(`b:${chars[i]}${chars[i + 1]}`);
    }
  }
  return out;
}
