import { randomUUID } from 'node:crypto';
import { resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ConversationEvent } from '@bottango/core';
import { loadBotDirectory } from '@bottango/definitions';
import { NaturalMatcherModule } from '@bottango/matcher-natural';
import { createRuntime, type BottangoRuntime } from '@bottango/runtime';
import { RedisStateModule } from '@bottango/store-redis';
import { redisForTests } from '@bottango/testing/redis';
import { ConversationEvents } from './conversation-events.js';
import { RedisBotAgent } from './redis-bot-agent.js';
import { RedisStreamsTransport } from './redis-streams-transport.js';
import { RedisTransportModule } from './redis-transport-module.js';

const BOTS = resolve(import.meta.dirname, '../../../apps/demo/bots');
const server = redisForTests();
const prefix = `transport-test:${randomUUID()}:`;
const runtimes: BottangoRuntime[] = [];
const agents: RedisBotAgent[] = [];

async function runtimeFor(localBots: string[], transferTimeoutMs = 2_000): Promise<BottangoRuntime> {
  const { url } = await server;
  const { bots, groups } = await loadBotDirectory(BOTS);
  const runtime = await createRuntime({
    bots,
    groups,
    localBots,
    store: url,
    modules: [
      NaturalMatcherModule.fromOptions({ cacheDir: resolve(BOTS, '.bottango/models') }),
      RedisStateModule.fromOptions({ url, keyPrefix: `${prefix}state:` }),
      RedisTransportModule.fromOptions({ url, keyPrefix: `${prefix}bus:`, transferTimeoutMs, heartbeatMs: 200, claimIdleMs: 1_000, sendTimeoutMs: 15_000 }),
    ],
  });
  runtimes.push(runtime);
  return runtime;
}

async function agentFor(botId: string): Promise<RedisBotAgent> {
  const runtime = await runtimeFor([botId]);
  const agent = await RedisBotAgent.start({ runtime, transport: runtime.transport as RedisStreamsTransport, botId });
  agents.push(agent);
  return agent;
}

let front: BottangoRuntime;
beforeAll(async () => {
  await agentFor('concierge');
  await agentFor('billing');
  front = await runtimeFor([]);
}, 60_000);

afterAll(async () => {
  for (const agent of agents) await agent.stop();
  for (const runtime of runtimes) await runtime.close();
  await (await server).stop();
});

const ofType = <T extends ConversationEvent['type']>(events: readonly ConversationEvent[], type: T) => events.filter((e): e is Extract<ConversationEvent, { type: T }> => e.type === type);

