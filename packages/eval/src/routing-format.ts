import type { RoutingReport } from './routing.js';

const pct = (x: number): string => `${(x * 100).toFixed(1)}%`;

/** The routing report as readable text (for a terminal). */
export function formatRoutingReport(report: RoutingReport): string {
  const lines = [
    `Routing evaluation (${report.mode} mode${report.groupAwareTraining === undefined ? '' : `, group-aware training ${report.groupAwareTraining}`}): ${report.dataset} with ${report.domainsFile}`,
    `  ${report.bots} domain bots + concierge, ${report.intents} intents, ${report.trainExamples} training examples`,
    `  ${report.inScope} in-scope and ${report.outOfScope} out-of-scope ${report.split} utterances, each the first message of a new conversation`,
    '',
    `  routing accuracy   ${pct(report.routingAccuracy)}   (right bot and right dialog)`,
    `  right bot          ${pct(report.botAccuracy)}`,
    `  in-scope fallback  ${pct(report.inScopeFallback)}   (no bot took the utterance)`,
    `  seamless           ${pct(report.seamless)}   (of correct routes: dialog started straight after the transfer)`,
  ];
  if (report.oosKept !== undefined) lines.push(`  oos kept           ${pct(report.oosKept)}   (out-of-scope utterances left in the concierge's fallback)`, `  oos fallback       ${pct(report.oosFallback ?? 0)}   (out-of-scope utterances ending in any bot's fallback)`);
  lines.push(
    `  latency            p50 ${report.p50Ms.toFixed(3)} ms, p99 ${report.p99Ms.toFixed(3)} ms per message`,
    `  load               ${report.loadSeconds.toFixed(2)} s (build and train every bot)`,
    '',
    '  Per domain (accuracy, utterances):',
    ...report.perDomain.map((d) => `    ${pct(d.accuracy).padStart(6)}  ${String(d.utterances).padStart(5)}  ${d.domain}`),
  );
  if (report.topConfusions.length > 0) {
    lines.push('', '  Most frequent wrong outcomes (expected intent -> bot/dialog):', ...report.topConfusions.map((c) => `    ${String(c.count).padStart(5)}  ${c.expected} -> ${c.got}`));
  }
  return `${lines.join('\n')}\n`;
}
