import {
  BottangoError,
  BottangoErrorCode,
  TransferFailureReason,
  systemClock,
  type Clock,
  type ClockTimer,
  type TransferOutcome,
  type TransferReceiver,
  type TransferRequest,
  type TransferTransport,
} from '@bottango/core';
import type { AgentDirectory } from './agent-directory.js';

export interface InProcessTransportOptions {
  /**
   * How long the receiver may take to accept and start, for requests without `timeoutMs`; past it the transfer fails
   * with `timeout`. Default 180 000 ms (the spec's `fallbackEscalationTime`, 3 minutes).
   */
  readonly timeoutMs?: number;
  /** Time for the timeout. Default `systemClock`. */
  readonly clock?: Clock;
}

/** Delivers transfers to bots running in the same process, picking a connected holder of the skill in turn. */
export class InProcessTransferTransport implements TransferTransport {
  readonly id = 'in-process';
  #receiver: TransferReceiver | undefined;
  readonly #directory: AgentDirectory;
  readonly #timeoutMs: number;
  readonly #clock: Clock;

  constructor(directory: AgentDirectory, options: InProcessTransportOptions = {}) {
    this.#directory = directory;
    this.#timeoutMs = options.timeoutMs ?? 180_000;
    this.#clock = options.clock ?? systemClock;
  }

  attach(receiver: TransferReceiver): void {
    this.#receiver = receiver;
  }

  async deliver(request: TransferRequest): Promise<TransferOutcome> {
    const receiver = this.#receiver;
    if (!receiver) throw new BottangoError(BottangoErrorCode.TransferFailed, 'in-process transport has no receiver attached');
    const excluded = [request.fromBotId, ...(request.hops ?? [])];
    const toBotId = request.toBotId ?? this.#preferred(request, excluded) ?? this.#directory.pick(request.skill, excluded);
    if (toBotId === undefined) {
      return { kind: 'failed', reason: TransferFailureReason.NoAgentAvailable, message: `no connected bot agent holds skill "${request.skill}"` };
    }
    const timeoutMs = request.timeoutMs ?? this.#timeoutMs;
    let timer: ClockTimer | undefined;
    const timeout = new Promise<TransferOutcome>((resolve) => {
      timer = this.#clock.setTimeout(
        () => resolve({ kind: 'failed', reason: TransferFailureReason.Timeout, message: `bot "${toBotId}" did not accept within ${timeoutMs} ms` }),
        timeoutMs,
      );
    });
    try {
      return await Promise.race([receiver.receiveTransfer(request, toBotId), timeout]);
    } finally {
      if (timer !== undefined) this.#clock.clearTimeout(timer);
    }
  }

  /** The Agent Id, when it holds the skill, is connected, accepts transfers and is not excluded. */
  #preferred(request: TransferRequest, excluded: readonly string[]): string | undefined {
    const botId = request.preferredBotId;
    if (botId === undefined || excluded.includes(botId) || !this.#directory.holders(request.skill).includes(botId)) return undefined;
    const status = this.#directory.status(botId);
    return status?.connected && status.acceptsTransfers ? botId : undefined;
  }
}
