import { randomUUID } from 'node:crypto';
import {
  AGENT_ESCALATION_FAILED,
  BLANK_MESSAGE,
  BottangoError,
  BottangoErrorCode,
  DEFAULT_ESCALATION_FINAL_MESSAGE,
  DEFAULT_FALLBACK_MESSAGE,
  SET_USER_PROFILE,
  fileUploadMessage,
  parseSystemCommand,
  TransferFailureReason,
  isEmptyTangoContext,
  resolveAgentConnector,
  type AgentTransferInteraction,
  type BotGroupDefinition,
  type BotScript,
  type Clock,
  type ContextStore,
  type ConversationEvent,
  type ConversationState,
  type ConversationStateStore,
  type DialogFrame,
  type DialogTrigger,
  type Logger,
  type TangoContext,
  type TransferOutcome,
  type TransferReceiver,
  type TransferRequest,
  type TransferTransport,
  type JsonValue,
} from '@bottango/core';
import type { AgentDirectory, AgentStatus } from './agent-directory.js';
import { BotContextImpl } from './bot-context-impl.js';
import type { CompiledBot, CompiledDialog, StarterMatch } from './compiled-bot.js';
import { checkGroup, rankGroupCandidates, type GroupCandidate, type GroupCheckReport, type GroupClassifier } from './group-routing.js';
import type { ConversationStep, MessageStepResult } from './conversation-step.js';
import { putAsidePendingContext, takeBackPendingContext } from './dialog-context.js';
import { ConversationTimers, MessageJoiner, sleep, withLineBreaks } from './connector.js';
import { SerialQueue } from './serial-queue.js';
import { lastUserMessage, lastUtterance, newTurn, replaceTop, top, type Turn } from './turn.js';
import { environmentValue, loadForeverVariables, skipsPreviousDialog, splitBotText, transferArrival } from './scripting-support.js';

export type ConversationEventListener = (event: ConversationEvent) => void;

export interface StartConversationOptions {
  /** Bot that answers first. */
  readonly botId: string;
  readonly userId?: string;
  readonly conversationId?: string;
  /** Stored with the conversation's state (`ConversationState.metadata`) and kept across transfers. */
  readonly metadata?: Record<string, JsonValue>;
}

/** Everything the runtime wires together; built by `createRuntime`. */
export interface RuntimeParts {
  readonly bots: ReadonlyMap<string, CompiledBot>;
  readonly groups: ReadonlyMap<string, BotGroupDefinition>;
  /** Per group: the classifier over all members' intents that automatic transfer ranks by (absent: members' own). */
  readonly groupClassifiers: ReadonlyMap<string, GroupClassifier>;
  readonly store: ContextStore;
  readonly states: ConversationStateStore;
  readonly transport: TransferTransport;
  readonly directory: AgentDirectory;
  readonly logger: Logger;
  /** Time for every timer and timestamp of the runtime. */
  readonly clock: Clock;
  readonly maxEscalationRetries: number;
  readonly transcriptLimit: number;
  /** Environment variables for every bot's `getEnvVariable`, over each bot file's `environment:`. */
  readonly environment?: Readonly<Record<string, string>>;
  /** Bots this process runs; the others run elsewhere and are reached through the transport. Undefined: all. */
  readonly localBots?: ReadonlySet<string>;
  readonly plugins: readonly RuntimePluginInfo[];
  readonly onClose: () => Promise<void>;
}

/** A plugin package a runtime loaded (by name, or bundled with the runtime). */
export interface RuntimePluginInfo {
  readonly package: string;
  readonly name: string;
  readonly version: string | undefined;
  /** Loaded by the runtime itself because no plugin replaced it (the pattern matcher). */
  readonly bundled: boolean;
}

/** Conversations whose owner a front remembers (the least recently used is forgotten first). */
const MAX_REMEMBERED_OWNERS = 10_000;

/** The connector's greeting goes this long after a bot joined with nothing to act on (spec 1.3: 3 s, not adjustable). */
const GREETING_AFTER_MS = 3_000;

/** The dialog name of what a stuck conversation says (`#escalate` only reads a dialog's name). */
const STUCK = '(stuck conversation)';

/** What `#deliver` resolves with (`stale` comes back as a failure). */
type Delivered = Exclude<TransferOutcome, { kind: 'stale' }>;

/** Timed-out transfers remembered so their late receiver does not take the conversation (the oldest go first). */
const MAX_ABANDONED_TRANSFERS = 10_000;

/** Steps one turn may run before the runtime decides a dialog loops forever. */
const MAX_STEPS_PER_TURN = 50;

/**
 * A running set of bots. `send` handles one user message and resolves with every event it caused,
 * including what receiving bots did after a transfer. Messages of one conversation run strictly in order.
 */
export class BottangoRuntime implements TransferReceiver {
  readonly #parts: RuntimeParts;
  readonly #queue = new SerialQueue();
  readonly #listeners = new Set<ConversationEventListener>();
  /** Events of the turn in progress, per conversation. */
  readonly #collectors = new Map<string, ConversationEvent[]>();
  /** Turns waiting on a transfer in this process, by transfer ID: a receiver's events go out through them, in order. */
  readonly #senders = new Map<string, Turn>();
  /** Transfers the sender gave up on (timeout): their receiver must not take the conversation. */
  readonly #abandoned = new Set<string>();
  /** A front's last known owner of each conversation it sent to (bounded). */
  readonly #remoteOwners = new Map<string, string>();
  /** Greetings waiting for their 3 seconds, per conversation (a user message cancels them). */
  readonly #greetings: ConversationTimers;
  /** Receivers' turns that ended with nothing to act on: a greeting is due once they are stored. */
  readonly #greetingDue = new WeakSet<Turn>();
  /** User messages waiting to be joined (`messageDelay`). */
  readonly #joiner: MessageJoiner<ConversationEvent[]>;
  /** Some bot joins messages (no state is read before each `send` otherwise). */
  readonly #joinsMessages: boolean;
  #closed = false;
  readonly #closing = new AbortController();

  /** @internal Made by `createRuntime()`, which wires the parts. */
  constructor(parts: RuntimeParts) {
    this.#parts = parts;
    this.#greetings = new ConversationTimers(parts.clock);
    this.#joiner = new MessageJoiner(parts.clock);
    this.#joinsMessages = [...parts.bots.values()].some((b) => resolveAgentConnector(b.definition.connector).messageDelay > 0);
    parts.transport.attach(this);
  }

  get store(): ContextStore {
    return this.#parts.store;
  }

  /** How transfers (and, across processes, user messages) travel; a bot agent process consumes through it. */
  get transport(): TransferTransport {
    return this.#parts.transport;
  }

  /** The plugins loaded by package name, and the bundled ones no plugin replaced. */
  get plugins(): readonly RuntimePluginInfo[] {
    return this.#parts.plugins;
  }

