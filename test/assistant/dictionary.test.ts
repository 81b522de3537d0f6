import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { describe, expect, it } from 'vitest';
import { assistantDictionary, dataSetTexts, fullDictionary } from '../../scripts/assistant-dictionary.ts';
import { DICTIONARY_FILE } from '../../src/assistant/tokenizer.ts';

describe("the segmenter's dictionary", () => {
  const shipped = readFileSync(DICTIONARY_FILE, 'utf8');

  it('is the one the script writes from the data sets (run scripts/assistant-dictionary.ts after changing one)', () => {
    expect(shipped).toBe(assistantDictionary());
  }, 30_000);

  it("cuts every data-set text exactly as jieba's full dictionary does, at a tenth of its size or less", () => {
    const { Jieba } = createRequire(import.meta.url)('@node-rs/jieba') as typeof import('@node-rs/jieba');
    const small = Jieba.withDict(Buffer.from(shipped));
    const full = fullDictionary();
    const texts = dataSetTexts();
    expect(texts.length).toBeGreaterThan(1000);
    const differ = texts.filter((t) => small.cut(t, true).join('|') !== full.jieba.cut(t, true).join('|'));
    expect(differ).toEqual([]);
    expect(shipped.length * 10).toBeLessThan(full.text.length);
  }, 30_000);

  it('cuts text outside the data sets into words too, not only characters', () => {
    const { Jieba } = createRequire(import.meta.url)('@node-rs/jieba') as typeof import('@node-rs/jieba');
    expect(Jieba.withDict(Buffer.from(shipped)).cut('退款什么时候到账', true)).toEqual(expect.arrayContaining(['退款']));
  });
});
