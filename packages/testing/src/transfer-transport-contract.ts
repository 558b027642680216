import { randomUUID } from 'node:crypto';
import { expect } from 'vitest';
import { TransferFailureReason, type TransferOutcome, type TransferReceiver, type TransferRequest, type TransferTransport } from '@bottango/core';
import { describeChecks, type ContractCheck } from './contract-checks.js';

/**
 * The receiving side the suite plays for every bot agent (the runtime's part): `receiveTransfer` takes a transfer,
 * `transferFailed` hears that a transfer the bot sent failed after the transport answered `submitted`.
 */
export interface ContractAgentSide extends TransferReceiver {
  transferFailed(conversationId: string, transferId: string, failure: { readonly reason: TransferFailureReason; readonly message: string }): Promise<void>;
}

/** A transport under test, set up for one check, with a way to bring bot agents up. */
export interface TransferTransportHarness {
  readonly transport: TransferTransport;
  /** How long the transport gives a receiver before the transfer fails with `timeout` (configure it short: 200–2 000 ms). */
  readonly transferTimeoutMs: number;
  /**
   * Makes bot `botId` a live agent holding `skills`, ready before this resolves. Transfers the transport brings to it
   * must reach `side.receiveTransfer(request, botId)`: through the receiver the suite `attach`ed (in-process transports)
   * or through whatever consumer the harness runs for the bot (transports whose agents run elsewhere, e.g. a
   * `RedisBotAgent` whose runtime forwards `acceptTransfer` to `side`). A late failure of a transfer the bot sent goes to
   * `side.transferFailed`. The suite adds every agent before its first `deliver`.
   */
  addAgent(botId: string, skills: readonly string[], side: ContractAgentSide): Promise<void>;
  /** Stops the agents and releases the transport (called after each check, also when it failed). */
  close(): Promise<void>;
}

export interface TransferTransportContractOptions {
  /** Time allowed past `transferTimeoutMs` for a submitted transfer's outcome to come back (stream reads, sweeps). Default 3 000 ms. */
  readonly settleSlackMs?: number;
}

type Settled = { readonly kind: 'accepted'; readonly toBotId: string } | { readonly kind: 'failed'; readonly reason: TransferFailureReason } | { readonly kind: 'stale' };
type Behaviour = (request: TransferRequest) => Promise<TransferOutcome>;

const SENDER = 'contract-sender';
const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

/** What the receiving side saw: transfers by bot, and late failures by transfer ID. */
class AgentSides {
  readonly received: { readonly request: TransferRequest; readonly toBotId: string }[] = [];
  readonly accepted = new Map<string, string>();
  readonly failedLate = new Map<string, TransferFailureReason>();
  readonly #behaviours = new Map<string, Behaviour>();
  readonly #hanging: (() => void)[] = [];

