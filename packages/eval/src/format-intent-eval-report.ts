import type { IntentEvalReport } from './evaluate-intent-matcher.js';

const pct = (x: number): string => `${(x * 100).toFixed(1)}%`;

/** The report as readable text (for a terminal). */
export function formatIntentEvalReport(report: IntentEvalReport): string {
  const lines = [
    `Intent evaluation: ${report.matcher} on ${report.dataset}`,
    `  ${report.intents} intents, ${report.trainExamples} training examples, ${report.testExamples} test examples`,
    '',
    `  accuracy           ${pct(report.accuracy)}`,
    `  macro F1           ${report.macroF1.toFixed(3)}`,
  ];
  if (report.inScopeAccuracy !== undefined) {
    lines.push(
      `  in-scope accuracy  ${pct(report.inScopeAccuracy)}   (a top score below GOOD counts as out-of-scope)`,
      `  oos recall         ${pct(report.oosRecall ?? 0)}`,
      `  oos precision      ${pct(report.oosPrecision ?? 0)}`,
    );
  }
  lines.push(
    '',
    `  training           ${report.trainSeconds.toFixed(2)} s`,
    `  throughput         ${Math.round(report.utterancesPerSecond).toLocaleString('en-US')} utterances/s (warm: after classifying the ${report.warmUp.toLocaleString('en-US')} training texts once, as pnpm bench nlu does)`,
    `  latency            p50 ${report.p50Ms.toFixed(3)} ms, p99 ${report.p99Ms.toFixed(3)} ms (warm)`,
    `  peak RSS           ${report.peakRssMb.toFixed(0)} MB`,
    '',
    '  Worst intents (F1, support):',
    ...report.worstIntents.map((x) => `    ${x.f1.toFixed(3)}  ${String(x.support).padStart(5)}  ${x.intent}`),
  );
  if (report.topConfusions.length > 0) {
    lines.push('', '  Most confused (expected -> predicted):', ...report.topConfusions.map((c) => `    ${String(c.count).padStart(5)}  ${c.expected} -> ${c.predicted}`));
  }
  lines.push(
    '',
    '  Reliability (top score -> share right):',
    ...report.reliability.map((b) => `    [${b.from.toFixed(1)}, ${b.to.toFixed(1)})  ${String(b.count).padStart(6)}  ${pct(b.accuracy)}`),
  );
  return `${lines.join('\n')}\n`;
}
