import { randomUUID } from 'node:crypto';
import { afterAll } from 'vitest';
import type { AgentStatus, BottangoRuntime } from '@bottango/runtime';
import { describeTransferTransportContract, type ContractAgentSide } from '@bottango/testing';
import { cleanUpAndStop, redisForTests } from '@bottango/testing/redis';
import { RedisBotAgent } from './redis-bot-agent.js';
import { RedisStreamsTransport } from './redis-streams-transport.js';

const server = redisForTests();
const runPrefix = `transport-contract:${randomUUID()}:`;
afterAll(() => cleanUpAndStop(server, runPrefix));

/**
 * The runtime's part, as a `RedisBotAgent` calls it, played by the suite: a transfer the agent consumes goes to
 * `side.receiveTransfer`, a failure notice in the bot's inbox to `side.transferFailed`. The transport's real consumer
 * (consumer groups, deadlines, late failures) does the rest.
 */
function runtimeFor(botId: string, skills: readonly string[], side: ContractAgentSide): BottangoRuntime {
  let status: AgentStatus = { connected: true, acceptsTransfers: true };
  const runtime = {
    bot: () => ({ definition: { skills } }),
    agentStatus: () => status,
    setAgentStatus: (_botId: string, change: Partial<AgentStatus>) => void (status = { ...status, ...change }),
    acceptTransfer: async (request: Parameters<BottangoRuntime['acceptTransfer']>[0], toBotId: string) => {
      const outcome = await side.receiveTransfer(request, toBotId);
      // An accepted transfer comes with the step the runtime stored (here: no events), so the agent clears its deadline.
      return outcome.kind === 'accepted' ? { outcome, step: { state: { id: request.conversationId }, events: [], firstEvent: 1 } } : { outcome };
    },
    settleTransfer: async (conversationId: string, transferId: string, failure: Parameters<ContractAgentSide['transferFailed']>[2]) => {
      await side.transferFailed(conversationId, transferId, failure);
      return undefined;
    },
    getConversation: async () => undefined,
    applyMessage: async () => {
      throw new Error(`bot ${botId}: the transport contract sends no user messages`);
    },
  };
  return runtime as unknown as BottangoRuntime;
}

describeTransferTransportContract(
  'redis-streams (RedisStreamsTransport with RedisBotAgent consumers)',
  async () => {
    const { url } = await server;
    const options = { url, keyPrefix: `${runPrefix}${randomUUID()}:`, transferTimeoutMs: 1_000, heartbeatMs: 200, claimIdleMs: 1_000 };
    const transport = await RedisStreamsTransport.connect(options);
    const agents: { agent: RedisBotAgent; transport: RedisStreamsTransport }[] = [];
    return {
      transport,
      transferTimeoutMs: options.transferTimeoutMs,
      // Each agent is a process of its own in production: its own transport (connections) and consumer.
      async addAgent(botId, skills, side) {
        const own = await RedisStreamsTransport.connect(options);
        agents.push({ agent: await RedisBotAgent.start({ runtime: runtimeFor(botId, skills, side), transport: own, botId }), transport: own });
      },
      async close() {
        for (const { agent, transport: own } of agents) {
          await agent.stop();
          await own.close();
        }
        await transport.close();
      },
    };
  },
  { settleSlackMs: 3_000 },
);