  side(behaviour: Behaviour): ContractAgentSide {
    return {
      receiveTransfer: async (request, toBotId) => {
        this.received.push({ request: structuredClone(request), toBotId });
        const outcome = await (this.#behaviours.get(toBotId) ?? behaviour)(request);
        if (outcome.kind === 'accepted') this.accepted.set(request.transferId, outcome.toBotId);
        return outcome;
      },
      transferFailed: async (_conversationId, transferId, failure) => void this.failedLate.set(transferId, failure.reason),
    };
  }

  behave(botId: string, behaviour: Behaviour): void {
    this.#behaviours.set(botId, behaviour);
  }

  /** A receiver that never answers (until the check ends: then it answers `stale`). */
  readonly hang: Behaviour = () => new Promise((resolve) => this.#hanging.push(() => resolve({ kind: 'stale', message: 'the contract check ended' })));

  release(): void {
    for (const resolve of this.#hanging.splice(0)) resolve();
  }
}

function transferRequest(overrides: Partial<TransferRequest> = {}): TransferRequest {
  return {
    transferId: `t-${randomUUID()}`,
    conversationId: `c-${randomUUID()}`,
    userId: 'ada',
    fromBotId: SENDER,
    skill: 'billing',
    tangoContext: { intentId: 'billing.refund', userMessage: 'I want a refund — 🎉 مرحبا' },
    transcript: [
      { from: 'user', text: 'hi' },
      { from: 'bot', botId: SENDER, text: 'hello, how can I help?' },
      { from: 'user', text: 'I want a refund — 🎉 مرحبا' },
    ],
    hops: [SENDER],
    ...overrides,
  };
}

/**
 * The checks of {@link describeTransferTransportContract}, for running one by one. Each sets up its own harness and
 * closes it.
 */
export function transferTransportContractChecks(setup: () => Promise<TransferTransportHarness>, options: TransferTransportContractOptions = {}): ContractCheck[] {
  const slack = options.settleSlackMs ?? 3_000;

  /** Sets up, attaches the suite's receiver, adds the sender and `agents`, runs `body`, and always closes. */
  const withTransport = (agents: Readonly<Record<string, readonly string[]>>, body: (t: { harness: TransferTransportHarness; sides: AgentSides; settle: (request: TransferRequest) => Promise<Settled> }) => Promise<void>) => async (): Promise<void> => {
    const harness = await setup();
    const sides = new AgentSides();
    const acceptAs = (botId: string): Behaviour => async () => ({ kind: 'accepted', toBotId: botId });
    try {
      harness.transport.attach({ receiveTransfer: (request, toBotId) => sides.side(acceptAs(toBotId)).receiveTransfer(request, toBotId) });
      await harness.addAgent(SENDER, [], sides.side(acceptAs(SENDER)));
      for (const [botId, skills] of Object.entries(agents)) await harness.addAgent(botId, skills, sides.side(acceptAs(botId)));
      const settle = async (request: TransferRequest): Promise<Settled> => {
        const before = structuredClone(request);
        let timer: NodeJS.Timeout | undefined;
        const limit = harness.transferTimeoutMs + slack;
        const outcome = await Promise.race([
          harness.transport.deliver(request),
          new Promise<never>((_, reject) => (timer = setTimeout(() => reject(new Error(`deliver did not resolve within transferTimeoutMs + ${slack} ms`)), limit))),
        ]).finally(() => clearTimeout(timer));
        expect(request, 'deliver must not change the request').toEqual(before);
        switch (outcome.kind) {
          case 'accepted':
            return { kind: 'accepted', toBotId: outcome.toBotId };
          case 'failed':
            expect(Object.values(TransferFailureReason)).toContain(outcome.reason);
            expect(outcome.message.trim(), 'a failure says why').not.toBe('');
            return { kind: 'failed', reason: outcome.reason };
          case 'stale':
            return { kind: 'stale' };
          case 'submitted': {
            const now = Date.now();
            expect(outcome.deadline, 'a submitted transfer has a deadline in the future').toBeGreaterThan(now - 100);
            expect(outcome.deadline, 'no later than transferTimeoutMs from now').toBeLessThanOrEqual(now + harness.transferTimeoutMs + 100);
            while (Date.now() < outcome.deadline + slack) {
              const toBotId = sides.accepted.get(request.transferId);
              if (toBotId !== undefined) return { kind: 'accepted', toBotId };
              const reason = sides.failedLate.get(request.transferId);
              if (reason !== undefined) return { kind: 'failed', reason };
              await sleep(20);
            }
            throw new Error(`transfer ${request.transferId} was submitted but neither accepted nor failed ${slack} ms after its deadline`);
          }
        }
      };
      await body({ harness, sides, settle });
    } finally {
      sides.release();
      await harness.close();
    }
  };

  return [
    {
      name: 'has a non-empty id',
      run: withTransport({}, async ({ harness }) => {
        expect(typeof harness.transport.id).toBe('string');
        expect(harness.transport.id.trim()).not.toBe('');
      }),
    },
    {
      name: 'a skill no live agent holds: failed with no-agent-available (resolved, not thrown), and nobody receives it',
      run: withTransport({ billing: ['billing'] }, async ({ sides, settle }) => {
        expect(await settle(transferRequest({ skill: 'nobody-holds-this' }))).toEqual({ kind: 'failed', reason: TransferFailureReason.NoAgentAvailable });
        expect(sides.received).toEqual([]);
      }),
    },
    {
      name: 'never hands the conversation back: the sender and the bots in hops are no candidates (no-agent-available)',
      run: withTransport({ [SENDER]: ['loop'], earlier: ['loop'] }, async ({ sides, settle }) => {
        expect(await settle(transferRequest({ skill: 'loop', hops: ['earlier', SENDER] }))).toEqual({ kind: 'failed', reason: TransferFailureReason.NoAgentAvailable });
        expect(sides.received).toEqual([]);
      }),
    },
    {
      name: 'delivers to the live holder of the skill, with the request intact, once; an accepted transfer does not fail later',
      run: withTransport({ billing: ['billing'], support: ['support'] }, async ({ harness, sides, settle }) => {
        const request = transferRequest({ automatic: true });
        expect(await settle(request)).toEqual({ kind: 'accepted', toBotId: 'billing' });
        expect(sides.received).toEqual([{ request, toBotId: 'billing' }]);
        await sleep(harness.transferTimeoutMs + Math.min(slack, 1_000));
        expect(sides.failedLate.get(request.transferId), 'a late failure of an accepted transfer').toBeUndefined();
        expect(sides.received, 'delivered once').toHaveLength(1);
      }),
    },
    {
      name: 'only ever delivers to holders of the skill that are not in hops (bots the conversation already left this turn)',
      run: withTransport({ s1: ['support'], s2: ['support', 'billing'], earlier: ['support'], other: ['billing'] }, async ({ sides, settle }) => {
        for (let i = 0; i < 6; i++) {
          const settled = await settle(transferRequest({ skill: 'support', hops: [SENDER, 'earlier'] }));
          expect(settled.kind).toBe('accepted');
          expect(['s1', 's2']).toContain((settled as { toBotId: string }).toBotId);
        }
        expect(sides.received.map((r) => r.toBotId).filter((botId) => botId !== 's1' && botId !== 's2'), 'received by a bot in hops or without the skill').toEqual([]);
      }),
    },
    {
      name: 'with toBotId (a group transfer), delivers to that bot and no other holder',
      run: withTransport({ first: ['support'], second: ['support'] }, async ({ sides, settle }) => {
        for (let i = 0; i < 3; i++) expect(await settle(transferRequest({ skill: 'support', toBotId: 'second', automatic: true }))).toEqual({ kind: 'accepted', toBotId: 'second' });
        expect(sides.received.map((r) => r.toBotId)).toEqual(['second', 'second', 'second']);
      }),
    },
    {
      name: 'with preferredBotId (an Agent Id), delivers to that bot when it is a live holder of the skill, else to another holder',
      run: withTransport({ first: ['support'], second: ['support'], elsewhere: ['billing'] }, async ({ sides, settle }) => {
        for (let i = 0; i < 3; i++) expect(await settle(transferRequest({ skill: 'support', preferredBotId: 'second' }))).toEqual({ kind: 'accepted', toBotId: 'second' });
        // Not live, not a holder of the skill, or the sender: any holder takes it.
        for (const preferredBotId of ['nobody', 'elsewhere', SENDER]) {
          const settled = await settle(transferRequest({ skill: 'support', preferredBotId }));
          expect(settled.kind).toBe('accepted');
          expect(['first', 'second']).toContain((settled as { toBotId: string }).toBotId);
        }
        expect(sides.received.map((r) => r.toBotId).filter((botId) => botId !== 'first' && botId !== 'second')).toEqual([]);
      }),
    },
    {
      name: "a receiver's refusal comes back to the sender as failed with the receiver's reason",
      run: withTransport({ billing: ['billing'] }, async ({ sides, settle }) => {
        sides.behave('billing', async () => ({ kind: 'failed', reason: TransferFailureReason.Rejected, message: 'at capacity' }));
        expect(await settle(transferRequest())).toEqual({ kind: 'failed', reason: TransferFailureReason.Rejected });
        expect(sides.received.map((r) => r.toBotId)).toEqual(['billing']);
      }),
    },
    {
      name: 'a receiver that does not answer: failed with timeout, not before transferTimeoutMs',
      run: withTransport({ billing: ['billing'] }, async ({ harness, sides, settle }) => {
        sides.behave('billing', sides.hang);
        const started = Date.now();
        expect(await settle(transferRequest())).toEqual({ kind: 'failed', reason: TransferFailureReason.Timeout });
        expect(Date.now() - started, 'waited at least transferTimeoutMs').toBeGreaterThanOrEqual(harness.transferTimeoutMs - 50);
      }),
    },
    {
      name: 'ping and close, where the transport has them, resolve; close twice is harmless',
      run: withTransport({}, async ({ harness }) => {
        await harness.transport.ping?.();
        await harness.transport.close?.();
        await harness.transport.close?.();
      }),
    },
  ];
}

/**
 * The contract every `TransferTransport` must meet, whether it answers at once (`accepted`/`failed`) or later
 * (`submitted`, then the receiving process settles it). `setup` makes a fresh transport for each check with a
 * short `transferTimeoutMs` and brings bot agents up on request: see {@link TransferTransportHarness}.
 */
export function describeTransferTransportContract(name: string, setup: () => Promise<TransferTransportHarness>, options: TransferTransportContractOptions = {}): void {
  describeChecks(`TransferTransport contract: ${name}`, transferTransportContractChecks(setup, options), 60_000);
}
