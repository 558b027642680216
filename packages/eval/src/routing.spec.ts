import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { buildRoutingBots, evaluateRouting, formatRoutingReport, loadIntentDataset, loadRoutingDomains, parseRoutingDomains, type RoutingMode } from './index.js';

/** 3 domains × 2 intents × 10 train phrases, 2 obvious test utterances per intent, plus out-of-scope examples. */
const INTENTS: Record<string, { domain: string; train: string[]; test: string[] }> = {
  order_pizza: {
    domain: 'food',
    train: ['order a pizza', 'i want a pizza delivered', 'get me a large pepperoni pizza', 'can i order pizza for dinner', 'pizza delivery please', 'send a margherita pizza to my house', 'i would like to order two pizzas', 'order pizza with extra cheese', 'i am hungry, order me a pizza', 'place a pizza order'],
    test: ['please order me a pepperoni pizza', 'i want to order a pizza now'],
  },
  book_table: {
    domain: 'food',
    train: ['book a table at the restaurant', 'reserve a table for two tonight', 'i need a dinner reservation', 'get me a table for four at eight', 'make a restaurant reservation', 'reserve a table at the italian place', 'book dinner for six people', 'can you reserve a table for tomorrow', 'table for two at the steakhouse please', 'i want to book a restaurant table'],
    test: ['reserve a table for three at the restaurant', 'book a table for dinner tonight'],
  },
  book_flight: {
    domain: 'travel',
    train: ['book a flight to paris', 'i need a plane ticket to london', 'find me a flight to tokyo', 'buy airline tickets for next week', 'reserve a seat on a flight to rome', 'i want to fly to berlin', 'get me a flight ticket to madrid', 'book me on the morning flight', 'purchase a flight to new york', 'flights to chicago on friday'],
    test: ['book me a flight to lisbon', 'i need a plane ticket to boston'],
  },
  hotel_room: {
    domain: 'travel',
    train: ['book a hotel room', 'i need a hotel in paris', 'reserve a room for three nights', 'find me a hotel near the airport', 'get a hotel room for the weekend', 'book accommodation in london', 'i want to stay at a hotel downtown', 'reserve a double room at the hotel', 'hotel booking for two nights', 'find a cheap hotel room'],
    test: ['book a hotel room in rome for two nights', 'find me a cheap hotel'],
  },
  check_balance: {
    domain: 'money',
    train: ['what is my account balance', 'how much money do i have', 'check my bank balance', 'show the balance of my checking account', 'tell me my savings balance', 'how much is in my account', 'balance of my bank account please', 'what is left in my account', 'check how much money is in savings', 'show my current balance'],
    test: ['what is the balance of my account', 'how much money is in my checking account'],
  },
  transfer_money: {
    domain: 'money',
    train: ['transfer money to my savings', 'send fifty dollars to john', 'move money between my accounts', 'wire money to my brother', 'transfer funds to checking', 'send money to my landlord', 'i want to transfer cash to mary', 'make a bank transfer of 100 dollars', 'move 200 dollars into savings', 'pay my friend back by transfer'],
    test: ['transfer 300 dollars to my savings account', 'send money to my sister'],
  },
  oos: {
    domain: '',
    train: ['what is the meaning of life', 'sing me a song', 'who won the world cup'],
    test: ['how tall is mount everest', 'what is the capital of australia'],
  },
};

const DOMAINS = { food: ['order_pizza', 'book_table'], travel: ['book_flight', 'hotel_room'], money: ['check_balance', 'transfer_money'] };

let dir: string;
let datasetFile: string;
let domainsFile: string;

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'eval-routing-'));
  datasetFile = join(dir, 'tiny.jsonl');
  domainsFile = join(dir, 'domains.json');
  const lines = Object.entries(INTENTS).flatMap(([intent, x]) => [
    ...x.train.map((text) => JSON.stringify({ text, intent, split: 'train' })),
    ...x.test.map((text) => JSON.stringify({ text, intent, split: 'test' })),
  ]);
  await writeFile(datasetFile, `${lines.join('\n')}\n`);
  await writeFile(domainsFile, JSON.stringify(DOMAINS));
});

