import { randomUUID } from 'node:crypto';
import { afterAll, describe, expect, it } from 'vitest';
import { AGENT_ESCALATION_FAILED, type AgentConnectorSettings, type BotDefinition, type ConversationEvent } from '@bottango/core';
import { createRuntime, type BottangoRuntime } from '@bottango/runtime';
import { RedisStateModule } from '@bottango/store-redis';
import { redisForTests } from '@bottango/testing/redis';
import { RedisBotAgent } from './redis-bot-agent.js';
import type { RedisStreamsTransport } from './redis-streams-transport.js';
import { RedisTransportModule } from './redis-transport-module.js';

const server = redisForTests();
const prefix = `connector-test:${randomUUID()}:`;
const runtimes: BottangoRuntime[] = [];
const agents: RedisBotAgent[] = [];
let release: () => void = () => undefined;

function bot(id: string, skill: string, interactions: BotDefinition['dialogs'][number]['interactions'], connector?: AgentConnectorSettings): BotDefinition {
  return {
    id,
    skills: [skill],
    intents: [],
    ...(connector ? { connector } : {}),
    dialogs: [
      { name: 'Failed', type: 'standard', starter: { patterns: [AGENT_ESCALATION_FAILED] }, interactions: [{ type: 'text', text: `${id}: the transfer failed` }] },
      { name: 'Main', type: 'standard', starter: { patterns: ['*'] }, interactions },
    ],
  };
}

const BOTS: BotDefinition[] = [
  bot('front', 'front', [{ type: 'agentTransfer', skill: 'astronomy', message: 'Off to astronomy.', tangoContext: false }]),
  bot('slow-front', 'slow-front', [{ type: 'agentTransfer', skill: 'slow', message: 'Off to the slow desk.', tangoContext: false }], { fallbackEscalationTime: 1_000, fallbackSkillId: 'people' }),
  bot('slow', 'slow', [{ type: 'text', text: 'slow answers', preProcess: () => new Promise<void>((resolve) => (release = resolve)) }]),
  bot('people', 'people', [{ type: 'text', text: 'people answer' }]),
];

async function runtimeFor(localBots: string[]): Promise<BottangoRuntime> {
  const { url } = await server;
  const runtime = await createRuntime({
    bots: BOTS,
    localBots,
    store: url,
    modules: [
      RedisStateModule.fromOptions({ url, keyPrefix: `${prefix}state:` }),
      RedisTransportModule.fromOptions({ url, keyPrefix: `${prefix}bus:`, transferTimeoutMs: 10_000, heartbeatMs: 200, claimIdleMs: 1_000, sendTimeoutMs: 15_000 }),
    ],
  });
  runtimes.push(runtime);
  return runtime;
}

async function agentFor(botId: string): Promise<void> {
  const runtime = await runtimeFor([botId]);
  agents.push(await RedisBotAgent.start({ runtime, transport: runtime.transport as RedisStreamsTransport, botId }));
}

afterAll(async () => {
  release();
  for (const agent of agents) await agent.stop();
  for (const runtime of runtimes) await runtime.close();
  await (await server).stop();
});

const ofType = <T extends ConversationEvent['type']>(events: readonly ConversationEvent[], type: T) => events.filter((e): e is Extract<ConversationEvent, { type: T }> => e.type === type);

describe('agent connector settings across processes (Redis Streams)', () => {
  it('a transfer to a well-formed skill no bot holds fails late: the transfer message, then __agent_escalation_failed__', { timeout: 60_000 }, async () => {
    for (const id of ['front', 'slow-front', 'slow', 'people']) await agentFor(id);
    const front = await runtimeFor([]);
    const id = await front.startConversation({ botId: 'front' });
    const events = await front.send(id, 'the stars please');
    expect(ofType(events, 'transfer-failed')).toMatchObject([{ toSkill: 'astronomy', reason: 'no-agent-available', stage: 'late' }]);
    expect(ofType(events, 'bot-message').map((e) => e.text)).toEqual(['Off to astronomy.', 'front: the transfer failed']);
  });

  it("a transfer nobody takes within the sender's fallbackEscalationTime goes to its fallback skill", { timeout: 60_000 }, async () => {
    const front = runtimes.at(-1) as BottangoRuntime;
    const id = await front.startConversation({ botId: 'slow-front' });
    const started = Date.now();
    const events = await front.send(id, 'hello');
    // The deadline is the bot's 1 s, not the transport's 10 s.
    expect(Date.now() - started).toBeLessThan(8_000);
    expect(ofType(events, 'transfer-failed')).toMatchObject([{ toSkill: 'slow', reason: 'timeout', stage: 'late', message: expect.stringContaining('trying the fallback skill "people"') }]);
    expect(ofType(events, 'transfer')).toMatchObject([{ toSkill: 'people', toBotId: 'people' }]);
    expect(ofType(events, 'bot-message').map((e) => e.text)).toEqual(['Off to the slow desk.', 'people answer']);
    expect((await front.getConversation(id))?.ownerBotId).toBe('people');
  });
});
