import type { SmallBotsMetrics, SmallBotsReport } from './small-bots.js';

const ROWS: readonly (readonly [keyof SmallBotsMetrics, string])[] = [
  ['accAtGood', 'in-scope acc@GOOD'],
  ['top1', 'in-scope top-1'],
  ['otherIntentFalseAccept', 'other-intent FA'],
  ['oosFalseAccept', 'oos FA'],
  ['junkFalseAccept', 'junk FA'],
  ['ece', 'ECE'],
];

/** The small-bot report as readable text (for a terminal): each figure's mean and min–max over the bots. */
export function formatSmallBotsReport(report: SmallBotsReport): string {
  const first = report.perBot[0];
  const lines = [
    `Small bots: ${report.matcher} on ${report.dataset} (${report.split} split)`,
    `  ${report.bots} bots of ${report.intents} intents × ${report.phrases} phrases, seed ${report.seed}; accept = top score ≥ ${report.threshold.toFixed(2)}`,
    first === undefined ? '' : `  per bot: ${first.inScope} in-scope, ${first.otherIntent} other-intent, ${first.oos} oos, ${first.junk} junk inputs (bot 0)`,
    '',
    `  ${'figure'.padEnd(20)} ${'mean'.padStart(6)}   min – max`,
    ...ROWS.map(([key, label]) => {
      const s = report.summary[key];
      if (s === null) return `  ${label.padEnd(20)} ${'n/a'.padStart(6)}   (the dataset had no such inputs)`;
      return `  ${label.padEnd(20)} ${s.mean.toFixed(3).padStart(6)}   ${s.min.toFixed(3)} – ${s.max.toFixed(3)}`;
    }),
  ];
  const accepted = report.junkAccepts.filter((j) => j.acceptedBy > 0).slice(0, 10);
  if (accepted.length > 0) {
    lines.push('', '  Junk accepted most (bots, mean score):', ...accepted.map((j) => `    ${String(j.acceptedBy).padStart(3)}  ${j.meanScore.toFixed(2)}  ${JSON.stringify(j.text)} (${j.group})`));
  }
  lines.push(
    '',
    '  Reliability, pooled (top score -> count, mean score, share correct; out-of-scope is never correct):',
    ...report.reliability.map((b) => `    [${b.from.toFixed(1)}, ${b.to.toFixed(1)}${b.to >= 1 ? ']' : ')'}  ${String(b.count).padStart(6)}  ${b.confidence.toFixed(3)}  ${b.accuracy.toFixed(3)}`),
  );
  return `${lines.join('\n')}\n`;
}