describe('buildRoutingBots', () => {
  it('makes one bot per domain with a dialog per intent, plus a concierge wired for the mode', async () => {
    const dataset = await loadIntentDataset(datasetFile);
    const domains = await loadRoutingDomains(domainsFile);

    const group = buildRoutingBots(dataset, domains, { mode: 'group' });
    expect(group.bots.map((b) => b.id)).toEqual(['concierge', 'food', 'travel', 'money']);
    expect(group.groups).toEqual([expect.objectContaining({ id: 'routing', collaboration: true })]);
    expect(group.bots.every((b) => b.group === 'routing')).toBe(true);
    const food = group.bots.find((b) => b.id === 'food');
    expect(food?.intents.map((i) => [i.id, i.trainingPhrases.length])).toEqual([
      ['order_pizza', 10],
      ['book_table', 10],
    ]);
    expect(food?.dialogs.map((d) => [d.name, d.starter?.intent])).toEqual([
      ['order_pizza', 'order_pizza'],
      ['book_table', 'book_table'],
      ['Fallback', undefined],
    ]);
    const concierge = group.bots[0];
    expect(concierge?.intents).toEqual([]);
    expect(group.botOfIntent.get('hotel_room')).toBe('travel');
    expect(group.botOfIntent.has('oos')).toBe(false);

    const byIntent = buildRoutingBots(dataset, domains, { mode: 'intent' });
    expect(byIntent.groups).toEqual([]);
    expect(byIntent.bots.some((b) => b.group !== undefined)).toBe(false);
    const c1 = byIntent.bots[0];
    expect(c1?.intents.map((i) => i.id)).toEqual(['order_pizza', 'book_table', 'book_flight', 'hotel_room', 'check_balance', 'transfer_money']);
    const transfer = c1?.dialogs.find((d) => d.name === 'hotel_room')?.interactions[0];
    expect(transfer).toMatchObject({ type: 'agentTransfer', skill: 'travel', tangoContext: true });

    const byMessage = buildRoutingBots(dataset, domains, { mode: 'message' });
    const c2 = byMessage.bots[0];
    // The concierge recognises the intent to pick the bot, but hands over only the user's words.
    expect(c2?.intents.map((i) => i.id)).toEqual(c1?.intents.map((i) => i.id));
    expect(c2?.dialogs.find((d) => d.name === 'transfer_money')?.interactions[0]).toMatchObject({ type: 'agentTransfer', skill: 'money', tangoContext: true });
    // The out-of-scope examples train no bot.
    expect(byMessage.bots.flatMap((b) => b.intents.flatMap((i) => i.trainingPhrases))).not.toContain('sing me a song');
  });

  it('rejects domains and data that do not agree, naming file, key and value', async () => {
    const dataset = await loadIntentDataset(datasetFile);
    const missing = parseRoutingDomains(JSON.stringify({ ...DOMAINS, money: ['check_balance', 'transfer_money', 'pay_bill'] }), 'd.json');
    expect(() => buildRoutingBots(dataset, missing, { mode: 'group' })).toThrow(`d.json: domain "money" lists intent "pay_bill", which is not in ${datasetFile}`);
    const unassigned = parseRoutingDomains(JSON.stringify({ food: DOMAINS.food, travel: DOMAINS.travel }), 'd.json');
    // Every intent of the fixture takes 12 lines (10 train, 2 test), so check_balance starts after four of them.
    const line = Object.entries(INTENTS).findIndex(([i]) => i === 'check_balance') * 12 + 1;
    expect(() => buildRoutingBots(dataset, unassigned, { mode: 'intent' })).toThrow(`${datasetFile}:${line}: intent "check_balance" is in no domain of d.json`);
    const withOos = parseRoutingDomains(JSON.stringify({ ...DOMAINS, food: ['order_pizza', 'book_table', 'oos'] }), 'd.json');
    expect(() => buildRoutingBots(dataset, withOos, { mode: 'message' })).toThrow('domain "food" lists "oos", the out-of-scope label');

    expect(() => parseRoutingDomains('[]', 'd.json')).toThrow('d.json: domains file must be a JSON object');
    expect(() => parseRoutingDomains('{"food": []}', 'd.json')).toThrow('d.json: domain "food": must be a non-empty array of intent names, got []');
    expect(() => parseRoutingDomains('{"food": ["a"], "drinks": ["b", "a"]}', 'd.json')).toThrow('d.json: domain "drinks"[1]: intent "a" is already in domain "food"');
    expect(() => parseRoutingDomains('{"my bot": ["a"]}', 'd.json')).toThrow('d.json: domain "my bot": a domain name becomes a bot ID and skill');
    expect(() => parseRoutingDomains('{"concierge": ["a"]}', 'd.json')).toThrow('the name is taken by the generated concierge bot');
    expect(() => parseRoutingDomains('{"food": ["a", 3]}', 'd.json')).toThrow('d.json: domain "food"[1]: an intent name must be a non-empty string, got 3');
    await expect(loadRoutingDomains(join(dir, 'nope.json'))).rejects.toThrow('cannot read domains file');
  });
});

