import { mkdtemp, readFile, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { fakeIO } from '../testing/fake-io.js';
import { main } from '../cli.js';

const PHRASES: Record<string, string[]> = {
  pizza: ['order a pizza', 'I want a pizza', 'get me a pepperoni pizza', 'pizza delivery please', 'one large pizza'],
  weather: ['what is the weather', 'will it rain', 'weather forecast today', 'is it sunny', 'how cold is it'],
  password: ['reset my password', 'I forgot my password', 'change password', 'cannot log in', 'password help'],
};

async function dataset(): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), 'cli-eval-'));
  const lines = Object.entries(PHRASES).flatMap(([intent, phrases]) => phrases.map((text, i) => JSON.stringify({ text, intent, split: i < 4 ? 'train' : 'test' })));
  lines.push(JSON.stringify({ text: 'zxqv blorf wug', intent: 'oos', split: 'test' }));
  await writeFile(join(dir, 'tiny.jsonl'), `${lines.join('\n')}\n`);
  return dir;
}

describe('bottango eval', () => {
  it('--json prints one JSON object with the headline figures', async () => {
    const dir = await dataset();
    const io = fakeIO(dir);
    expect(await main(['eval', '--dataset', 'tiny.jsonl', '--json'], io)).toBe(0);
    const report = JSON.parse(io.out()) as Record<string, unknown>;
    for (const key of ['accuracy', 'macroF1', 'inScopeAccuracy', 'oosRecall', 'trainSeconds', 'utterancesPerSecond', 'p99Ms', 'peakRssMb']) expect(typeof report[key], key).toBe('number');
    expect(report['matcher']).toBe('natural');
    expect(report['oosRecall']).toBe(1);
    expect(report['warmUp']).toBe(12); // every in-scope training text, classified before the test split is timed
    expect(io.err()).toBe('');
  });

  it('prints a readable report and a progress bar on stderr when interactive', async () => {
    const dir = await dataset();
    const io = fakeIO(dir, { interactive: true });
    expect(await main(['eval', '--dataset', join(dir, 'tiny.jsonl')], io)).toBe(0);
    expect(io.out()).toContain('Intent evaluation: natural');
    expect(io.out()).toContain('in-scope accuracy');
    expect(io.err()).toContain('training');
    expect(io.err()).toContain('warming up');
    expect(io.err()).toContain('evaluating');
    expect(io.out()).toContain('utterances/s (warm: after classifying the 12 training texts once, as pnpm bench nlu does)');
  });

  it('bad usage and bad data exit 2 with a clear message', async () => {
    const dir = await dataset();
    let io = fakeIO(dir);
    expect(await main(['eval'], io)).toBe(2);
    expect(io.err()).toContain('--dataset <file.jsonl> is required');
    io = fakeIO(dir);
    expect(await main(['eval', '--dataset', 'tiny.jsonl', '--bogus'], io)).toBe(2);
    expect(io.err()).toContain("Unknown option '--bogus'");
    io = fakeIO(dir);
    expect(await main(['eval', '--dataset', 'tiny.jsonl', '--matcher', 'no-such-matcher-pkg'], io)).toBe(2);
    expect(io.err()).toContain('--matcher no-such-matcher-pkg');
    await writeFile(join(dir, 'bad.jsonl'), '{"text":"x","intent":"a"}\n');
    io = fakeIO(dir);
    expect(await main(['eval', '--dataset', 'bad.jsonl'], io)).toBe(2);
    expect(io.err()).toContain('bad.jsonl:1: field "split"');
  });
});

/** 6 intents × (3 train, 2 val, 2 test) with 4 test and 2 val `oos` utterances, each intent with its own words. */
async function smallBotsDataset(): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), 'cli-eval-small-'));
  const words = ['pizza', 'weather', 'password', 'flight', 'salary', 'alarm'];
  const lines: string[] = [];
  for (const w of words) {
    for (const [n, split] of ['train', 'train', 'train', 'val', 'val', 'test', 'test'].entries()) lines.push(JSON.stringify({ text: `${w} ${w} request number ${n}`, intent: w, split }));
  }
  for (const [n, split] of ['test', 'test', 'test', 'test', 'val', 'val'].entries()) lines.push(JSON.stringify({ text: `zxqv blorf wug ${n}`, intent: 'oos', split }));
  await writeFile(join(dir, 'small.jsonl'), `${lines.join('\n')}\n`);
  return dir;
}

