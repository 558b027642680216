import { describeTransferTransportContract } from '@bottango/testing';
import { AgentDirectory } from './agent-directory.js';
import { InProcessTransferTransport } from './in-process-transport.js';

// Every agent is in this process: the transport delivers to the receiver the suite attaches (the runtime's role).
describeTransferTransportContract(
  'in-process (InProcessTransferTransport)',
  async () => {
    const directory = new AgentDirectory();
    return {
      transport: new InProcessTransferTransport(directory, { timeoutMs: 200 }),
      transferTimeoutMs: 200,
      addAgent: async (botId, skills) => directory.register(botId, skills),
      close: async () => undefined,
    };
  },
  { settleSlackMs: 500 },
);