describe('evaluateRouting', () => {
  it.each<RoutingMode>(['group', 'intent', 'message'])('routes obvious utterances to the right bot and dialog (%s mode)', async (mode) => {
    const phases = new Set<string>();
    const report = await evaluateRouting({ datasetFile, domainsFile, mode, warmUp: 5, onProgress: (phase) => phases.add(phase) });
    expect(report).toMatchObject({ mode, bots: 3, intents: 6, trainExamples: 60, inScope: 12, outOfScope: 2 });
    expect(report.routingAccuracy).toBe(1);
    expect(report.botAccuracy).toBe(1);
    expect(report.inScopeFallback).toBe(0);
    expect(report.seamless).toBe(1);
    expect(report.split).toBe('test');
    expect(report.oosKept).toBeLessThanOrEqual(report.oosFallback ?? 0);
    expect(report.perDomain).toEqual([
      { domain: 'food', utterances: 4, correct: 4, accuracy: 1 },
      { domain: 'travel', utterances: 4, correct: 4, accuracy: 1 },
      { domain: 'money', utterances: 4, correct: 4, accuracy: 1 },
    ]);
    expect(report.topConfusions).toEqual([]);
    expect(report.p99Ms).toBeGreaterThan(0);
    expect([...phases].sort()).toEqual(['load', 'route']);
    expect(formatRoutingReport(report)).toContain(`Routing evaluation (${mode} mode)`);
  });

  it('counts a wrong route as a confusion and an out-of-scope utterance kept by the concierge', async () => {
    // Swap the train phrases of two intents of different domains: their test utterances now go to the wrong bot.
    const swapped = join(dir, 'swapped.jsonl');
    const lines = Object.entries(INTENTS).flatMap(([intent, x]) => {
      const trainAs = intent === 'order_pizza' ? 'check_balance' : intent === 'check_balance' ? 'order_pizza' : intent;
      return [...x.train.map((text) => JSON.stringify({ text, intent: trainAs, split: 'train' })), ...x.test.map((text) => JSON.stringify({ text, intent, split: 'test' }))];
    });
    await writeFile(swapped, `${lines.join('\n')}\n`);
    const report = await evaluateRouting({ datasetFile: swapped, domainsFile, mode: 'intent', warmUp: 0 });
    expect(report.routingAccuracy).toBeCloseTo(8 / 12);
    expect(report.topConfusions).toEqual(
      expect.arrayContaining([
        { expected: 'order_pizza', got: 'money/check_balance', count: 2 },
        { expected: 'check_balance', got: 'food/order_pizza', count: 2 },
      ]),
    );
    expect(report.perDomain.find((d) => d.domain === 'food')).toEqual({ domain: 'food', utterances: 4, correct: 2, accuracy: 0.5 });
  });
});
