// npm run eval:assistant — accuracy and macro-F1 of each classifier on a held-out split (fixed seed) that
// training never sees. Both algorithms are trained on the same split; the service uses logistic regression.
import { score, stratifiedSplit, trainLogistic, trainNaiveBayes, type Classifier } from './classifier.ts';
import { INTENTS, loadDataSet, REASON_CODES, toExamples, warmUp, type LabelledText } from './model.ts';
import { HANDOVER_BELOW } from './thresholds.ts';

const SEED = 20_260_101;
const TEST_SHARE = 0.2;
const pct = (x: number) => `${(x * 100).toFixed(1)}%`;

function evaluate<L extends string>(name: string, labels: readonly L[], data: LabelledText<L>[], handoverBelow: number | null): void {
  const { train, test } = stratifiedSplit(data, TEST_SHARE, SEED);
  const seen = new Set(train.map((t) => t.text));
  const leaked = test.filter((t) => seen.has(t.text));
  if (leaked.length) throw new Error(`${name}: ${leaked.length} held-out texts also appear in training`);
  const trainEx = toExamples(train);
  const testEx = toExamples(test);
  console.log(`\n${name}: ${labels.length} labels, ${train.length} training and ${test.length} held-out examples (seed ${SEED})`);
  for (const [algo, fit] of [['naive Bayes', () => trainNaiveBayes(labels, trainEx)], ['logistic regression', () => trainLogistic(labels, trainEx)]] as const) {
    const t0 = performance.now();
    const model: Classifier<L> = fit();
    const ms = performance.now() - t0;
    const preds = testEx.map((e) => model.predict(e.features));
    const s = score(labels, testEx.map((e) => e.label), preds.map((p) => p.label));
    let line = `  ${algo.padEnd(20)} accuracy ${pct(s.accuracy)}  macro-F1 ${pct(s.macroF1)}  (trained in ${ms.toFixed(0)} ms)`;
    if (handoverBelow !== null) {
      const kept = preds.map((p, i) => ({ p, y: testEx[i]!.label })).filter((x) => x.p.confidence >= handoverBelow);
      const right = kept.filter((x) => x.p.label === x.y).length;
      line += `\n  ${''.padEnd(20)} answered itself ${pct(kept.length / preds.length)}, of those right ${pct(kept.length ? right / kept.length : 0)} (hand-over below ${handoverBelow})`;
    }
    console.log(line);
    if (process.argv.includes('--detail')) {
      for (const [l, v] of Object.entries(s.perLabel)) console.log(`    ${l.padEnd(20)} P ${pct(v.precision)} R ${pct(v.recall)} F1 ${pct(v.f1)} n=${v.support}`);
      preds.forEach((p, i) => { if (p.label !== testEx[i]!.label) console.log(`    miss: ${test[i]!.text} -> ${p.label} (${p.confidence.toFixed(2)}), was ${test[i]!.label}`); });
    }
  }
}

// What a fresh process pays on first use: dictionary load, features and training of both served models (all data).
const t0 = performance.now();
warmUp();
console.log(`first use: segmenter loaded and both served models trained on all examples in ${(performance.now() - t0).toFixed(0)} ms`);

evaluate('intents', INTENTS, loadDataSet('intents', INTENTS), HANDOVER_BELOW);
evaluate('reasons', REASON_CODES, loadDataSet('reasons', REASON_CODES), null);
