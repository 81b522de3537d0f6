import { describe, expect, it } from 'vitest';
import { score, stratifiedSplit, trainLogistic, trainNaiveBayes } from '../../src/assistant/classifier.ts';
import { classifyIntent, classifyReason, INTENTS, loadDataSet, REASON_CODES, toExamples, warmUp } from '../../src/assistant/model.ts';
import { features, isMeaningful, looksBinary, looksChinese, normalize } from '../../src/assistant/tokenizer.ts';

describe('turning text into features', () => {
  it('segments Chinese with jieba and adds character unigrams and bigrams', () => {
    const f = features('我的订单还能取消吗');
    expect(f).toEqual(expect.arrayContaining(['w:订单', 'w:取消', 'u:消', 'b:取消', 'b:单还']));
  });

  it('adds character trigrams of Latin words, so that a typo shares most of them with the word', () => {
    const right = new Set(features('refund').filter((x) => x.startsWith('t:')));
    const typo = features('refnud').filter((x) => x.startsWith('t:'));
    expect(right.size).toBe(6);
    expect(typo.filter((t) => right.has(t)).length).toBeGreaterThanOrEqual(2);
  });

  it('reads full-width letters and digits as their plain forms and drops control characters', () => {
    expect(normalize('ＣＡＮＣＥＬ　１２３\u0007')).toBe('cancel 123');
    expect(features('１２３')).toEqual(['w:<num>']);
  });

  it('tells words from emoji, binary and mixed text', () => {
    expect(isMeaningful('😀🙏')).toBe(false);
    expect(isMeaningful('退款😀')).toBe(true);
    expect(looksBinary('\u0000abc')).toBe(true);
    expect(looksBinary('\u0001\u0002\u0003ab')).toBe(true);
    expect(looksBinary('退款\n多久')).toBe(false);
    expect(looksChinese('refund 多久到账')).toBe(true);
    expect(looksChinese('when is my refund coming')).toBe(false);
  });
});

describe('the shipped data sets', () => {
  for (const [name, labels] of [['intents', INTENTS], ['reasons', REASON_CODES]] as const) {
    it(`${name}: at least 60 examples per label, none labelled twice`, () => {
      const data = loadDataSet(name, labels as readonly string[]);
      for (const l of labels) expect(data.filter((d) => d.label === l).length).toBeGreaterThanOrEqual(60);
      const seen = new Map<string, string>();
      for (const d of data) {
        const key = normalize(d.text);
        expect(seen.get(key) ?? d.label, `"${d.text}"`).toBe(d.label);
        seen.set(key, d.label);
      }
      expect(seen.size).toBe(data.length);
    });
  }
});

describe('training and evaluation', () => {
  it('splits the same way on every run, with every label in both halves and no text in both', () => {
    const data = loadDataSet('reasons', REASON_CODES);
    const a = stratifiedSplit(data, 0.2, 7);
    const b = stratifiedSplit(data, 0.2, 7);
    expect(a.test.map((x) => x.text)).toEqual(b.test.map((x) => x.text));
    const train = new Set(a.train.map((x) => x.text));
    expect(a.test.some((x) => train.has(x.text))).toBe(false);
    for (const l of REASON_CODES) expect(a.test.filter((x) => x.label === l).length).toBeGreaterThan(10);
  });

  it('computes accuracy and macro-F1 by the book', () => {
    const s = score(['a', 'b'], ['a', 'a', 'b', 'b'], ['a', 'b', 'b', 'b']);
    expect(s.accuracy).toBe(0.75);
    // a: P 1, R 0.5, F1 2/3; b: P 2/3, R 1, F1 0.8
    expect(s.macroF1).toBeCloseTo((2 / 3 + 0.8) / 2, 10);
  });

  it('both classifiers beat chance by far on held-out intents, logistic regression the more', () => {
    const { train, test } = stratifiedSplit(loadDataSet('intents', INTENTS), 0.2, 20_260_101);
    const tr = toExamples(train);
    const te = toExamples(test);
    const truth = te.map((e) => e.label);
    const lrModel = trainLogistic(INTENTS, tr);
    const nbModel = trainNaiveBayes(INTENTS, tr);
    const lr = score(INTENTS, truth, te.map((e) => lrModel.predict(e.features).label));
    const nb = score(INTENTS, truth, te.map((e) => nbModel.predict(e.features).label));
    expect(nb.macroF1).toBeGreaterThan(0.7);
    expect(lr.macroF1).toBeGreaterThan(0.85);
    expect(lr.macroF1).toBeGreaterThan(nb.macroF1);
  });

  it('trains both served models in well under a few seconds and then answers from memory', () => {
    const t0 = performance.now();
    warmUp();
    const trained = performance.now() - t0;
    expect(trained).toBeLessThan(5000);
    const t1 = performance.now();
    for (let i = 0; i < 200; i++) classifyIntent(`我的订单还能取消吗 ${i}`);
    expect(performance.now() - t1).toBeLessThan(1000);
  });
});

describe('classifying what customers write', () => {
  it.each([
    ['这单现在还能不能取消', 'can_cancel'],
    ['取消订单的按钮在哪儿', 'how_to_cancel'],
    ['不要了，帮我取消掉', 'cancel_now'],
    ['钱多久能退回来', 'refund_when'],
    ['退款会退到支付宝吗', 'refund_where'],
    ['销户要付违约金吗', 'penalty'],
    ['收货地址写错了要改', 'change_address'],
    ['号码不变，换个便宜点的套餐', 'switch_plan'],
    ['卡收到了不想要，怎么寄回去', 'return_how'],
    ['卡到了几天内必须激活', 'activation_window'],
    ['这个套餐有没有试用期', 'trial'],
    ['我要人工客服', 'talk_to_agent'],
    ['今天天气不错', 'other'],
  ])('reads "%s" as %s', (text, intent) => {
    expect(classifyIntent(text).label).toBe(intent);
  });

  it.each([
    ['下单的时候套餐选错了', 'wrong_plan'],
    ['地址写成老家的了', 'wrong_address'],
    ['月租太贵了用不起', 'price'],
    ['营业厅办更便宜', 'found_cheaper'],
    ['想了想还是不要了', 'changed_mind'],
    ['不小心下了两单', 'duplicate_order'],
    ['等了一周还没发货', 'delivery_too_slow'],
    ['这个号码不吉利', 'number_not_liked'],
    ['实名认证一直不通过', 'other'],
  ])('codes the reason "%s" as %s', (text, code) => {
    const r = classifyReason(text);
    expect(r.code).toBe(code);
    expect(r.confidence).toBeGreaterThan(0);
    expect(r.confidence).toBeLessThanOrEqual(1);
  });

  it('says "other" with no confidence for a reason it cannot read at all', () => {
    expect(classifyReason('🙃🙃')).toEqual({ code: 'other', confidence: 0 });
    expect(classifyReason('qqqq zzxv')).toEqual({ code: 'other', confidence: 0 });
  });
});
