// The assistant's entry point for the rest of the product. Models train on first use and stay in memory.
export { classifyIntent, classifyReason, warmUp, INTENTS, REASON_CODES, type Intent, type ReasonCode } from './model.ts';
export { HANDOVER_BELOW } from './thresholds.ts';