describe('bottango eval --small-bots', () => {
  const args = ['eval', '--dataset', 'small.jsonl', '--small-bots', '--intents', '2', '--phrases', '2', '--bots', '3', '--seed', '1'];

  it('--json prints the report: the six figures as mean, min and max over the bots, the same for the same seed', async () => {
    const dir = await smallBotsDataset();
    const io = fakeIO(dir);
    expect(await main([...args, '--json'], io)).toBe(0);
    const report = JSON.parse(io.out()) as { summary: Record<string, { mean: number; min: number; max: number }>; perBot: { intentIds: string[]; inScope: number; otherIntent: number; oos: number; junk: number }[]; split: string; matcher: string };
    for (const key of ['accAtGood', 'top1', 'otherIntentFalseAccept', 'oosFalseAccept', 'junkFalseAccept', 'ece']) {
      const s = report.summary[key];
      expect(s, key).toBeDefined();
      expect(s?.min, key).toBeLessThanOrEqual(s?.mean ?? -1);
      expect(s?.mean, key).toBeLessThanOrEqual(s?.max ?? -1);
    }
    expect(report.matcher).toBe('natural');
    expect(report.split).toBe('test');
    expect(report.perBot).toHaveLength(3);
    expect(report.perBot[0]).toMatchObject({ inScope: 4, otherIntent: 8, oos: 4, junk: 60 });
    const again = fakeIO(dir);
    expect(await main([...args, '--json'], again)).toBe(0);
    expect((JSON.parse(again.out()) as typeof report).perBot.map((b) => b.intentIds)).toEqual(report.perBot.map((b) => b.intentIds));
    const val = fakeIO(dir);
    expect(await main([...args, '--split', 'val', '--json'], val)).toBe(0);
    expect(JSON.parse(val.out())).toMatchObject({ split: 'val', perBot: [{ inScope: 4, otherIntent: 8, oos: 2 }, {}, {}] });
  });

  it('prints a readable table and writes the plot with --plot', async () => {
    const dir = await smallBotsDataset();
    const io = fakeIO(dir);
    expect(await main([...args, '--plot', 'out.svg'], io)).toBe(0);
    expect(io.out()).toContain('Small bots: natural on');
    expect(io.out()).toMatch(/in-scope acc@GOOD\s+\d\.\d{3}\s+\d\.\d{3} – \d\.\d{3}/);
    for (const label of ['in-scope top-1', 'other-intent FA', 'oos FA', 'junk FA', 'ECE']) expect(io.out()).toContain(label);
    const svg = await readFile(join(dir, 'out.svg'), 'utf8');
    expect(svg.startsWith('<svg xmlns="http://www.w3.org/2000/svg"')).toBe(true);
    expect(svg.match(/class="good"/g)).toHaveLength(2);
  });

  it('says when bots train on fewer phrases than asked (intents with fewer train examples)', async () => {
    const dir = await smallBotsDataset();
    const io = fakeIO(dir);
    expect(await main([...args.slice(0, 7), '500', ...args.slice(8)], io)).toBe(0);
    expect(io.err()).toContain('3 of 3 bots have intents with fewer than 500 train examples; they train on all there are');
  });

  it('bad small-bot options exit 2 with a clear message', async () => {
    const dir = await smallBotsDataset();
    const cases: [string[], string][] = [
      [['eval', '--dataset', 'small.jsonl', '--small-bots', '--intents', '2', '--phrases', '2', '--bots', '3'], '--small-bots needs --seed'],
      [[...args.slice(0, -1), 'x'], '--seed must be a whole number'],
      [[...args, '--bots', '0'], '--bots must be a whole number ≥ 1'],
      [[...args, '--split', 'train'], '--split must be test or val'],
      [['eval', '--dataset', 'small.jsonl', '--intents', '2'], '--intents only with --small-bots'],
      [[...args, '--intents', '7'], '7 intents per bot asked, the dataset has 6'],
      [[...args, '--plot', 'no-such-folder/out.svg'], `--plot no-such-folder/out.svg: the folder ${join(dir, 'no-such-folder')} does not exist`],
    ];
    for (const [argv, message] of cases) {
      const io = fakeIO(dir);
      expect(await main(argv, io), message).toBe(2);
      expect(io.err()).toContain(message);
    }
  });
});