  get botIds(): readonly string[] {
    return [...this.#parts.bots.keys()];
  }

  bot(botId: string): CompiledBot {
    const bot = this.#parts.bots.get(botId);
    if (!bot) throw new BottangoError(BottangoErrorCode.UnknownBot, `no bot "${botId}" (bots: ${this.botIds.join(', ')})`);
    return bot;
  }

  get groups(): ReadonlyMap<string, BotGroupDefinition> {
    return this.#parts.groups;
  }

  /** Listens to every event of every conversation. Returns a function that stops listening. */
  onEvent(listener: ConversationEventListener): () => void {
    this.#listeners.add(listener);
    return () => this.#listeners.delete(listener);
  }

  /** Connects or disconnects a bot agent, or makes it refuse transfers. */
  setAgentStatus(botId: string, status: Partial<AgentStatus>): void {
    this.bot(botId);
    this.#parts.directory.setStatus(botId, status);
  }

  agentStatus(botId: string): AgentStatus | undefined {
    return this.#parts.directory.status(botId);
  }

  async startConversation(options: StartConversationOptions): Promise<string> {
    this.#assertOpen();
    this.bot(options.botId);
    const id = options.conversationId ?? randomUUID();
    if (options.conversationId !== undefined && (await this.#parts.states.load(id))) {
      throw new BottangoError(BottangoErrorCode.InvalidConfiguration, `conversation "${id}" already exists`);
    }
    const state: ConversationState = {
      id,
      userId: options.userId ?? `user-${id}`,
      ownerBotId: options.botId,
      dialogStack: [],
      variables: {},
      pendingTangoContext: {},
      escalationFailures: 0,
      transcript: [],
      turns: 0,
      ...(options.metadata !== undefined ? { metadata: options.metadata } : {}),
    };
    state.version = await this.#parts.states.save(state);
    if (this.#parts.localBots?.size === 0) this.#rememberOwner(id, options.botId);
    return id;
  }

  getConversation(conversationId: string): Promise<ConversationState | undefined> {
    return this.#parts.states.load(conversationId);
  }

  /** Removes the conversation's state and what the transport keeps of it (its Context Session Store entries are the caller's to delete). */
  async deleteConversation(conversationId: string): Promise<void> {
    this.#assertOpen();
    await this.#parts.states.delete(conversationId);
    await this.#parts.transport.forgetConversation?.(conversationId);
    this.#remoteOwners.delete(conversationId);
  }

  /**
   * Handles one user message; resolves with the events it caused, in order. When the conversation's owner runs in
   * another process, the transport hands the message over and resolves with what that process reports.
   */
  async send(conversationId: string, text: string): Promise<ConversationEvent[]> {
    this.#assertOpen();
    this.#greetings.clear(conversationId);
    const delay = this.#joinsMessages ? await this.#messageDelay(conversationId) : 0;
    // close() may have run while the delay was looked up: nothing may start (or arm a timer) after it.
    this.#assertOpen();
    if (delay > 0) return this.#joiner.join(conversationId, text, delay, (joined) => this.#sendNow(conversationId, joined));
    return this.#sendNow(conversationId, text);
  }

  /** The `messageDelay` of the bot holding the conversation (0 for an unknown conversation: `send` then says so). */
  async #messageDelay(conversationId: string): Promise<number> {
    const owner = this.#remoteOwners.get(conversationId) ?? (await this.#parts.states.load(conversationId))?.ownerBotId;
    const bot = owner === undefined ? undefined : this.#parts.bots.get(owner);
    return bot ? resolveAgentConnector(bot.definition.connector).messageDelay : 0;
  }

  #sendNow(conversationId: string, text: string): Promise<ConversationEvent[]> {
    return this.#queue.run(conversationId, async () => {
      const transport = this.#parts.transport;
      const localBots = this.#parts.localBots;
      // A front (no local bot) remembers owners; a stale one costs the owner's process a forward, nothing else.
      const remembered = localBots?.size === 0 ? this.#remoteOwners.get(conversationId) : undefined;
      const state = remembered === undefined ? await this.#load(conversationId) : undefined;
      const owner = remembered ?? (state as ConversationState).ownerBotId;
      if (localBots && !localBots.has(owner) && transport.sendMessage) {
        const events = await transport.sendMessage(conversationId, owner, text);
        if (localBots.size === 0) this.#rememberOwner(conversationId, events.findLast((e) => e.type === 'transfer')?.toBotId ?? owner);
        for (const event of events) this.#emit(event);
        return events;
      }
      return this.#localUserTurn(state ?? (await this.#load(conversationId)), text);
    });
  }

  /**
   * A user message to a bot of this process. One it cannot handle (an error that does not pass by itself) goes to the
   * caller, unless the bot's connector handles stuck conversations (spec 3.4): then the message is tried again
   * `messageResendMaxRetries` times, `retryMessageInterval` apart, and if it still fails the user is asked to try again
   * (`userRetryOnStuckConversation`) or the conversation is transferred (`escalateOnStuckConversation`).
   */
  async #localUserTurn(state: ConversationState, text: string): Promise<ConversationEvent[]> {
    const connector = resolveAgentConnector(this.bot(state.ownerBotId).definition.connector);
    const handlesStuck = connector.escalateOnStuckConversation || connector.userRetryOnStuckConversation !== undefined;
    for (let attempt = 0; ; attempt++) {
      try {
        if (!handlesStuck) return (await this.#userTurn(state, text, false)).events;
        // Attempts that fail are tried again: their events must not reach listeners, or each retry would repeat them.
        const turn = await this.#userTurn(state, text, false, false, true);
        for (const event of turn.events) this.#emit(event);
        return turn.events;
      } catch (error) {
        if (!handlesStuck || isTransient(error)) throw error;
        if (attempt >= connector.messageResendMaxRetries) return this.#stuck(await this.#load(state.id), text, error);
        await sleep(this.#parts.clock, connector.retryMessageInterval, this.#closing.signal);
        state = await this.#load(state.id);
      }
    }
  }

  /**
   * A stuck conversation: its dialogs are dropped (whatever state made the message fail), and the user is asked to try
   * again, or the conversation goes to `escalationSkillIdOnStuckConversation` with `escalationMessageOnStuckConversation`
   * (no skill: the final escalation message, as when retries run out).
   */
  async #stuck(state: ConversationState, text: string, error: unknown): Promise<ConversationEvent[]> {
    const bot = this.bot(state.ownerBotId);
    const connector = resolveAgentConnector(bot.definition.connector);
    const events: ConversationEvent[] = [];
    this.#collectors.set(state.id, events);
    try {
      state.dialogStack = [];
      const turn = newTurn(state, text, [bot.id], { events, outbox: false });
      this.#out(turn, { type: 'user-message', conversationId: state.id, text });
      this.#record(state, { from: 'user', text });
      const reason = error instanceof Error ? error.message : String(error);
      this.#out(turn, { type: 'error', conversationId: state.id, botId: bot.id, code: BottangoError.is(error) ? error.code : BottangoErrorCode.MessageFailed, message: `stuck conversation: the message could not be handled: ${reason}` });
      const skill = connector.escalationSkillIdOnStuckConversation;
      if (connector.userRetryOnStuckConversation !== undefined) this.#say(turn, bot, STUCK, connector.userRetryOnStuckConversation);
      else if (skill === undefined) await this.#finalEscalationFailure(turn, bot, '', 'stuck conversation, and the connector has no escalationSkillIdOnStuckConversation');
      else await this.#escalate(turn, bot, { name: STUCK } as CompiledDialog, { type: 'agentTransfer', skill, message: connector.escalationMessageOnStuckConversation ?? BLANK_MESSAGE, tangoContext: false });
      await this.#drainInjected(turn);
      if (!turn.transferred) await this.#commit(turn);
      return events;
    } finally {
      this.#collectors.delete(state.id);
    }
  }

  /**
   * The platform's message to the bot after the user uploaded a file (spec 3.6): `file_upload_success:<message>` or
   * `file_upload_failed:<message>`, handled like `__agent_escalation_failed__` — as if the user typed it (dialog-starter
   * patterns such as `file_upload_success:*`, a waiting question's conditions), but never as the user's own text (no
   * group search, no context switching, skipped as "the last user message"). Only for a conversation whose owner runs
   * in this process.
   */
  async fileUploaded(conversationId: string, upload: { readonly success: boolean; readonly message: string }): Promise<ConversationEvent[]> {
    this.#assertOpen();
    return this.#queue.run(conversationId, async () => {
      const state = await this.#load(conversationId);
      if (this.#parts.localBots && !this.#parts.localBots.has(state.ownerBotId)) {
        throw new BottangoError(BottangoErrorCode.InvalidConfiguration, `conversation "${conversationId}" is held by bot "${state.ownerBotId}", which runs in another process: report the upload there`);
      }
      return (await this.#userTurn(state, fileUploadMessage(upload.success, upload.message), false, true)).events;
    });
  }

  /**
   * A user message a transport delivered to `botId` with its per-conversation sequence number: applied exactly once
   * and in order — an earlier message or a transfer in flight makes it wait, a redelivery is recognised by `seq`.
   */
  applyMessage(conversationId: string, botId: string, text: string, seq: number): Promise<MessageStepResult> {
    this.#assertOpen();
    return this.#queue.run(conversationId, async (): Promise<MessageStepResult> => {
      const state = await this.#load(conversationId);
      const applied = state.appliedSeq ?? 0;
      if (seq <= applied) return { kind: 'duplicate', state };
      if (seq > applied + 1) return { kind: 'wait', reason: `message ${applied + 1} of conversation "${conversationId}" is not applied yet (this is ${seq})`, state };
      if (state.transferring) return { kind: 'wait', reason: `transfer ${state.transferring.transferId} to skill "${state.transferring.skill}" is in flight`, state };
      if (state.ownerBotId !== botId) return { kind: 'not-owner', state };
      state.appliedSeq = seq;
      const before = state.outbox;
      try {
        const turn = await this.#userTurn(state, text, true);
        return { kind: 'applied', state: turn.state, events: turn.events, firstEvent: turn.firstEvent, ...(before ? { before } : {}) };
      } catch (error) {
        if (isTransient(error)) throw error;
        // A message the bot cannot handle (e.g. its state names a dialog the redeployed bot no longer has) is still
        // applied, as an error, so the conversation's later messages do not wait for it forever.
        return { kind: 'applied', ...(await this.#applyAsError(conversationId, seq, error)), ...(before ? { before } : {}) };
      }
    });
  }

  async #applyAsError(conversationId: string, seq: number, error: unknown): Promise<ConversationStep> {
    const state = await this.#load(conversationId);
    state.appliedSeq = seq;
    // Whatever dialog state made it fail is dropped: the next message starts afresh.
    state.dialogStack = [];
    const event: ConversationEvent = {
      type: 'error',
      conversationId,
      botId: state.ownerBotId,
      code: BottangoError.is(error) ? error.code : BottangoErrorCode.MessageFailed,
      message: `message ${seq} could not be handled: ${error instanceof Error ? error.message : String(error)}`,
    };
    this.#parts.logger.error(event.message, { conversationId });
    const turn = newTurn(state, '', [state.ownerBotId], { events: [event], outbox: true });
    await this.#commit(turn);
    this.#emit(event);
    return { state: turn.state, events: turn.events, firstEvent: turn.firstEvent };
  }

  /**
   * A transfer that came back failed or timed out after its sender's step ended (`submitted`): the sender gets
   * `__agent_escalation_failed__` as with any late failure. Undefined when the conversation no longer waits for it.
   */
  settleTransfer(conversationId: string, transferId: string, failure: { readonly reason: TransferFailureReason; readonly message: string }): Promise<ConversationStep | undefined> {
    this.#assertOpen();
    return this.#queue.run(conversationId, async () => {
      const state = await this.#load(conversationId);
      const pending = state.transferring;
      if (pending?.transferId !== transferId) return undefined;
      delete state.transferring;
      const before = state.outbox;
      const events: ConversationEvent[] = [];
      this.#collectors.set(conversationId, events);
      try {
        const turn = newTurn(state, lastUserMessage(state) ?? '', [state.ownerBotId], { events, outbox: true });
        const bot = this.bot(state.ownerBotId);
        // Across processes the Tango Context is not kept with the pending transfer: the fallback skill gets none.
        const next = await this.#tryFallbackSkill(turn, bot, pending.skill, { kind: 'failed', ...failure }, undefined);
        if (next.outcome.kind === 'failed') await this.#lateFailure(turn, bot, next.skill, next.outcome);
        await this.#drainInjected(turn);
        if (!turn.transferred) await this.#commit(turn);
        return { state: turn.state, events, firstEvent: turn.firstEvent, ...(before ? { before } : {}) };
      } finally {
        this.#collectors.delete(conversationId);
      }
    });
  }

  /** A transfer a transport delivered from another process: `receiveTransfer`, in the conversation's order, with what was stored. */
  acceptTransfer(request: TransferRequest, toBotId: string): Promise<{ readonly outcome: TransferOutcome; readonly step?: ConversationStep }> {
    this.#assertOpen();
    return this.#queue.run(request.conversationId, () => this.#receive(request, toBotId, true));
  }

  async close(): Promise<void> {
    if (this.#closed) return;
    this.#closed = true;
    // Waits (stuck-conversation retries, interaction delays) end now instead of holding the close for minutes.
    this.#closing.abort();
    // Messages waiting to be joined are handled; greetings not yet due are dropped, also those armed by work that
    // was still queued when close began.
    this.#joiner.flushAll();
    await this.#queue.idle();
    this.#joiner.flushAll();
    await this.#queue.idle();
    this.#greetings.clearAll();
    await this.#parts.onClose();
  }

  // ---- receiving a transfer (TransferReceiver) ----

  async receiveTransfer(request: TransferRequest, toBotId: string): Promise<TransferOutcome> {
    return (await this.#receive(request, toBotId, false)).outcome;
  }

  async #receive(request: TransferRequest, toBotId: string, outbox: boolean): Promise<{ outcome: TransferOutcome; step?: ConversationStep }> {
    const bot = this.#parts.bots.get(toBotId);
    const status = this.#parts.directory.status(toBotId);
    if (!bot || !status?.connected) {
      return { outcome: { kind: 'failed', reason: TransferFailureReason.NoAgentAvailable, message: `bot "${toBotId}" is not connected` } };
    }
    if (!status.acceptsTransfers) {
      return { outcome: { kind: 'failed', reason: TransferFailureReason.Rejected, message: `bot "${toBotId}" refused the conversation` } };
    }
    if (request.hops?.includes(bot.id)) {
      return { outcome: { kind: 'failed', reason: TransferFailureReason.Loop, message: `the conversation already left bot "${bot.id}" in this turn (${[...request.hops, bot.id].join(' → ')})` } };
    }
    const previous = await this.#parts.states.load(request.conversationId);
    if (!previous) return { outcome: { kind: 'failed', reason: TransferFailureReason.Rejected, message: `conversation "${request.conversationId}" not found` } };
    // A redelivered transfer, or one its sender stopped waiting for, finds the conversation no longer waiting on it.
    if (previous.transferring?.transferId !== request.transferId) {
      return { outcome: { kind: 'stale', message: `conversation "${request.conversationId}" is not waiting for transfer ${request.transferId}` } };
    }
    // The receiver is a different bot: it inherits the transcript, never the sender's variables or dialogs.
    const state: ConversationState = {
      id: previous.id,
      userId: previous.userId,
      ownerBotId: bot.id,
      dialogStack: [],
      variables: {},
      pendingTangoContext: {},
      escalationFailures: 0,
      transcript: previous.transcript,
      turns: previous.turns,
      // The consumer's profile is the platform's, not the sender's: it stays with the conversation.
      ...(previous.userProfile !== undefined ? { userProfile: previous.userProfile } : {}),
      ...transferArrival(request, previous, this.#parts.bots.get(request.fromBotId)?.definition.skills[0]),
      ...(previous.metadata !== undefined ? { metadata: previous.metadata } : {}),
      ...(previous.version !== undefined ? { version: previous.version } : {}),
      ...(previous.appliedSeq !== undefined ? { appliedSeq: previous.appliedSeq } : {}),
      ...(previous.eventCount !== undefined ? { eventCount: previous.eventCount } : {}),
    };
    // The receiver's events are held until its transfer is known to stand.
    const held: ConversationEvent[] = [];
    const turn = newTurn(state, '', [...(request.hops ?? [request.fromBotId]), bot.id], { held, events: held, outbox });
    this.#out(turn, {
      type: 'transfer',
      conversationId: state.id,
      transferId: request.transferId,
      fromBotId: request.fromBotId,
      toSkill: request.skill,
      toBotId: bot.id,
      ...(request.tangoContext ? { context: request.tangoContext } : {}),
      automatic: request.automatic === true,
    });
    await this.#beginConversation(turn, bot);
    await this.#startAfterTransfer(turn, bot, request.tangoContext);
    await this.#drainInjected(turn);
    // A sender that stopped waiting (timeout) keeps the conversation: drop what this receiver did.
    if (this.#abandoned.delete(request.transferId)) {
      return { outcome: { kind: 'failed', reason: TransferFailureReason.Timeout, message: `bot "${bot.id}" finished after the sender stopped waiting` } };
    }
    if (!turn.transferred) await this.#commit(turn);
    if (this.#greetingDue.delete(turn) && !turn.transferred) {
      const turns = turn.state.turns;
      this.#greetings.set(state.id, GREETING_AFTER_MS, () => this.#greet(state.id, bot.id, turns));
    }
    const sender = this.#senders.get(request.transferId);
    for (const event of held) {
      if (sender) this.#out(sender, event);
      else this.#emit(event);
    }
    const before = previous.outbox;
    return { outcome: { kind: 'accepted', toBotId: bot.id }, step: { state: turn.state, events: held, firstEvent: turn.firstEvent, ...(before ? { before } : {}) } };
  }

  /**
   * The receiver's rules: a known intent ID starts its dialog with no matching; else a user message is matched
   * like any message (patterns, then intents; fallback if nothing matches); else (no context, empty context,
   * unknown intent and no message) the ordinary flow: the last message the *user* sent is handled as usual —
   * the sender's own messages, including its transfer message, are skipped (`skipAgentMessage`).
   */
  async #startAfterTransfer(turn: Turn, bot: CompiledBot, context: TangoContext | undefined): Promise<void> {
    const intentId = context?.intentId?.trim();
    if (intentId) {
      const dialog = bot.dialogForIntent(intentId);
      if (dialog) {
        turn.currentUserMessage = context?.userMessage ?? lastUserMessage(turn.state) ?? '';
        await this.#startDialog(turn, bot, dialog, { by: 'tango-intent', intentId }, true);
        return;
      }
      this.#parts.logger.info(`bot "${bot.id}" has no dialog for transferred intent "${intentId}"; trying the user message`, { conversationId: turn.state.id });
    }
    const message = context?.userMessage?.trim();
    if (message) {
      turn.currentUserMessage = message;
      await this.#route(turn, bot, message, { afterTransfer: true, searchGroup: false });
      return;
    }
    const connector = resolveAgentConnector(bot.definition.connector);
    const last = isEmptyTangoContext(context) || intentId ? lastUtterance(turn.state, connector.skipAgentMessage) : undefined;
    if (last === undefined) {
      // Nothing to act on: the connector's greeting, 3 s after the bot joined unless the user writes first (spec 1.3).
      // Across processes (a transport's step) it goes at once: a bot agent publishes steps only when something arrives.
      if (connector.disableGreetings) return;
      if (!turn.outbox) {
        this.#greetingDue.add(turn);
        return;
      }
    }
    const text = last ?? connector.defaultGreetingMessage;
    turn.currentUserMessage = text;
    await this.#route(turn, bot, text, { afterTransfer: true, searchGroup: false });
  }

  /** The greeting of a bot that took a conversation with nothing to act on, if no user message came since (`turns`). */
  #greet(conversationId: string, botId: string, turns: number): void {
    if (this.#closed) return;
    void this.#queue
      .run(conversationId, async () => {
        const state = await this.#parts.states.load(conversationId);
        if (!state || state.ownerBotId !== botId || state.turns !== turns || state.transferring) return;
        await this.#userTurn(state, resolveAgentConnector(this.bot(botId).definition.connector).defaultGreetingMessage, false, true);
      })
      .catch((error: unknown) => this.#parts.logger.error(`greeting failed: ${error instanceof Error ? error.message : String(error)}`, { conversationId }));
  }

  // ---- a turn ----

  async #load(conversationId: string): Promise<ConversationState> {
    const state = await this.#parts.states.load(conversationId);
    if (!state) throw new BottangoError(BottangoErrorCode.UnknownConversation, `no conversation "${conversationId}"`);
    return state;
  }

  /** One user message; with `hold`, its events reach listeners only if it succeeds (the caller emits them). */
  async #userTurn(state: ConversationState, text: string, outbox: boolean, system = false, hold = false): Promise<Turn> {
    const events: ConversationEvent[] = [];
    this.#collectors.set(state.id, events);
    try {
      const turn = newTurn(state, text, [state.ownerBotId], { events, ...(hold ? { held: events } : {}), outbox });
      if (state.turns === 0) await this.#beginConversation(turn, this.bot(state.ownerBotId));
      await this.#handleMessage(turn, text, system);
      await this.#drainInjected(turn);
      if (!turn.transferred) await this.#commit(turn);
      return turn;
    } finally {
      this.#collectors.delete(state.id);
    }
  }

  async #drainInjected(turn: Turn): Promise<void> {
    while (turn.injected.length > 0 && !turn.transferred) {
      const text = turn.injected.shift() as string;
      await this.#handleMessage(turn, text, true);
    }
  }

  async #handleMessage(turn: Turn, text: string, system: boolean): Promise<void> {
    const state = turn.state;
    turn.currentUserMessage = text;
    turn.requestVariables.clear();
    this.#out(turn, { type: 'user-message', conversationId: state.id, text, ...(system ? { system: true as const } : {}) });
    this.#record(state, { from: 'user', text, ...(system ? { system: true } : {}) });
    state.turns++;
    const bot = this.bot(state.ownerBotId);

    if (state.disambiguation && !system) {
      const handled = await this.#answerDisambiguation(turn, bot, text);
      if (handled) return;
    }

    const frame = top(state);
    if (frame?.awaitingAnswer) {
      const dialog = this.#dialog(bot, frame);
      const question = dialog.definition.interactions[frame.position];
      if (question?.type === 'question') {
        // Response conditions come first (they restrict context switching), then context switching (spec 5.7).
        // Conditions see platform messages too (a `file_upload_success:*` pattern answers "please upload your receipt").
        const condition = bot.answerCondition(dialog, frame.position, text);
        if (!condition && question.contextSwitching !== false && !system) {
          const match = bot.matchStarter(text);
          if ((match.kind === 'pattern' || match.kind === 'intent') && match.dialog.name !== frame.dialog) {
            await this.#startDialog(turn, bot, match.dialog, triggerOf(match), false);
            return;
          }
        }
        if (!condition && !system && question.conditions?.length) {
          await this.#failedAnswer(turn, bot, text);
          return;
        }
        replaceTop(state, { ...frame, awaitingAnswer: false });
        state.consecutiveFallbacks = 0;
        if (question.saveAs) state.variables[question.saveAs] = text;
        await this.#runScript(turn, bot, question.processUserResponse, 'processUserResponse');
        this.#advance(turn, bot, condition?.next ?? question.next);
        await this.#run(turn);
        return;
      }
    }
    await this.#route(turn, bot, text, { afterTransfer: false, searchGroup: !system });
  }

  /** Patterns, then intents, then disambiguation, then the bot group, then the fallback. */
  async #route(turn: Turn, bot: CompiledBot, text: string, options: { afterTransfer: boolean; searchGroup: boolean }): Promise<void> {
    const match = bot.matchStarter(text);
    if (match.kind === 'pattern' || match.kind === 'intent') {
      await this.#startDialog(turn, bot, match.dialog, triggerOf(match), options.afterTransfer);
      return;
    }
    // Nothing here starts a dialog: another bot of the group that does comes before asking the user to choose.
    if (options.searchGroup && (await this.#transferWithinGroup(turn, bot, text))) return;
    if (match.kind === 'disambiguate') {
      this.#offerDisambiguation(turn, bot, match.options);
      return;
    }
    await this.#fallback(turn, bot, text, options.afterTransfer);
  }

  /**
   * An answer none of the question's response conditions takes (spec 3.5): the fallback, and the question keeps
   * waiting. After `autoEscalationAfter` such answers in a row to the question (N fallbacks), the next one (N+1th)
   * starts the auto-escalation dialog instead, on top of the question. Fallbacks outside a question never count.
   */
  async #failedAnswer(turn: Turn, bot: CompiledBot, text: string): Promise<void> {
    const state = turn.state;
    const failed = (state.consecutiveFallbacks ?? 0) + 1;
    if (bot.autoEscalation && failed > (bot.definition.settings?.autoEscalationAfter ?? DEFAULT_AUTO_ESCALATION_AFTER)) {
      state.consecutiveFallbacks = 0;
      await this.#startDialog(turn, bot, bot.autoEscalation, { by: 'fallback' }, false);
      return;
    }
    await this.#fallback(turn, bot, text, false);
    state.consecutiveFallbacks = failed;
  }

  async #fallback(turn: Turn, bot: CompiledBot, text: string, afterTransfer: boolean): Promise<void> {
    this.#out(turn, { type: 'fallback', conversationId: turn.state.id, botId: bot.id, text });
    if (bot.fallback) {
      await this.#startDialog(turn, bot, bot.fallback, { by: 'fallback' }, afterTransfer);
    } else {
      this.#say(turn, bot, '(fallback)', DEFAULT_FALLBACK_MESSAGE);
    }
  }

  // ---- bot groups ----

  /**
   * Automatic transfer (spec 6.1): when nothing in the current bot matched, search the other connected bots of its
   * collaborative group — patterns first, then the highest-scoring intent at GOOD or better — and hand over with
   * the intent and the message in the Tango Context.
   */
  async #transferWithinGroup(turn: Turn, bot: CompiledBot, text: string): Promise<boolean> {
    const groupId = bot.definition.group;
    const group = groupId === undefined ? undefined : this.#parts.groups.get(groupId);
    if (!group?.collaboration) return false;
    const target = this.routeWithinGroup(bot.id, text, turn.hops);
    if (!target) return false;
    const context: TangoContext = target.intentId !== undefined ? { intentId: target.intentId, userMessage: text } : { userMessage: text };
    const skill = target.bot.definition.skills[0] ?? `bot:${target.bot.id}`;
    if (group.transferMessage && group.transferMessage !== BLANK_MESSAGE) this.#say(turn, bot, '(group transfer)', withLineBreaks(this.#template(turn, group.transferMessage)));
    const outcome = await this.#deliver(turn, bot, skill, target.bot.id, context, true);
    if (outcome.kind === 'accepted' || outcome.kind === 'submitted') return true;
    this.#out(turn, { type: 'transfer-failed', conversationId: turn.state.id, fromBotId: bot.id, toSkill: skill, reason: outcome.reason, stage: 'immediate', message: outcome.message });
    return false;
  }

  /** Members of a group whose bot agent is connected. */
  groupMembers(groupId: string, options: { connectedOnly?: boolean } = {}): CompiledBot[] {
    const connectedOnly = options.connectedOnly ?? true;
    return [...this.#parts.bots.values()].filter((b) => b.definition.group === groupId && (!connectedOnly || this.#parts.directory.isConnected(b.id)));
  }

  /**
   * Which other connected bot of `fromBotId`'s group would take the text: the first eligible candidate of
   * `groupCandidates` (patterns first, then the highest intent at GOOD or better). Also used by `bottango route`.
   */
  routeWithinGroup(fromBotId: string, text: string, exclude: readonly string[] = []): GroupRoute | undefined {
    const groupId = this.bot(fromBotId).definition.group;
    if (groupId === undefined) return undefined;
    const best = this.groupCandidates(groupId, text, [fromBotId, ...exclude]).find((c) => c.eligible);
    return best ? { ...best, bot: this.bot(best.botId) } : undefined;
  }

  /**
   * Every connected member's claim on the text (except the `exclude`d bots), in automatic-transfer order: patterns
   * first, then intents ranked by the group classifier when the group has one, else by each member's own.
   */
  groupCandidates(groupId: string, text: string, exclude: readonly string[] = []): GroupCandidate[] {
    const members = this.groupMembers(groupId).filter((b) => !exclude.includes(b.id));
    return rankGroupCandidates(members, text, this.#parts.groupClassifiers.get(groupId));
  }

  /** The group check of `bottango check`: overlapping patterns and intents, size and collaboration warnings. */
  checkGroup(groupId: string, phrasesPerIntent?: number): GroupCheckReport {
    const group = this.#parts.groups.get(groupId);
    if (!group) throw new BottangoError(BottangoErrorCode.InvalidConfiguration, `no group "${groupId}" (groups: ${[...this.#parts.groups.keys()].join(', ') || 'none'})`);
    return checkGroup(group, this.groupMembers(groupId, { connectedOnly: false }), phrasesPerIntent);
  }

  // ---- dialogs ----

  async #startDialog(turn: Turn, bot: CompiledBot, dialog: CompiledDialog, trigger: DialogTrigger, afterTransfer: boolean): Promise<void> {
    const frame: DialogFrame = {
      dialog: dialog.name,
      position: 0,
      awaitingAnswer: false,
      // The intent that matched: for a dialog on a meta intent, the child (what getDialogStarterIntent returns).
      ...(dialog.intentId !== undefined && trigger.by !== 'pattern' ? { starterIntentId: 'intentId' in trigger ? trigger.intentId : dialog.intentId } : {}),
    };
    if (trigger.by !== 'fallback') turn.state.consecutiveFallbacks = 0;
    putAsidePendingContext(turn.state);
    turn.state.dialogStack.push(frame);
    this.#out(turn, { type: 'dialog-started', conversationId: turn.state.id, botId: bot.id, dialog: dialog.name, trigger, ...(afterTransfer ? { afterTransfer: true as const } : {}) });
    await this.#run(turn);
  }

  /** Runs interactions of the top dialog until a question waits, the stack empties or the conversation leaves. */
  async #run(turn: Turn): Promise<void> {
    const state = turn.state;
    while (!turn.transferred) {
      const frame = top(state);
      if (!frame || frame.awaitingAnswer) return;
      const bot = this.bot(state.ownerBotId);
      const dialog = this.#dialog(bot, frame);
      const interactions = dialog.definition.interactions;
      if (frame.position >= interactions.length) {
        state.dialogStack.pop();
        takeBackPendingContext(state);
        this.#out(turn, { type: 'dialog-ended', conversationId: state.id, botId: bot.id, dialog: dialog.name });
        const under = top(state);
        // skipPreviousDialog (spec 2.4): no return to the dialogs underneath.
        if (under && skipsPreviousDialog(turn)) {
          state.dialogStack = [];
          takeBackPendingContext(state); // the dialogs underneath are gone, and the context they prepared with them
          continue;
        }
        if (under?.awaitingAnswer) {
          // Context switching: back in the dialog underneath, repeat the question it was waiting on.
          const question = this.#dialog(bot, under).definition.interactions[under.position];
          if (question?.type === 'question') this.#sayText(turn, bot, under.dialog, this.#template(turn, question.text));
        }
        continue;
      }
      if (++turn.steps > MAX_STEPS_PER_TURN) {
        this.#out(turn, { type: 'error', conversationId: state.id, botId: bot.id, code: BottangoErrorCode.DialogLoop, message: `dialog "${dialog.name}" ran ${MAX_STEPS_PER_TURN} interactions in one turn without waiting for the user; stopped` });
        state.dialogStack = [];
        return;
      }
      const interaction = interactions[frame.position] as (typeof interactions)[number];
      turn.triggerNext = undefined;
      await this.#runScript(turn, bot, interaction.preProcess, 'preProcess');
      switch (interaction.type) {
        case 'text': {
          const text = this.#template(turn, interaction.text);
          const command = parseSystemCommand(text);
          if (command === undefined) this.#sayText(turn, bot, dialog.name, text);
          await this.#runScript(turn, bot, interaction.postProcess, 'postProcess');
          if (command !== undefined && this.#systemCommand(turn, bot, dialog.name, command) === 'closed') return;
          this.#advance(turn, bot, interaction.next);
          break;
        }
        case 'question':
          this.#sayText(turn, bot, dialog.name, this.#template(turn, interaction.text));
          await this.#runScript(turn, bot, interaction.postProcess, 'postProcess');
          replaceTop(state, { ...frame, awaitingAnswer: true });
          return;
        case 'agentTransfer':
          await this.#escalate(turn, bot, dialog, interaction);
          break;
      }
    }
  }

  /** Moves the top frame to the next interaction: `setTriggerNextMessage`, else `next`, else the following one. */
  #advance(turn: Turn, bot: CompiledBot, next: string | undefined): void {
    const frame = top(turn.state);
    if (!frame) return;
    const dialog = this.#dialog(bot, frame);
    const target = turn.triggerNext ?? next;
    turn.triggerNext = undefined;
    let position = frame.position + 1;
    if (target === 'end') position = dialog.definition.interactions.length;
    else if (target !== undefined) {
      const index = dialog.interactionIndex.get(target);
      if (index === undefined) {
        this.#out(turn, { type: 'error', conversationId: turn.state.id, botId: bot.id, code: BottangoErrorCode.InvalidDefinition, message: `dialog "${dialog.name}" has no interaction "${target}"` });
      } else position = index;
    }
    replaceTop(turn.state, { ...frame, position, awaitingAnswer: false });
  }

  // ---- escalation ----

  async #escalate(turn: Turn, bot: CompiledBot, dialog: CompiledDialog, interaction: AgentTransferInteraction): Promise<void> {
    const state = turn.state;
    const skill = this.#template(turn, interaction.skill).trim();
    // The context prepared for this escalation is used up whatever happens next.
    const context = interaction.tangoContext ? this.#resolveTangoContext(state) : undefined;
    state.pendingTangoContext = {};
    delete state.pendingIntentByDomain;
    const immediateFailure = async (reason: TransferFailureReason, message: string): Promise<void> => {
      this.#out(turn, { type: 'transfer-failed', conversationId: state.id, fromBotId: bot.id, toSkill: skill, reason, stage: 'immediate', message });
      if (interaction.responseDataVariable !== undefined) turn.requestVariables.set(interaction.responseDataVariable, 'failure');
      await this.#runScript(turn, bot, interaction.postProcess, 'postProcess');
      if (interaction.onFailure !== undefined) {
        this.#advance(turn, bot, interaction.onFailure);
      } else {
        state.dialogStack.pop();
        takeBackPendingContext(state);
        await this.#fallback(turn, bot, turn.currentUserMessage, false);
      }
    };
    if (skill === '' || skill.includes('{$')) {
      await immediateFailure(TransferFailureReason.UnknownSkill, `skill "${interaction.skill}" resolved to "${skill}", which is not a skill`);
      return;
    }
    if (bot.definition.skills.includes(skill)) {
      const message = `bot "${bot.id}" cannot transfer to skill "${skill}": it holds that skill itself (transfer loop)`;
      this.#out(turn, { type: 'error', conversationId: state.id, botId: bot.id, code: BottangoErrorCode.TransferLoop, message });
      await immediateFailure(TransferFailureReason.Loop, message);
      return;
    }
    // A well-formed skill no bot agent here holds may be held in another process: the transport decides, and nobody
    // taking it is a late failure (spec 3.4). Only a skill whose every holder the conversation already left is a loop.
    const holders = this.#parts.directory.holders(skill).filter((b) => b !== bot.id);
    const [first] = holders;
    if (first !== undefined && holders.every((b) => turn.hops.includes(b))) {
      await immediateFailure(TransferFailureReason.Loop, `the conversation already left bot "${first}" in this turn (${[...turn.hops, first].join(' → ')})`);
      return;
    }
    // Spec 2.1: pre-process (done) → interaction delay → the integration call (its message travels with the transfer) →
    // post-process, which sees the outcome → rules (a late failure's `__agent_escalation_failed__`).
    await sleep(this.#parts.clock, interaction.interactionDelay ?? 0, this.#closing.signal);
    if (interaction.message !== BLANK_MESSAGE) this.#say(turn, bot, dialog.name, withLineBreaks(this.#template(turn, interaction.message)));
    // A submitted transfer ends the sender's dialogs: whatever happens next starts from a clean stack.
    state.dialogStack = [];
    const agent = interaction.agentId === undefined ? undefined : this.#template(turn, interaction.agentId).trim();
    const delivered = await this.#deliver(turn, bot, skill, undefined, context, false, agent || undefined);
    const { outcome, skill: tried } = await this.#tryFallbackSkill(turn, bot, skill, delivered, context);
    if (interaction.responseDataVariable !== undefined) turn.requestVariables.set(interaction.responseDataVariable, outcome.kind === 'failed' ? 'failure' : 'success');
    await this.#runScript(turn, bot, interaction.postProcess, 'postProcess');
    if (outcome.kind === 'failed') await this.#lateFailure(turn, bot, tried, outcome);
  }

  /**
   * A transfer nobody took within the sender's `fallbackEscalationTime` goes once to its connector's `fallbackSkillId`
   * (spec 3.2, 3.4); any other outcome, or no fallback skill, is returned as it is.
   */
  async #tryFallbackSkill(turn: Turn, bot: CompiledBot, skill: string, outcome: Delivered, context: TangoContext | undefined): Promise<{ outcome: Delivered; skill: string }> {
    const fallbackSkill = bot.definition.connector?.fallbackSkillId;
    if (outcome.kind !== 'failed' || outcome.reason !== TransferFailureReason.Timeout || fallbackSkill === undefined || fallbackSkill === skill) return { outcome, skill };
    this.#out(turn, { type: 'transfer-failed', conversationId: turn.state.id, fromBotId: bot.id, toSkill: skill, reason: outcome.reason, stage: 'late', message: `${outcome.message}; trying the fallback skill "${fallbackSkill}"` });
    return { outcome: await this.#deliver(turn, bot, fallbackSkill, undefined, context, false), skill: fallbackSkill };
  }

  /**
   * Stores the conversation as waiting for the transfer, then hands it to the transport. `stale` never comes back from
   * here (it is a failure for the sender).
   */
  async #deliver(turn: Turn, bot: CompiledBot, skill: string, toBotId: string | undefined, context: TangoContext | undefined, automatic: boolean, preferredBotId?: string): Promise<Exclude<TransferOutcome, { kind: 'stale' }>> {
    const state = turn.state;
    const transferId = randomUUID();
    const timeoutMs = bot.definition.connector?.fallbackEscalationTime;
    state.transferring = { transferId, skill, fromBotId: bot.id, since: this.#parts.clock.now(), ...(state.appliedSeq !== undefined ? { seq: state.appliedSeq } : {}), ...(timeoutMs !== undefined ? { timeoutMs } : {}) };
    await this.#commit(turn);
    const request: TransferRequest = {
      transferId,
      conversationId: state.id,
      userId: state.userId,
      fromBotId: bot.id,
      skill,
      ...(toBotId !== undefined ? { toBotId } : {}),
      ...(preferredBotId !== undefined ? { preferredBotId } : {}),
      ...(context ? { tangoContext: context } : {}),
      transcript: state.transcript,
      ...(automatic ? { automatic: true } : {}),
      hops: turn.hops,
      ...(timeoutMs !== undefined ? { timeoutMs } : {}),
    };
    let outcome: TransferOutcome;
    this.#senders.set(request.transferId, turn);
    try {
      outcome = await this.#parts.transport.deliver(request);
    } catch (error) {
      outcome = { kind: 'failed', reason: TransferFailureReason.Rejected, message: error instanceof Error ? error.message : String(error) };
    } finally {
      this.#senders.delete(request.transferId);
    }
    // Accepted: the receiver stored the conversation as it now stands, so the sender must not write its copy back.
    // Submitted: what is stored (waiting for the transfer) is what the receiver or the failure will start from.
    if (outcome.kind === 'accepted' || outcome.kind === 'submitted') {
      turn.transferred = true;
      return outcome;
    }
    delete state.transferring;
    if (outcome.kind === 'stale') return { kind: 'failed', reason: TransferFailureReason.Rejected, message: outcome.message };
    if (outcome.reason === TransferFailureReason.Timeout) {
      this.#abandoned.add(request.transferId);
      // A receiver that never finishes never removes its ID: the oldest are forgotten first (a Set keeps insertion order).
      if (this.#abandoned.size > MAX_ABANDONED_TRANSFERS) this.#abandoned.delete(this.#abandoned.values().next().value as string);
    }
    return outcome;
  }

  /** Late failure: the user is told nothing by the platform; the sender gets `__agent_escalation_failed__`, up to the retry cap. */
  async #lateFailure(turn: Turn, bot: CompiledBot, skill: string, outcome: Extract<TransferOutcome, { kind: 'failed' }>): Promise<void> {
    const state = turn.state;
    state.escalationFailures++;
    this.#out(turn, { type: 'transfer-failed', conversationId: state.id, fromBotId: bot.id, toSkill: skill, reason: outcome.reason, stage: 'late', message: outcome.message });
    if (state.escalationFailures > this.#retryCap(bot)) {
      await this.#finalEscalationFailure(turn, bot, skill, `${state.escalationFailures} failed attempts; the cap is ${this.#retryCap(bot)} retries`);
      return;
    }
    turn.injected.push(AGENT_ESCALATION_FAILED);
  }

  async #finalEscalationFailure(turn: Turn, bot: CompiledBot, skill: string, message: string): Promise<void> {
    // The cap ends this round of retries; a later escalation (a new user request) starts counting again.
    turn.state.escalationFailures = 0;
    this.#out(turn, { type: 'transfer-failed', conversationId: turn.state.id, fromBotId: bot.id, toSkill: skill, reason: TransferFailureReason.NoAgentAvailable, stage: 'final', message });
    turn.state.dialogStack = [];
    this.#say(turn, bot, '(escalation)', bot.definition.settings?.defaultUserFriendlyResponse ?? DEFAULT_ESCALATION_FINAL_MESSAGE);
  }

  #retryCap(bot: CompiledBot): number {
    return bot.definition.connector?.maxEscalationRetries ?? bot.definition.settings?.maxEscalationRetries ?? this.#parts.maxEscalationRetries;
  }

  #resolveTangoContext(state: ConversationState): TangoContext | undefined {
    let intentId = state.pendingTangoContext.intentId;
    const byDomain = state.pendingIntentByDomain;
    if (byDomain) {
      for (const candidate of this.#parts.bots.values()) {
        const found = candidate.definition.intents.find((i) => i.name === byDomain.intentName && i.domain === byDomain.domainName);
        if (found) {
          intentId = found.id;
          break;
        }
      }
      if (intentId === undefined) this.#parts.logger.warn(`setBotTransferIntentbyDomain: no intent "${byDomain.intentName}" in domain "${byDomain.domainName}"`);
    }
    const userMessage = state.pendingTangoContext.userMessage;
    const context: TangoContext = { ...(intentId ? { intentId } : {}), ...(userMessage !== undefined ? { userMessage } : {}) };
    return context;
  }

  // ---- disambiguation ----

  #offerDisambiguation(turn: Turn, bot: CompiledBot, options: readonly { intentId: string; name: string; score: number }[]): void {
    const dialog = bot.disambiguation as CompiledDialog;
    turn.state.disambiguation = { options: options.map((o) => o.intentId) };
    this.#out(turn, { type: 'disambiguation', conversationId: turn.state.id, botId: bot.id, options });
    const first = dialog.definition.interactions.find((i) => i.type === 'text' || i.type === 'question');
    const header = first && 'text' in first ? this.#template(turn, first.text) : 'Did you mean:';
    const lines = [...options.map((o, i) => `${i + 1}. ${o.name}`), `${options.length + 1}. None of the above`];
    this.#say(turn, bot, dialog.name, `${header}\n${lines.join('\n')}`);
  }

  /** Takes a number or an option's name; "none of the above" goes to the fallback; anything else is a new message. */
  async #answerDisambiguation(turn: Turn, bot: CompiledBot, text: string): Promise<boolean> {
    const options = turn.state.disambiguation?.options ?? [];
    delete turn.state.disambiguation;
    const answer = text.trim().toLowerCase().replace(/[.!]$/, '');
    const number = /^\d+$/.test(answer) ? Number(answer) : undefined;
    if (number === options.length + 1 || answer === 'none of the above' || answer === 'none') {
      await this.#fallback(turn, bot, text, false);
      return true;
    }
    const chosen = number !== undefined ? options[number - 1] : options.find((id) => (bot.intents.get(id)?.name ?? id).toLowerCase() === answer);
    if (chosen === undefined) return false;
    turn.state.disambiguatedIntentId = chosen;
    // An offered intent with no dialog starter (spec 5.6): the fallback, no context switching inside disambiguation.
    const dialog = bot.dialogForIntent(chosen);
    if (!dialog) {
      await this.#fallback(turn, bot, text, false);
      return true;
    }
    await this.#startDialog(turn, bot, dialog, { by: 'disambiguation', intentId: chosen }, false);
    return true;
  }

  // ---- helpers ----

  async #runScript(turn: Turn, bot: CompiledBot, script: BotScript | undefined, phase: string): Promise<void> {
    if (!script) return;
    const context = new BotContextImpl(turn, {
      store: this.#parts.store,
      logger: this.#parts.logger,
      intentName: (id) => bot.intents.get(id)?.name,
      environment: (name) => environmentValue(name, this.#parts.environment, bot.definition.environment),
      firstSkill: bot.definition.skills[0],
    });
    try {
      await script(context);
      await context.settle();
    } catch (error) {
      const message = `${phase} script failed: ${error instanceof Error ? error.message : String(error)}`;
      this.#parts.logger.warn(message, { botId: bot.id, conversationId: turn.state.id });
      this.#out(turn, { type: 'error', conversationId: turn.state.id, botId: bot.id, code: BottangoErrorCode.ScriptFailed, message });
    }
  }

  /** Replaces `{$botContext.name}` with the bot variable `name` (empty when unset). */
  #template(turn: Turn, text: string): string {
    if (!text.includes('{$')) return text;
    return text.replace(/\{\$botContext\.([A-Za-z0-9_.-]+)\}/g, (_, name: string) => turn.requestVariables.get(name) ?? turn.state.variables[name] ?? '');
  }

  /**
   * When the conversation begins for `bot` (its first user message, or a transfer brought it): its `persistForever`
   * variables for this user come back, then its Global Functions' `initConversation` runs.
   */
  async #beginConversation(turn: Turn, bot: CompiledBot): Promise<void> {
    Object.assign(turn.state.variables, await loadForeverVariables(this.#parts.store, this.#parts.logger, turn.state.userId, bot.id));
    await this.#runScript(turn, bot, bot.definition.globalFunctions?.initConversation, 'initConversation');
  }

  /**
   * A system pattern a text interaction sent instead of a message (spec 3.6). `SET_USER_PROFILE | {json}` merges the
   * fields into the conversation's user profile. `LP_CLOSEDIALOG` (with survey) and `LP_CLOSECONVERSATION` close the
   * conversation: the interactions after it do not run, and the dialogs, a pending Tango Context and a pending
   * disambiguation are dropped, so a later user message starts afresh, as a new conversation would (session bot
   * variables are kept). A malformed `SET_USER_PROFILE` is an `INVALID_DEFINITION` error event and sends nothing.
   */
  #systemCommand(turn: Turn, bot: CompiledBot, dialog: string, command: NonNullable<ReturnType<typeof parseSystemCommand>>): 'closed' | 'sent' | 'failed' {
    const state = turn.state;
    if ('error' in command) {
      this.#out(turn, { type: 'error', conversationId: state.id, botId: bot.id, code: BottangoErrorCode.InvalidDefinition, message: `dialog "${dialog}": ${command.error}` });
      return 'failed';
    }
    if (command.command === SET_USER_PROFILE) {
      state.userProfile = { ...state.userProfile, ...command.profile };
      this.#out(turn, { type: 'system-command', conversationId: state.id, botId: bot.id, dialog, command: command.command, profile: command.profile });
      return 'sent';
    }
    this.#out(turn, { type: 'system-command', conversationId: state.id, botId: bot.id, dialog, command: command.command });
    state.dialogStack = [];
    state.pendingTangoContext = {};
    delete state.pendingIntentByDomain;
    delete state.disambiguation;
    state.consecutiveFallbacks = 0;
    return 'closed';
  }

  /** A text or question interaction's text: split at 320 characters unless `setAllowMaxTextResponse(true)` (spec 3.5). */
  #sayText(turn: Turn, bot: CompiledBot, dialog: string, text: string): void {
    for (const part of turn.state.allowMaxTextResponse ? [text] : splitBotText(text)) this.#say(turn, bot, dialog, part);
  }

  #say(turn: Turn, bot: CompiledBot, dialog: string, text: string): void {
    this.#out(turn, { type: 'bot-message', conversationId: turn.state.id, botId: bot.id, dialog, text });
    this.#record(turn.state, { from: 'bot', botId: bot.id, text });
  }

  #record(state: ConversationState, entry: ConversationState['transcript'][number]): void {
    state.transcript.push(entry);
    const excess = state.transcript.length - this.#parts.transcriptLimit;
    if (excess > 0) state.transcript.splice(0, excess);
  }

  #rememberOwner(conversationId: string, botId: string): void {
    this.#remoteOwners.delete(conversationId);
    this.#remoteOwners.set(conversationId, botId);
    if (this.#remoteOwners.size > MAX_REMEMBERED_OWNERS) this.#remoteOwners.delete(this.#remoteOwners.keys().next().value as string);
  }

  /** Stores the step's state on the version it was loaded with (compare-and-set), with its events numbered. */
  async #commit(turn: Turn): Promise<void> {
    const state = turn.state;
    state.eventCount = turn.firstEvent - 1 + turn.events.length;
    if (turn.outbox) state.outbox = { first: turn.firstEvent, events: [...turn.events] };
    state.version = await this.#parts.states.save(state);
  }

  #dialog(bot: CompiledBot, frame: DialogFrame): CompiledDialog {
    const dialog = bot.dialog(frame.dialog);
    if (!dialog) throw new BottangoError(BottangoErrorCode.InvalidDefinition, `bot "${bot.id}" has no dialog "${frame.dialog}" (conversation state from another version of the bot?)`);
    return dialog;
  }

  /** An event of `turn`: held when the turn is a receiver's whose transfer is not settled yet, else emitted. */
  #out(turn: Turn, event: ConversationEvent): void {
    if (turn.held) turn.held.push(event);
    else this.#emit(event);
  }

  #emit(event: ConversationEvent): void {
    this.#collectors.get(event.conversationId)?.push(event);
    for (const listener of this.#listeners) {
      try {
        listener(event);
      } catch (error) {
        this.#parts.logger.error(`event listener failed: ${error instanceof Error ? error.message : String(error)}`);
      }
    }
  }

  #assertOpen(): void {
    if (this.#closed) throw new BottangoError(BottangoErrorCode.InvalidConfiguration, 'the runtime is closed');
  }
}

/** Where a bot group would send a text. */
export interface GroupRoute extends GroupCandidate {
  readonly bot: CompiledBot;
}

/** Fallbacks in a row within a question before the next failed answer starts the auto-escalation dialog (spec: "recommended 3"). */
const DEFAULT_AUTO_ESCALATION_AFTER = 3;

function triggerOf(match: Extract<StarterMatch, { kind: 'pattern' | 'intent' }>): DialogTrigger {
  return match.kind === 'pattern' ? { by: 'pattern', pattern: match.pattern } : { by: 'intent', intentId: match.intentId, score: match.score, band: match.band };
}

/** Failures that go away by themselves: a lost compare-and-set, a store or transport that is away for a moment. */
function isTransient(error: unknown): boolean {
  return [BottangoErrorCode.VersionConflict, BottangoErrorCode.StoreUnavailable, BottangoErrorCode.StoreClosed, BottangoErrorCode.TransportUnavailable].some((code) => BottangoError.is(error, code));
}
