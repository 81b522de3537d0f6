// The shipped data sets and the trained models, kept in memory: trained on first use, never downloaded.
import { readFileSync } from 'node:fs';
import { z } from 'zod';
import { trainLogistic, type Classifier, type Example, type Prediction } from './classifier.ts';
import { features } from './tokenizer.ts';
import { REASON_CODES, type ReasonCode } from '../domain/alternatives.ts';

export const INTENTS = [
  'can_cancel', 'how_to_cancel', 'cancel_now', 'refund_when', 'refund_where', 'penalty', 'change_address',
  'switch_plan', 'return_how', 'activation_window', 'trial', 'talk_to_agent', 'other',
] as const;
export type Intent = (typeof INTENTS)[number];

export { REASON_CODES, type ReasonCode } from '../domain/alternatives.ts';

export interface LabelledText<L extends string> {
  text: string;
  label: L;
}

const dataFile = z.object({ about: z.string(), labels: z.record(z.string(), z.array(z.string().min(1))) });

/** Reads a shipped data set and checks that it labels exactly the known labels, each with enough examples. */
export function loadDataSet<L extends string>(name: 'intents' | 'reasons', labels: readonly L[]): LabelledText<L>[] {
  const raw = dataFile.parse(JSON.parse(readFileSync(new URL(`./data/${name}.json`, import.meta.url), 'utf8')));
  const out: LabelledText<L>[] = [];
  for (const l of labels) {
    const texts = raw.labels[l];
    if (!texts || texts.length < 60) throw new Error(`data set ${name}: label ${l} needs at least 60 examples, has ${texts?.length ?? 0}`);
    for (const text of texts) out.push({ text, label: l });
  }
  const unknown = Object.keys(raw.labels).filter((k) => !(labels as readonly string[]).includes(k));
  if (unknown.length) throw new Error(`data set ${name}: unknown labels ${unknown.join(', ')}`);
  return out;
}

export const toExamples = <L extends string>(items: LabelledText<L>[]): Example<L>[] => items.map((i) => ({ features: features(i.text), label: i.label }));

let intentModel: Classifier<Intent> | null = null;
let reasonModel: Classifier<ReasonCode> | null = null;

function intents(): Classifier<Intent> {
  intentModel ??= trainLogistic(INTENTS, toExamples(loadDataSet('intents', INTENTS)));
  return intentModel;
}

function reasons(): Classifier<ReasonCode> {
  reasonModel ??= trainLogistic(REASON_CODES, toExamples(loadDataSet('reasons', REASON_CODES)));
  return reasonModel;
}

/** Trains both models now rather than on the first question (a server may call this at start). */
export function warmUp(): void {
  intents();
  reasons();
}

export function classifyIntent(text: string): Prediction<Intent> {
  const p = intents().predict(features(text));
  // Not one feature seen in training: whatever the biases say, the model knows nothing about this text.
  return p.known === 0 ? { ...p, confidence: 0 } : p;
}

/** The reason code of a free-text cancellation reason, with the model's confidence (0-1). */
export function classifyReason(text: string): { code: ReasonCode; confidence: number } {
  const f = features(text);
  // Nothing readable is not a guess at some code: it is "other", and we say we are not sure.
  if (f.length === 0) return { code: 'other', confidence: 0 };
  const p = reasons().predict(f);
  if (p.known === 0) return { code: 'other', confidence: 0 };
  return { code: p.label, confidence: round(p.confidence) };
}

export const round = (x: number): number => Math.round(x * 1000) / 1000;
