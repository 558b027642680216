import { mkdtemp, writeFile } from 'node:fs/promises';
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
