import { describe, expect, it } from 'vitest';
import { TransferFailureReason, type TransferOutcome, type TransferReceiver, type TransferRequest, type TransferTransport } from '@bottango/core';
import { failingChecks } from './contract-self-test.js';
import { transferTransportContractChecks, type ContractAgentSide, type TransferTransportHarness } from './transfer-transport-contract.js';

const TIMEOUT_MS = 150;
type Bug = 'ignores-hops' | 'ignores-to-bot' | 'ignores-preferred' | 'throws-when-nobody' | 'mutates-request' | 'never-times-out' | 'times-out-early' | 'forgets-deadline';

/**
 * A small transport, right unless given bugs: `immediate` answers `accepted`/`failed` from the attached receiver (like
 * the in-process one); `submitting` answers `submitted` and delivers to the agent's side later, failing late by the
 * deadline (like one whose agents run in other processes).
 */
function referenceHarness(mode: 'immediate' | 'submitting', bugs: readonly Bug[] = []): TransferTransportHarness {
  const agents = new Map<string, { skills: readonly string[]; side: ContractAgentSide }>();
  let receiver: TransferReceiver | undefined;
  let turn = 0;
  const timers = new Set<NodeJS.Timeout>();
  const later = (ms: number, task: () => void): void => {
    const timer = setTimeout(() => {
      timers.delete(timer);
      task();
    }, ms);
    timers.add(timer);
  };
  const transport: TransferTransport = {
    id: `reference-${mode}`,
    attach: (r) => void (receiver = r),
    async deliver(request: TransferRequest): Promise<TransferOutcome> {
      const except = bugs.includes('ignores-hops') ? [] : [request.fromBotId, ...(request.hops ?? [])];
      const targeted = request.toBotId !== undefined && !bugs.includes('ignores-to-bot');
      const holders = [...agents].filter(([botId, agent]) => (targeted ? botId === request.toBotId : agent.skills.includes(request.skill)) && !except.includes(botId));
      // An Agent Id (preferredBotId) that is one of the holders takes it; otherwise the holders take turns.
      const preferred = bugs.includes('ignores-preferred') ? undefined : holders.find(([botId]) => botId === request.preferredBotId);
      const [toBotId, agent] = preferred ?? holders[turn++ % Math.max(1, holders.length)] ?? [];
      if (toBotId === undefined || agent === undefined) {
        if (bugs.includes('throws-when-nobody')) throw new Error('nobody holds the skill');
        return { kind: 'failed', reason: TransferFailureReason.NoAgentAvailable, message: `no agent holds "${request.skill}"` };
      }
      if (bugs.includes('mutates-request')) (request as { hops?: string[] }).hops = [...(request.hops ?? []), toBotId];
      const timeoutMs = bugs.includes('times-out-early') ? TIMEOUT_MS / 4 : TIMEOUT_MS;
      if (mode === 'immediate') {
        const answer = (receiver as TransferReceiver).receiveTransfer(request, toBotId);
        if (bugs.includes('never-times-out')) return answer;
        return Promise.race([answer, new Promise<TransferOutcome>((resolve) => later(timeoutMs, () => resolve({ kind: 'failed', reason: TransferFailureReason.Timeout, message: 'too slow' })))]);
      }
      const sender = agents.get(request.fromBotId)?.side;
      let settled = false;
      const fail = (reason: TransferFailureReason, message: string): void => {
        if (!settled || bugs.includes('forgets-deadline')) void sender?.transferFailed(request.conversationId, request.transferId, { reason, message });
        settled = true;
      };
      if (!bugs.includes('never-times-out')) later(timeoutMs, () => fail(TransferFailureReason.Timeout, 'too slow'));
      later(5, () =>
        void agent.side.receiveTransfer(structuredClone(request), toBotId).then((outcome) => {
          if (outcome.kind === 'failed') fail(outcome.reason, outcome.message);
          else if (outcome.kind === 'accepted') settled = true;
        }),
      );
      return { kind: 'submitted', deadline: Date.now() + TIMEOUT_MS };
    },
  };
  return {
    transport,
    transferTimeoutMs: TIMEOUT_MS,
    addAgent: async (botId, skills, side) => void agents.set(botId, { skills, side }),
    close: async () => {
      for (const timer of timers) clearTimeout(timer);
    },
  };
}

const checks = (mode: 'immediate' | 'submitting', bugs: readonly Bug[] = []) => failingChecks(transferTransportContractChecks(async () => referenceHarness(mode, bugs), { settleSlackMs: 300 }));

const NO_AGENT = 'a skill no live agent holds: failed with no-agent-available (resolved, not thrown), and nobody receives it';
const NO_RETURN = 'never hands the conversation back: the sender and the bots in hops are no candidates (no-agent-available)';
const DELIVERS = 'delivers to the live holder of the skill, with the request intact, once; an accepted transfer does not fail later';
const HOLDERS = 'only ever delivers to holders of the skill that are not in hops (bots the conversation already left this turn)';
const TO_BOT = 'with toBotId (a group transfer), delivers to that bot and no other holder';
const PREFERRED = 'with preferredBotId (an Agent Id), delivers to that bot when it is a live holder of the skill, else to another holder';
const TIMEOUT = 'a receiver that does not answer: failed with timeout, not before transferTimeoutMs';

describe('describeTransferTransportContract', () => {
  it.each(['immediate', 'submitting'] as const)('passes a correct %s transport', async (mode) => {
    expect(await checks(mode)).toEqual([]);
  });

  it.each([
    ['immediate', 'ignores-hops', [NO_RETURN, HOLDERS]],
    ['submitting', 'ignores-hops', [NO_RETURN, HOLDERS]],
    ['immediate', 'ignores-to-bot', [TO_BOT]],
    ['immediate', 'ignores-preferred', [PREFERRED]],
    ['submitting', 'ignores-preferred', [PREFERRED]],
    ['immediate', 'throws-when-nobody', [NO_AGENT, NO_RETURN]],
    ['immediate', 'never-times-out', [TIMEOUT]],
    ['submitting', 'never-times-out', [TIMEOUT]],
    ['immediate', 'times-out-early', [TIMEOUT]],
    ['submitting', 'forgets-deadline', [DELIVERS]],
  ] as const)('fails a %s transport with the bug %s', async (mode, bug, failed) => {
    expect(await checks(mode, [bug])).toEqual(failed);
  });

  it('fails a transport that changes the request it delivers', async () => {
    expect(await checks('immediate', ['mutates-request'])).toContain(DELIVERS);
  });
});
