import type { ConversationEvent } from './events.js';
import type { TangoContext } from './tango-context.js';

/** One message of a conversation's transcript, as a receiver may see it. */
export interface TranscriptEntry {
  readonly from: 'user' | 'bot';
  /** Bot that sent it (for `from: 'bot'`). */
  readonly botId?: string;
  readonly text: string;
  /** Messages the platform injected (e.g. `__agent_escalation_failed__`) are marked. */
  readonly system?: boolean;
}

/**
 * An escalation handed to the transport: the conversation goes to a bot agent holding `skill`, which the transport
 * picks (it knows which agents are live, possibly in other processes), never one of `hops`.
 */
export interface TransferRequest {
  /** Unique per transfer: the idempotency key a redelivered transfer is recognised by. */
  readonly transferId: string;
  readonly conversationId: string;
  readonly userId: string;
  readonly fromBotId: string;
  readonly skill: string;
  /** Only for a bot-group automatic transfer, which chose the bot by its intents: that bot and no other. */
  readonly toBotId?: string;
  /**
   * The escalation's Agent Id (spec 3.2): the transport gives the conversation to this bot when it is a live holder of
   * `skill` that accepts transfers and is not excluded (the sender, `hops`); otherwise to any holder of the skill.
   */
  readonly preferredBotId?: string;
  /** Present only when the escalation has Tango Context switched on. */
  readonly tangoContext?: TangoContext;
  /** The last messages of the conversation, oldest first. */
  readonly transcript: readonly TranscriptEntry[];
  /** Set for a bot-group automatic transfer. */
  readonly automatic?: boolean;
  /** Bots that already held the conversation during this user turn, in order; the receiver must not be one of them. */
  readonly hops?: readonly string[];
  /**
   * How long the sender waits for a bot agent to take the transfer before it fails with `timeout` (the sending bot's
   * `fallbackEscalationTime`). Absent: the transport's own timeout.
   */
  readonly timeoutMs?: number;
}

export const TransferFailureReason = {
  /** No bot agent holding the skill is connected. */
  NoAgentAvailable: 'no-agent-available',
  /** The receiving bot refused the conversation. */
  Rejected: 'rejected',
  /** The receiving bot did not respond in time. */
  Timeout: 'timeout',
  /** The skill is not a skill: empty, or a `{$botContext.…}` variable left unset (a well-formed skill nobody holds is `no-agent-available`). */
  UnknownSkill: 'unknown-skill',
  /** The bot tried to transfer to a skill it holds itself, or back to a bot the conversation already left in this turn. */
  Loop: 'transfer-loop',
} as const;
export type TransferFailureReason = (typeof TransferFailureReason)[keyof typeof TransferFailureReason];

export type TransferOutcome =
  | { readonly kind: 'accepted'; readonly toBotId: string }
  | { readonly kind: 'failed'; readonly reason: TransferFailureReason; readonly message: string }
  /**
   * The transport took the transfer and settles it later (the receiver runs in another process): the receiver commits
   * the conversation when it starts, or the sender gets the failure back by `deadline` (epoch ms) at the latest.
   */
  | { readonly kind: 'submitted'; readonly deadline: number }
  /** The conversation no longer waits for this transfer (it was settled already, or redelivered): nothing to do. */
  | { readonly kind: 'stale'; readonly message: string };

/** The receiving side a transport delivers to. The runtime implements it. */
export interface TransferReceiver {
  /** Bot `toBotId` (chosen by the transport among the holders of `request.skill`) takes the conversation. */
  receiveTransfer(request: TransferRequest, toBotId: string): Promise<TransferOutcome>;
}

/** Extension point: how a transfer reaches the receiving bot (in-process by default). */
export const TransferTransport = Symbol.for('@bottango/core/TransferTransport');

export interface TransferTransport {
  readonly id: string;
  /**
   * Picks a live bot agent holding the skill (`request.toBotId` when set) and delivers the transfer. Resolves when the
   * receiver accepted or failed, or with `submitted` when the outcome comes later. Never rejects for a refusal.
   */
  deliver(request: TransferRequest): Promise<TransferOutcome>;
  /** Called by the runtime at start so the transport knows where to deliver. */
  attach(receiver: TransferReceiver): void;
  /**
   * For transports whose bots run in other processes: hands a user message to the process running the conversation's
   * owner and resolves with the events it caused, once the conversation has settled (no transfer in flight). The runtime
   * calls it one message at a time per conversation, so each call's events are its own.
   */
  sendMessage?(conversationId: string, ownerBotId: string, text: string): Promise<ConversationEvent[]>;
  /**
   * For transports whose bots run in other processes: calls `onEvent` with each event of the conversation as it is
   * published, with its ID, starting after `afterId` (undefined: from now), until `signal` aborts. A front's live view;
   * a client that reconnects passes the last ID it saw and misses nothing.
   */
  followEvents?(conversationId: string, afterId: string | undefined, onEvent: (event: ConversationEvent, id: string) => void, signal: AbortSignal): Promise<void>;
  /** Drops what the transport keeps for a conversation that was deleted (message numbering, events). Optional. */
  forgetConversation?(conversationId: string): Promise<void>;
  /** Resolves when the transport's backend answers, rejects with the reason otherwise (readiness checks). Optional. */
  ping?(): Promise<void>;
  /** Stops consuming and releases connections. Optional. */
  close?(): Promise<void>;
}
