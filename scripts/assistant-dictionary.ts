// npx tsx scripts/assistant-dictionary.ts: writes src/assistant/data/jieba-dict.txt, the segmenter's dictionary.
// jieba's full dictionary (349,000 words) costs a process about 45 MB once loaded; the assistant's features only
// need the words its data sets can be cut into. Kept: every word of the full dictionary found anywhere in a data-set
// text (every cut jieba could take there, not only the one it takes), every single character, and one entry that
// brings the frequencies to the full dictionary's total, so that each kept word weighs what it weighed before. A
// data-set text is then cut exactly as with the full dictionary (test/assistant/dictionary.test.ts checks it): run
// this again after changing a data set.
import { writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';
import type { Jieba as JiebaType } from '@node-rs/jieba';
import { DICTIONARY_FILE, normalize } from '../src/assistant/tokenizer.ts';
import { INTENTS, loadDataSet, REASON_CODES } from '../src/assistant/model.ts';

/** A word no normalized text holds (private-use characters): it carries the frequency of the words left out. */
export const BALANCE_WORD = '\uE000\uE001';

/** The full dictionary's segmenter and text (jieba's own, from @node-rs/jieba). */
export function fullDictionary(): { text: string; jieba: JiebaType } {
  const require = createRequire(import.meta.url);
  const { Jieba } = require('@node-rs/jieba') as typeof import('@node-rs/jieba');
  const { dict } = require('@node-rs/jieba/dict.js') as typeof import('@node-rs/jieba/dict.js');
  return { text: Buffer.from(dict).toString('utf8'), jieba: Jieba.withDict(dict) };
}

/** Every text of the shipped data sets, normalized as the tokenizer reads it. */
export function dataSetTexts(): string[] {
  return [...loadDataSet('intents', INTENTS), ...loadDataSet('reasons', REASON_CODES)].map((x) => normalize(x.text)).filter(Boolean);
}

export function assistantDictionary(): string {
  const full = fullDictionary();
  const found = new Set<string>();
  for (const t of dataSetTexts()) for (const w of [...full.jieba.cut(t, true), ...full.jieba.cutAll(t)]) found.add(w);
  let total = 0;
  let kept = 0;
  const out: string[] = [];
  for (const line of full.text.split('\n')) {
    const [word, freq] = line.split(' ');
    if (!word || !freq) continue;
    total += Number(freq);
    if ([...word].length === 1 || found.has(word)) {
      out.push(line.trim());
      kept += Number(freq);
    }
  }
  out.push(`${BALANCE_WORD} ${total - kept} x`);
  return `${out.join('\n')}\n`;
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  const text = assistantDictionary();
  writeFileSync(DICTIONARY_FILE, text);
  process.stdout.write(`${fileURLToPath(DICTIONARY_FILE)}: ${text.split('\n').length - 1} words\n`);
}
