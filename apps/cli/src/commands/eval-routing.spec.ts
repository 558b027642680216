import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { main } from '../cli.js';
import { fakeIO } from '../testing/fake-io.js';

const PHRASES: Record<string, string[]> = {
  pizza: ['order a pizza', 'i want a pizza delivered', 'get me a pepperoni pizza', 'pizza delivery please', 'one large pizza', 'can i order a pizza now'],
  table: ['book a table at the restaurant', 'reserve a table for two', 'dinner reservation please', 'table for four tonight', 'reserve a restaurant table', 'book a table for dinner'],
  flight: ['book a flight to paris', 'i need a plane ticket', 'find me a flight to rome', 'buy airline tickets', 'fly to london on friday', 'book me a flight to berlin'],
  hotel: ['book a hotel room', 'i need a hotel in paris', 'reserve a room for three nights', 'find a cheap hotel', 'hotel near the airport', 'book a hotel room in rome'],
};
const DOMAINS = { food: ['pizza', 'table'], travel: ['flight', 'hotel'] };

let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'cli-eval-routing-'));
  const lines = Object.entries(PHRASES).flatMap(([intent, phrases]) => phrases.map((text, i) => JSON.stringify({ text, intent, split: i < 5 ? 'train' : 'test' })));
  lines.push(JSON.stringify({ text: 'what is the capital of peru', intent: 'oos', split: 'test' }));
  await writeFile(join(dir, 'tiny.jsonl'), `${lines.join('\n')}\n`);
  await writeFile(join(dir, 'domains.json'), JSON.stringify(DOMAINS));
  await writeFile(join(dir, 'bad-domains.json'), JSON.stringify({ food: ['pizza', 'table', 'sushi'], travel: DOMAINS.travel }));
});

describe('bottango eval-routing', () => {
  it('--json prints one JSON object with the headline figures', async () => {
    const io = fakeIO(dir);
    expect(await main(['eval-routing', '--dataset', 'tiny.jsonl', '--domains', 'domains.json', '--mode', 'intent', '--json'], io)).toBe(0);
    const lines = io.out().trim().split('\n');
    expect(lines).toHaveLength(1);
    const report = JSON.parse(lines[0] as string) as Record<string, unknown>;
    for (const key of ['routingAccuracy', 'seamless', 'oosKept', 'p50Ms', 'p99Ms', 'loadSeconds']) expect(typeof report[key], key).toBe('number');
    expect(report).toMatchObject({ mode: 'intent', bots: 2, intents: 4, inScope: 4, outOfScope: 1, routingAccuracy: 1 });
    expect(io.err()).toBe('');
  });

  it('prints a readable report through the CLI entry, with progress on stderr when interactive', async () => {
    const io = fakeIO(dir, { interactive: true });
    expect(await main(['eval-routing', '--dataset', 'tiny.jsonl', '--domains', 'domains.json', '--mode', 'group'], io)).toBe(0);
    expect(io.out()).toContain('Routing evaluation (group mode)');
    expect(io.out()).toMatch(/routing accuracy\s+100\.0%/);
    expect(io.err()).toMatch(/routing\s+\[#+\] 5\/5/);
  });

  it('exits 2 with a clear message on bad usage and on domains that do not match the data', async () => {
    const io = fakeIO(dir);
    expect(await main(['eval-routing', '--dataset', 'tiny.jsonl', '--domains', 'domains.json', '--mode', 'broadcast'], io)).toBe(2);
    expect(io.err()).toContain('--mode must be one of group, intent, message, got "broadcast"');
    const io2 = fakeIO(dir);
    expect(await main(['eval-routing', '--dataset', 'tiny.jsonl', '--mode', 'group'], io2)).toBe(2);
    expect(io2.err()).toContain('--domains <file.json> is required');
    const io3 = fakeIO(dir);
    expect(await main(['eval-routing', '--dataset', 'tiny.jsonl', '--domains', 'bad-domains.json', '--mode', 'message'], io3)).toBe(2);
    expect(io3.err()).toContain(`${join(dir, 'bad-domains.json')}: domain "food" lists intent "sushi", which is not in ${join(dir, 'tiny.jsonl')}`);
  });
});
