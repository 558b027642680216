import { injectable } from 'inversify';
import {
  BottangoError,
  BottangoErrorCode,
  TransferFailureReason,
  type TransferOutcome,
  type TransferReceiver,
  type TransferRequest,
  type TransferTransport,
} from '@bottango/core';

export interface InProcessTransportOptions {
  /** How long the receiver may take to accept and start; past it the transfer fails with `timeout`. Default 30 s. */
  readonly timeoutMs?: number;
}

/** Delivers transfers to bots running in the same process. */
@injectable()
export class InProcessTransferTransport implements TransferTransport {
  readonly id = 'in-process';
  #receiver: TransferReceiver | undefined;
  readonly #timeoutMs: number;

  constructor(options: InProcessTransportOptions = {}) {
    this.#timeoutMs = options.timeoutMs ?? 30_000;
  }

  attach(receiver: TransferReceiver): void {
    this.#receiver = receiver;
  }

  async deliver(request: TransferRequest): Promise<TransferOutcome> {
    const receiver = this.#receiver;
    if (!receiver) throw new BottangoError(BottangoErrorCode.TransferFailed, 'in-process transport has no receiver attached');
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<TransferOutcome>((resolve) => {
      timer = setTimeout(
        () => resolve({ kind: 'failed', reason: TransferFailureReason.Timeout, message: `bot "${request.toBotId}" did not accept within ${this.#timeoutMs} ms` }),
        this.#timeoutMs,
      );
    });
    try {
      return await Promise.race([receiver.receiveTransfer(request), timeout]);
    } finally {
      clearTimeout(timer);
    }
  }
}