describe('Redis Streams transport (bots in separate runtimes)', () => {
  it('a transfer crosses from the concierge to billing, which starts the intent dialog and reads the Context Session Store', async () => {
    const id = await front.startConversation({ botId: 'concierge', userId: 'ada' });
    const events = await front.send(id, 'I want a refund');
    expect(ofType(events, 'transfer')).toMatchObject([{ fromBotId: 'concierge', toBotId: 'billing', toSkill: 'billing', context: { intentId: 'billing.refund' } }]);
    expect(ofType(events, 'dialog-started').at(-1)).toMatchObject({ botId: 'billing', dialog: 'Refund', trigger: { by: 'tango-intent' }, afterTransfer: true });
    expect(ofType(events, 'bot-message').map((e) => e.text)).toContain('Hi Ada, Billing here. As a gold customer your refund gets priority.');
    expect((await front.getConversation(id))?.ownerBotId).toBe('billing');

    const next = await front.send(id, 'order 42');
    expect(ofType(next, 'bot-message').map((e) => `${e.botId}: ${e.text}`)).toEqual(['billing: Done: the refund for order order 42 is on its way (3–5 working days).']);
    const state = await front.getConversation(id);
    expect(state).toMatchObject({ ownerBotId: 'billing', appliedSeq: 2 });
    expect(state?.transferring).toBeUndefined();
  });

  it('a transfer to a skill no live agent holds comes back as __agent_escalation_failed__, and the retry cap holds', async () => {
    const id = await front.startConversation({ botId: 'concierge' });
    const events = await front.send(id, 'I need a human');
    expect(ofType(events, 'transfer-failed')).toMatchObject([{ fromBotId: 'concierge', toSkill: 'human', reason: 'no-agent-available', stage: 'late' }]);
    expect(ofType(events, 'user-message').map((e) => e.text)).toContain('__agent_escalation_failed__');
    expect(ofType(events, 'bot-message').at(-1)?.text).toMatch(/nobody from our team is available/);
    // Each failed attempt is retried by the bot's own dialog; the 4th late failure in a row is final (cap 3).
    const stages: string[] = ofType(events, 'transfer-failed').map((e) => e.stage);
    for (let i = 0; i < 3; i++) stages.push(...ofType(await front.send(id, 'a human please'), 'transfer-failed').map((e) => e.stage));
    expect(stages).toEqual(['late', 'late', 'late', 'late', 'final']);
    expect((await front.getConversation(id))?.ownerBotId).toBe('concierge');
  });

  it('messages sent before a transfer settles are applied in order by whoever owns the conversation then', async () => {
    const id = await front.startConversation({ botId: 'concierge' });
    const [first, second] = await Promise.all([front.send(id, 'I want a refund'), front.send(id, 'order 7')]);
    expect(ofType(first, 'transfer')).toHaveLength(1);
    expect(ofType(second, 'bot-message').map((e) => e.text)).toEqual(['Done: the refund for order order 7 is on its way (3–5 working days).']);
    expect(await front.getConversation(id)).toMatchObject({ appliedSeq: 2, ownerBotId: 'billing' });
  });

  it('drops a malformed entry (logged) and goes on with the next ones', async () => {
    const transport = front.transport as RedisStreamsTransport;
    const inbox = transport.keys.inbox('concierge');
    await transport.redis.xadd(inbox, '*', 'kind', 'message', 'conversation', 'nope', 'seq', 'x', 'text', 'hi');
    await transport.redis.xadd(inbox, '*', 'kind', 'gibberish');
    const id = await front.startConversation({ botId: 'concierge' });
    expect(ofType(await front.send(id, 'hello'), 'bot-message').map((e) => e.botId)).toEqual(['concierge']);
    await expect.poll(() => transport.redis.xlen(inbox)).toBe(0);
  });

  it('a stopped agent leaves the consumer groups; consumers of dead processes with nothing pending are pruned', async () => {
    const transport = front.transport as RedisStreamsTransport;
    const stream = transport.keys.skill('tech');
    const names = async (): Promise<string[]> => ((await transport.redis.xinfo('CONSUMERS', stream, 'bottango')) as unknown[][]).map((fields) => String(fields[1]));
    const tech = await agentFor('tech');
    expect(await names()).toContain(tech.consumer);
    // A process that died: its consumer stays in the group with nothing pending.
    await transport.redis.xreadgroup('GROUP', 'bottango', 'tech@dead-host:1:abc', 'COUNT', 1, 'STREAMS', stream, '>');
    await tech.pruneConsumers(0);
    expect(await names()).toEqual([tech.consumer]);
    await tech.stop();
    expect(await names()).toEqual([]);
  });

  it("keeps a conversation's event stream bounded: trimmed to about its max length, and expiring when quiet", async () => {
    const transport = front.transport as RedisStreamsTransport;
    const events = new ConversationEvents(transport.redis, transport.keys, { maxLength: 10, ttlSeconds: 60 });
    const id = `bounded-${randomUUID()}`;
    const event: ConversationEvent = { type: 'bot-message', conversationId: id, botId: 'concierge', dialog: 'Welcome', text: 'hi' };
    for (let n = 1; n <= 1_000; n++) await events.publish(id, [{ first: n, events: [event] }]);
    // MAXLEN ~ trims whole stream nodes (100 entries each), so "about 10" stays under a couple of hundred.
    expect(await transport.redis.xlen(transport.keys.events(id))).toBeLessThanOrEqual(200);
    const ttl = await transport.redis.ttl(transport.keys.events(id));
    expect(ttl).toBeGreaterThan(0);
    expect(ttl).toBeLessThanOrEqual(60);
    // A step published again (after a crash) adds nothing.
    await events.publish(id, [{ first: 1_000, events: [event] }]);
    expect((await events.after(id, '999-0')).map((e) => e.id)).toEqual(['1000-0']);
  });

  it('goes past what no Bottango process wrote: a broken event-stream entry, deadline member or heartbeat', async () => {
    const transport = front.transport as RedisStreamsTransport;
    const id = await front.startConversation({ botId: 'concierge' });
    await transport.redis.xadd(transport.keys.events(id), '1-5', 'first', '1', 'events', '{not json', 'settled', 'soon');
    await transport.redis.zadd(transport.keys.deadlines, 0, 'not a deadline');
    await transport.redis.hset(transport.keys.agents, 'forged', JSON.stringify({ botId: 'billing', expires: Date.now() + 60_000 }));
    const events = await front.send(id, 'I want a refund');
    expect(ofType(events, 'transfer')).toMatchObject([{ toBotId: 'billing' }]);
    await expect.poll(() => transport.redis.zscore(transport.keys.deadlines, 'not a deadline')).toBeNull();
    await expect.poll(() => transport.redis.hexists(transport.keys.agents, 'forged')).toBe(0);
  });

  it('deleting a conversation removes its message counter and event stream too', async () => {
    const transport = front.transport as RedisStreamsTransport;
    const id = await front.startConversation({ botId: 'concierge' });
    await front.send(id, 'hello');
    expect(await transport.redis.exists(transport.keys.messageSeq(id), transport.keys.events(id))).toBe(2);
    await front.deleteConversation(id);
    expect(await transport.redis.exists(transport.keys.messageSeq(id), transport.keys.events(id))).toBe(0);
    expect(await front.getConversation(id)).toBeUndefined();
  });

  it('a message whose bot runs nowhere fails with SETTLE_TIMEOUT after sendTimeoutMs, naming the conversation', async () => {
    const transport = await RedisStreamsTransport.connect({ url: (await server).url, keyPrefix: `${prefix}bus:`, sendTimeoutMs: 300 });
    try {
      await expect(transport.sendMessage('nobody-runs-its-bot', 'human-desk', 'hello')).rejects.toMatchObject({
        code: 'SETTLE_TIMEOUT',
        message: expect.stringContaining('conversation "nobody-runs-its-bot" did not settle within 300 ms'),
      });
    } finally {
      await transport.close();
    }
  });

  it('refuses to run bots in other processes on a memory state store', async () => {
    const { bots } = await loadBotDirectory(BOTS);
    await expect(createRuntime({ bots, localBots: [], transport: (await server).url, modules: [NaturalMatcherModule.fromOptions({})] })).rejects.toMatchObject({
      code: 'INVALID_CONFIGURATION',
      message: expect.stringContaining('must share the conversations'),
    });
  });
});
