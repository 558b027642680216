import { NaturalMatcherModule } from '@bottango/matcher-natural';
import { createRuntime, formatConversationEvent, parseTransportSetting, type RuntimeOptions } from '@bottango/runtime';
import { RedisBotAgent, RedisStreamsTransport } from '@bottango/transport-redis';
import { bots, groups } from './bots.js';

// A Redis server for the transport, the Context Session Store and the conversation states (all three shared by
// every process). From the environment, so it is a plain string: parse it into a typed setting.
const url = parseTransportSetting(process.env['REDIS_URL'] ?? 'redis://127.0.0.1:6379', 'REDIS_URL');
if (url === 'in-process') throw new Error('REDIS_URL must be a redis:// URL');
const shared: RuntimeOptions = { bots, groups, modules: [NaturalMatcherModule.fromOptions({})], store: url, transport: url };

// Two bot agent processes (what `bottango agent --bots ./bots --bot <id> --transport <url>` runs), here in one
// process for the example: each runtime runs one bot, and a RedisBotAgent consumes its streams.
const agents: RedisBotAgent[] = [];
const runtimes = [];
for (const botId of ['concierge', 'billing']) {
  const runtime = await createRuntime({ ...shared, localBots: [botId] });
  runtimes.push(runtime);
  agents.push(await RedisBotAgent.start({ runtime, transport: runtime.transport as RedisStreamsTransport, botId }));
}

// The front (what `bottango chat --transport <url>` and `bottango-server --transport <url>` are): it runs no bot;
// `send` puts the message in the inbox of the bot holding the conversation and resolves with the events once the
// conversation has settled.
const front = await createRuntime({ ...shared, localBots: [] });
runtimes.push(front);
try {
  const conversationId = await front.startConversation({ botId: 'concierge' });
  for (const text of ['I want my money back', 'order 77']) {
    for (const event of await front.send(conversationId, text)) {
      const line = formatConversationEvent(event);
      if (line !== undefined) console.log(line);
    }
  }
  await front.deleteConversation(conversationId);
} finally {
  for (const agent of agents) await agent.stop();
  for (const runtime of runtimes) await runtime.close();
}
