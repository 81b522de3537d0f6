// Two small text classifiers written for the assistant, trained on the shipped examples in well under a
// second: multinomial naive Bayes, and multinomial logistic regression (softmax) whose probabilities are
// better calibrated, which matters because a low one hands the customer over to an agent.

export interface Example<L extends string = string> {
  features: string[];
  label: L;
}

export interface Prediction<L extends string = string> {
  label: L;
  confidence: number;
  /** How many of the text's features the model has seen in training; 0 means it had nothing to go on. */
  known: number;
  /** Every label with its probability, most likely first. */
  ranked: { label: L; p: number }[];
}

export interface Classifier<L extends string = string> {
  readonly kind: 'naive_bayes' | 'logistic';
  predict(features: string[]): Prediction<L>;
}

/** A deterministic generator (mulberry32): the same data and seed train the same model. */
export function seededRandom(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

function softmax(scores: number[]): number[] {
  const max = Math.max(...scores);
  const exps = scores.map((s) => Math.exp(s - max));
  const sum = exps.reduce((a, b) => a + b, 0);
  return exps.map((e) => e / sum);
}

function rank<L extends string>(labels: readonly L[], probs: number[], known: number): Prediction<L> {
  const ranked = labels.map((label, i) => ({ label, p: probs[i]! })).sort((a, b) => b.p - a.p);
  return { label: ranked[0]!.label, confidence: ranked[0]!.p, known, ranked };
}

class Vocabulary {
  private readonly index = new Map<string, number>();
  add(f: string): number {
    let i = this.index.get(f);
    if (i === undefined) {
      i = this.index.size;
      this.index.set(f, i);
    }
    return i;
  }
  get(f: string): number | undefined {
    return this.index.get(f);
  }
  get size(): number {
    return this.index.size;
  }
}

/** Feature counts of one text over a vocabulary; unknown features are dropped. */
function countsOf(vocab: Vocabulary, features: string[], grow: boolean): Map<number, number> {
  const m = new Map<number, number>();
  for (const f of features) {
    const i = grow ? vocab.add(f) : vocab.get(f);
    if (i !== undefined) m.set(i, (m.get(i) ?? 0) + 1);
  }
  return m;
}

export function trainNaiveBayes<L extends string>(labels: readonly L[], data: Example<L>[], opts: { alpha?: number } = {}): Classifier<L> {
  const alpha = opts.alpha ?? 0.3;
  const vocab = new Vocabulary();
  const docs = data.map((d) => ({ counts: countsOf(vocab, d.features, true), y: labels.indexOf(d.label) }));
  const V = vocab.size;
  const counts = labels.map(() => new Float64Array(V));
  const totals = labels.map(() => 0);
  const docsPer = labels.map(() => 0);
  for (const d of docs) {
    docsPer[d.y]!++;
    for (const [i, c] of d.counts) {
      counts[d.y]![i]! += c;
      totals[d.y]! += c;
    }
  }
  const logPrior = docsPer.map((n) => Math.log((n + 1) / (docs.length + labels.length)));
  const logLik = counts.map((row, k) => {
    const denom = Math.log(totals[k]! + alpha * V);
    return Float64Array.from(row, (c) => Math.log(c + alpha) - denom);
  });
  return {
    kind: 'naive_bayes',
    predict(features) {
      const x = countsOf(vocab, features, false);
      const scores = labels.map((_, k) => {
        let s = logPrior[k]!;
        for (const [i, c] of x) s += c * logLik[k]![i]!;
        return s;
      });
      return rank(labels, softmax(scores), x.size);
    },
  };
}

/** Presence features scaled to unit length, so that long and short messages weigh alike. */
function vectorOf(vocab: Vocabulary, features: string[], grow: boolean): { idx: number[]; val: number } {
  const idx = [...countsOf(vocab, features, grow).keys()];
  return { idx, val: idx.length ? 1 / Math.sqrt(idx.length) : 0 };
}

export function trainLogistic<L extends string>(
  labels: readonly L[],
  data: Example<L>[],
  opts: { epochs?: number; rate?: number; l2?: number; seed?: number } = {},
): Classifier<L> {
  const epochs = opts.epochs ?? 40;
  const rate = opts.rate ?? 0.5;
  const l2 = opts.l2 ?? 1e-4;
  const rnd = seededRandom(opts.seed ?? 17);
  const vocab = new Vocabulary();
  const docs = data.map((d) => ({ x: vectorOf(vocab, d.features, true), y: labels.indexOf(d.label) }));
  const K = labels.length;
  const V = vocab.size;
  const W = labels.map(() => new Float64Array(V));
  const b = new Float64Array(K);
  // AdaGrad keeps rare n-grams learning while common words settle.
  const G = labels.map(() => new Float64Array(V).fill(1e-8));
  const Gb = new Float64Array(K).fill(1e-8);
  const order = docs.map((_, i) => i);
  const score = (x: { idx: number[]; val: number }) => labels.map((_, k) => {
    let s = b[k]!;
    for (const i of x.idx) s += W[k]![i]! * x.val;
    return s;
  });
  for (let e = 0; e < epochs; e++) {
    for (let i = order.length - 1; i > 0; i--) {
      const j = Math.floor(rnd() * (i + 1));
      [order[i], order[j]] = [order[j]!, order[i]!];
    }
    for (const n of order) {
      const { x, y } = docs[n]!;
      const p = softmax(score(x));
      for (let k = 0; k < K; k++) {
        const g = p[k]! - (k === y ? 1 : 0);
        for (const i of x.idx) {
          const grad = g * x.val + l2 * W[k]![i]!;
          G[k]![i]! += grad * grad;
          W[k]![i]! -= (rate * grad) / Math.sqrt(G[k]![i]!);
        }
        Gb[k]! += g * g;
        b[k]! -= (rate * g) / Math.sqrt(Gb[k]!);
      }
    }
  }
  return {
    kind: 'logistic',
    predict(features) {
      const x = vectorOf(vocab, features, false);
      return rank(labels, softmax(score(x)), x.idx.length);
    },
  };
}

/** Splits examples per label with a fixed seed: the same held-out set on every run and every machine. */
export function stratifiedSplit<T extends { label: string }>(items: T[], testShare: number, seed: number): { train: T[]; test: T[] } {
  const rnd = seededRandom(seed);
  const byLabel = new Map<string, T[]>();
  for (const it of items) byLabel.set(it.label, [...(byLabel.get(it.label) ?? []), it]);
  const train: T[] = [];
  const test: T[] = [];
  for (const group of byLabel.values()) {
    const g = [...group];
    for (let i = g.length - 1; i > 0; i--) {
      const j = Math.floor(rnd() * (i + 1));
      [g[i], g[j]] = [g[j]!, g[i]!];
    }
    const n = Math.round(g.length * testShare);
    test.push(...g.slice(0, n));
    train.push(...g.slice(n));
  }
  return { train, test };
}

export interface Scores {
  accuracy: number;
  macroF1: number;
  perLabel: Record<string, { precision: number; recall: number; f1: number; support: number }>;
}

export function score<L extends string>(labels: readonly L[], truth: L[], predicted: L[]): Scores {
  const perLabel: Scores['perLabel'] = {};
  let correct = 0;
  for (let i = 0; i < truth.length; i++) if (truth[i] === predicted[i]) correct++;
  let f1Sum = 0;
  for (const l of labels) {
    let tp = 0;
    let fp = 0;
    let fn = 0;
    for (let i = 0; i < truth.length; i++) {
      if (predicted[i] === l && truth[i] === l) tp++;
      else if (predicted[i] === l) fp++;
      else if (truth[i] === l) fn++;
    }
    const precision = tp + fp ? tp / (tp + fp) : 0;
    const recall = tp + fn ? tp / (tp + fn) : 0;
    const f1 = precision + recall ? (2 * precision * recall) / (precision + recall) : 0;
    perLabel[l] = { precision, recall, f1, support: tp + fn };
    f1Sum += f1;
  }
  return { accuracy: truth.length ? correct / truth.length : 0, macroF1: labels.length ? f1Sum / labels.length : 0, perLabel };
}
