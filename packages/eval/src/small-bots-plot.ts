import type { SmallBotsReport } from './small-bots.js';

/**
 * The small-bot report as one self-contained SVG (no script, no external font or image): on the left the reliability
 * diagram (per bin of the top score: share correct as a bar, mean score as a dot, the count above; the diagonal is
 * perfect calibration, the vertical line GOOD), on the right the top-score distributions of in-scope, out-of-scope and
 * junk inputs (each as a share of its own inputs, so the three compare whatever their counts).
 */
export function renderSmallBotsSvg(report: SmallBotsReport): string {
  const width = 1000;
  const height = 470;
  const panel = { top: 90, size: 300 };
  const left = { x: 70 };
  const right = { x: 560, width: 400 };
  const out: string[] = [];
  const f3 = (x: number | undefined): string => (x === undefined ? 'n/a' : x.toFixed(3));
  const n = (x: number): string => (Math.round(x * 10) / 10).toString();
  const text = (x: number, y: number, content: string, attrs = ''): void => void out.push(`<text x="${n(x)}" y="${n(y)}"${attrs}>${escapeXml(content)}</text>`);

  out.push(
    `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}" viewBox="0 0 ${width} ${height}" font-family="Helvetica, Arial, sans-serif" font-size="12">`,
    `<title>${escapeXml(`Small bots: ${report.matcher}, ${report.intents}×${report.phrases}, ${report.bots} bots, seed ${report.seed}, ${report.split}`)}</title>`,
    `<rect width="${width}" height="${height}" fill="#ffffff"/>`,
  );
  text(20, 28, `${report.matcher} on ${baseName(report.dataset)} (${report.split}): ${report.bots} bots of ${report.intents} intents × ${report.phrases} phrases, seed ${report.seed}`, ' font-size="16" font-weight="bold"');
  const s = report.summary;
  text(
    20,
    50,
    `acc@GOOD ${f3(s.accAtGood.mean)} · top-1 ${f3(s.top1.mean)} · other-intent FA ${f3(s.otherIntentFalseAccept?.mean)} · oos FA ${f3(s.oosFalseAccept?.mean)} · junk FA ${f3(s.junkFalseAccept.mean)} · ECE ${f3(s.ece.mean)} (means over bots; GOOD = ${report.threshold.toFixed(2)})`,
  );

  // Axes of a unit square panel at (x0, top).
  const axes = (x0: number, w: number, yMax: number, xLabel: string, yLabel: string, yTicks: readonly number[]): void => {
    const y0 = panel.top + panel.size;
    out.push(`<g stroke="#999999" stroke-width="1">`);
    for (const t of yTicks) out.push(`<line x1="${x0}" y1="${n(y0 - (t / yMax) * panel.size)}" x2="${x0 + w}" y2="${n(y0 - (t / yMax) * panel.size)}" stroke="#eeeeee"/>`);
    out.push(`<line x1="${x0}" y1="${y0}" x2="${x0 + w}" y2="${y0}"/>`, `<line x1="${x0}" y1="${panel.top}" x2="${x0}" y2="${y0}"/>`, '</g>');
    for (let k = 0; k <= 10; k += 2) text(x0 + (k / 10) * w, y0 + 16, (k / 10).toFixed(1), ' text-anchor="middle" fill="#444444"');
    for (const t of yTicks) text(x0 - 6, y0 - (t / yMax) * panel.size + 4, yMax > 1 ? t.toFixed(0) : t.toFixed(1), ' text-anchor="end" fill="#444444"');
    text(x0 + w / 2, y0 + 36, xLabel, ' text-anchor="middle"');
    text(x0 - 44, panel.top + panel.size / 2, yLabel, ` text-anchor="middle" transform="rotate(-90 ${x0 - 44} ${panel.top + panel.size / 2})"`);
  };
  const goodLine = (x0: number, w: number): void => {
    const x = x0 + report.threshold * w;
    out.push(`<line class="good" x1="${n(x)}" y1="${panel.top - 6}" x2="${n(x)}" y2="${panel.top + panel.size}" stroke="#d62728" stroke-width="1.5" stroke-dasharray="5 3"/>`);
    text(x + 4, panel.top - 8, `GOOD ${report.threshold.toFixed(2)}`, ' fill="#d62728"');
  };

  // Reliability diagram.
  const w = panel.size;
  const y0 = panel.top + panel.size;
  text(left.x, panel.top - 24, 'Reliability: share correct per bin of the top score (in-scope + out-of-scope)', ' font-weight="bold"');
  axes(left.x, w, 1, 'top score (confidence)', 'share correct', [0, 0.2, 0.4, 0.6, 0.8, 1]);
  out.push(`<line class="diagonal" x1="${left.x}" y1="${y0}" x2="${left.x + w}" y2="${panel.top}" stroke="#888888" stroke-dasharray="2 3"/>`);
  out.push('<g class="reliability">');
  report.reliability.forEach((b, k) => {
    const x = left.x + b.from * w + 1;
    const bw = (b.to - b.from) * w - 2;
    const h = b.accuracy * panel.size;
    out.push(`<rect data-bin="${k}" data-count="${b.count}" x="${n(x)}" y="${n(y0 - h)}" width="${n(bw)}" height="${n(h)}" fill="#1f77b4" fill-opacity="${b.count === 0 ? 0 : 0.75}"/>`);
    if (b.count > 0) out.push(`<circle cx="${n(left.x + b.confidence * w)}" cy="${n(y0 - b.confidence * panel.size)}" r="3" fill="#ff7f0e"/>`);
    text(x + bw / 2, y0 - h - 4, String(b.count), ' text-anchor="middle" font-size="10" fill="#333333"');
  });
  out.push('</g>');
  goodLine(left.x, w);
  const legendY = y0 + 56;
  out.push(`<rect x="${left.x}" y="${legendY - 9}" width="10" height="10" fill="#1f77b4" fill-opacity="0.75"/>`);
  text(left.x + 14, legendY, 'share correct (count above)');
  out.push(`<circle cx="${left.x + 190}" cy="${legendY - 4}" r="3" fill="#ff7f0e"/>`);
  text(left.x + 198, legendY, 'mean score in bin');
  text(left.x, legendY + 18, 'Out-of-scope inputs are never correct; the diagonal is perfect calibration.', ' fill="#444444"');

  // Score distributions.
  const d = report.distributions;
  const series = [
    { name: 'in-scope', counts: d.inScope, colour: '#2ca02c' },
    { name: 'out-of-scope', counts: d.outOfScope, colour: '#9467bd' },
    { name: 'junk', counts: d.junk, colour: '#8c564b' },
  ] as const;
  const shares = series.map((x) => {
    const total = x.counts.reduce((a, c) => a + c, 0);
    return x.counts.map((c) => (total === 0 ? 0 : c / total));
  });
  const peak = Math.max(0.05, ...shares.flat());
  const yMax = Math.ceil(peak * 10) / 10;
  const ticks = Array.from({ length: Math.round(yMax / 0.1) + 1 }, (_, i) => i / 10);
  text(right.x, panel.top - 24, 'Top-score distribution (share of each kind of input)', ' font-weight="bold"');
  axes(right.x, right.width, yMax, 'top score', 'share of inputs', ticks);
  const binW = right.width / d.bins;
  const barW = (binW - 2) / series.length;
  series.forEach((x, i) => {
    out.push(`<g class="distribution" data-kind="${x.name}" fill="${x.colour}">`);
    shares[i]?.forEach((share, k) => {
      const h = (share / yMax) * panel.size;
      out.push(`<rect data-bin="${k}" data-count="${x.counts[k] ?? 0}" x="${n(right.x + k * binW + 1 + i * barW)}" y="${n(y0 - h)}" width="${n(barW)}" height="${n(h)}"/>`);
    });
    out.push('</g>');
    const total = x.counts.reduce((a, c) => a + c, 0);
    out.push(`<rect x="${right.x + i * 140}" y="${legendY - 9}" width="10" height="10" fill="${x.colour}"/>`);
    text(right.x + i * 140 + 14, legendY, `${x.name} (${total})`);
  });
  goodLine(right.x, right.width);
  text(right.x, legendY + 18, 'Right of GOOD: accepted. In-scope should sit there, the rest left of it.', ' fill="#444444"');
  out.push('</svg>');
  return `${out.join('\n')}\n`;
}

function baseName(file: string): string {
  return file.split(/[\\/]/).pop() ?? file;
}

function escapeXml(value: string): string {
  return value.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&apos;' })[c] ?? c);
}
