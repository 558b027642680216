import { describe, expect, it } from 'vitest';
import type { SmallBotsReport } from './small-bots.js';
import { formatSmallBotsReport } from './small-bots-format.js';
import { renderSmallBotsSvg } from './small-bots-plot.js';

const spread = (mean: number) => ({ mean, min: mean / 2, max: Math.min(1, mean * 2) });

function report(matcher = 'natural'): SmallBotsReport {
  return {
    dataset: '/data/clinc150/clinc150.jsonl',
    matcher,
    split: 'test',
    intents: 10,
    phrases: 10,
    bots: 20,
    seed: 1,
    threshold: 0.6,
    summary: { accAtGood: spread(0.737), top1: spread(0.946), otherIntentFalseAccept: spread(0.096), oosFalseAccept: spread(0.028), junkFalseAccept: spread(0.162), ece: spread(0.077) },
    perBot: [],
    reliability: Array.from({ length: 10 }, (_, k) => ({ from: k / 10, to: (k + 1) / 10, count: k === 4 ? 0 : 100 + k, confidence: k === 4 ? 0 : k / 10 + 0.05, accuracy: k === 4 ? 0 : k / 10 })),
    distributions: { bins: 20, inScope: Array.from({ length: 20 }, (_, k) => k), outOfScope: Array.from({ length: 20 }, (_, k) => 20 - k), junk: Array.from({ length: 20 }, (_, k) => (k === 15 ? 30 : 1)) },
    junkAccepts: [{ text: 'what', group: 'function-words', acceptedBy: 12, meanScore: 0.71 }],
  };
}

/** Checks the SVG is well-formed XML (one root, balanced tags, quoted attributes, escaped text) and returns its elements. */
function parseXml(xml: string): { name: string; attrs: Record<string, string>; text: string }[] {
  const elements: { name: string; attrs: Record<string, string>; text: string }[] = [];
  const stack: string[] = [];
  let roots = 0;
  const tag = /<(\/?)([A-Za-z][\w:.-]*)((?:\s+[\w:.-]+="[^"<]*")*)\s*(\/?)>|([^<]+)/gy;
  let m: RegExpExecArray | null;
  let last = 0;
  while ((m = tag.exec(xml)) !== null) {
    last = tag.lastIndex;
    const [, closing, name, attrText, selfClosing, content] = m;
    if (content !== undefined) {
      if (stack.length === 0 && content.trim() !== '') throw new Error(`text outside the root: ${content}`);
      if (/&(?!(amp|lt|gt|quot|apos);)/.test(content)) throw new Error(`unescaped & in ${content}`);
      const open = elements.findLast((e) => e.name === stack[stack.length - 1]);
      if (open) open.text += content;
      continue;
    }
    if (closing) {
      if (stack.pop() !== name) throw new Error(`</${name}> closes nothing open`);
      continue;
    }
    if (stack.length === 0) roots++;
    const attrs: Record<string, string> = {};
    for (const a of (attrText ?? '').matchAll(/([\w:.-]+)="([^"]*)"/g)) {
      if (a[1] !== undefined && a[1] in attrs) throw new Error(`attribute ${a[1]} twice on <${name}>`);
      attrs[a[1] ?? ''] = a[2] ?? '';
    }
    elements.push({ name: name ?? '', attrs, text: '' });
    if (!selfClosing) stack.push(name ?? '');
  }
  if (last !== xml.length) throw new Error(`not XML at ${last}: ${xml.slice(last, last + 40)}`);
  if (stack.length > 0) throw new Error(`unclosed <${stack.join('>, <')}>`);
  if (roots !== 1) throw new Error(`${roots} root elements`);
  return elements;
}

describe('renderSmallBotsSvg', () => {
  it('is well-formed, self-contained SVG with the ten reliability bins and their counts, the diagonal and the GOOD line', () => {
    const svg = renderSmallBotsSvg(report());
    const elements = parseXml(svg);
    expect(elements[0]).toMatchObject({ name: 'svg', attrs: { xmlns: 'http://www.w3.org/2000/svg' } });
    expect(svg).not.toMatch(/<script|<image|@import|url\(|href=/);
    const reliability = elements.filter((e) => e.name === 'rect' && e.attrs['data-bin'] !== undefined && e.attrs['data-count'] !== undefined);
    const bins = reliability.slice(0, 10);
    expect(bins.map((b) => b.attrs['data-bin'])).toEqual(['0', '1', '2', '3', '4', '5', '6', '7', '8', '9']);
    expect(bins.map((b) => b.attrs['data-count'])).toEqual(['100', '101', '102', '103', '0', '105', '106', '107', '108', '109']);
    // Bar heights are the share correct (panel 300 px high): bin 9 at 0.9.
    expect(Number(bins[9]?.attrs['height'])).toBeCloseTo(270, 5);
    const texts = elements.filter((e) => e.name === 'text').map((e) => e.text);
    for (const count of ['100', '105', '109']) expect(texts).toContain(count);
    expect(elements.filter((e) => e.attrs['class'] === 'diagonal')).toHaveLength(1);
    const good = elements.filter((e) => e.attrs['class'] === 'good');
    expect(good).toHaveLength(2);
    expect(good[0]?.attrs['x1']).toBe(String(70 + 0.6 * 300));
    expect(texts.filter((t) => t === 'GOOD 0.60')).toHaveLength(2);
    // Three distributions of 20 bins each.
    const kinds = elements.filter((e) => e.attrs['class'] === 'distribution').map((e) => e.attrs['data-kind']);
    expect(kinds).toEqual(['in-scope', 'out-of-scope', 'junk']);
    expect(reliability).toHaveLength(10 + 3 * 20);
    expect(reliability.slice(10 + 40).find((r) => r.attrs['data-bin'] === '15')?.attrs['data-count']).toBe('30');
  });

  it('escapes names that are not XML-safe', () => {
    const svg = renderSmallBotsSvg(report(`<my & "matcher">`));
    const titles = parseXml(svg).filter((e) => e.name === 'title');
    expect(titles[0]?.text).toContain('&lt;my &amp; &quot;matcher&quot;&gt;');
  });

  it('the checker refuses broken XML (so the test above can fail)', () => {
    expect(() => parseXml('<svg><g></svg>')).toThrow();
    expect(() => parseXml('<svg><text>a & b</text></svg>')).toThrow(/unescaped/);
    expect(() => parseXml('<svg x=1></svg>')).toThrow();
    expect(() => parseXml('<svg/><svg/>')).toThrow(/2 root/);
  });
});

describe('formatSmallBotsReport', () => {
  it('prints each figure with its mean and min – max, and the junk accepted most', () => {
    const text = formatSmallBotsReport(report());
    expect(text).toContain('in-scope acc@GOOD     0.737   0.368 – 1.000');
    expect(text).toContain('ECE                   0.077   0.038 – 0.154');
    expect(text).toContain('12  0.71  "what" (function-words)');
    expect(text).toContain('[0.9, 1.0]     109');
  });
});
