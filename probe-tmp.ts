import { classifyIntent } from './src/assistant/model.ts';
import { features } from './src/assistant/tokenizer.ts';
for (const t of process.argv.slice(2)) { const p = classifyIntent(t); console.log(t, '->', p.label, p.confidence.toFixed(3), "known", p.known, p.ranked.slice(1,3).map(r=>`${r.label}:${r.p.toFixed(2)}`).join(' '), features(t).length); }
