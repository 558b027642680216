import { DEFAULT_GREETING_MESSAGE } from './system-messages.js';

/**
 * The agent connector of a bot (spec 1.3, 3.4: the "custom configuration fields" of Conversational Cloud's bot
 * connector): how the bot receives conversations and messages, and what happens when a transfer it sends goes
 * unanswered. Every field is optional; `AGENT_CONNECTOR_DEFAULTS` holds the defaults. Times are in milliseconds.
 */
export interface AgentConnectorSettings {
  /**
   * A bot receiving a conversation with nothing to act on (no Tango Context, or an empty one) acts on the last
   * *consumer* message (`true`), or on the last message of the transcript whoever sent it — the sender bot's transfer
   * message included (`false`, Conversational Cloud's default). Default `true`: see the runtime README.
   */
  readonly skipAgentMessage?: boolean;
  /**
   * Sent to the bot, as if the user typed it, when a transfer brings the bot a conversation with nothing to act on and
   * no user message arrives within 3 s. Default `hi`.
   */
  readonly defaultGreetingMessage?: string;
  /** No greeting message at all: the bot waits for the user. Default `false`. */
  readonly disableGreetings?: boolean;
  /**
   * User messages of a conversation arriving within this many ms of the previous one are joined with a space and
   * handled as one message, this long after the last. Default 0 (off; Conversational Cloud's default is 300): see
   * the runtime README.
   */
  readonly messageDelay?: number;
  /** `__agent_escalation_failed__` messages a conversation may get before escalation stops with the final message. Default 3. */
  readonly maxEscalationRetries?: number;
  /** How long a transfer this bot sends may go unanswered before the fallback skill is tried (or the transfer fails). Default 180 000 (3 minutes). */
  readonly fallbackEscalationTime?: number;
  /** Skill tried once when a transfer goes unanswered for `fallbackEscalationTime`. Default: none (the transfer fails late). */
  readonly fallbackSkillId?: string;
  /** A user message the bot cannot handle is retried, then the conversation is transferred to `escalationSkillIdOnStuckConversation`. Default `false`. */
  readonly escalateOnStuckConversation?: boolean;
  /** Where a stuck conversation goes. Default: none (the stuck escalation fails: the final escalation message). */
  readonly escalationSkillIdOnStuckConversation?: string;
  /** Sent to the user when a stuck conversation is transferred. Default: nothing. */
  readonly escalationMessageOnStuckConversation?: string;
  /** How many times a user message the bot could not handle is tried again. Default 1. */
  readonly messageResendMaxRetries?: number;
  /** Wait before trying a message again. Default 60 000. */
  readonly retryMessageInterval?: number;
  /** Tell the user to try again (this text) instead of escalating a stuck conversation. Default: none. */
  readonly userRetryOnStuckConversation?: string;
}

export const AGENT_CONNECTOR_DEFAULTS = {
  skipAgentMessage: true,
  defaultGreetingMessage: DEFAULT_GREETING_MESSAGE,
  disableGreetings: false,
  messageDelay: 0,
  maxEscalationRetries: 3,
  fallbackEscalationTime: 180_000,
  escalateOnStuckConversation: false,
  messageResendMaxRetries: 1,
  retryMessageInterval: 60_000,
} as const satisfies AgentConnectorSettings;

/** The bot's connector settings with the defaults filled in (optional-only fields stay absent when unset). */
export type ResolvedAgentConnector = AgentConnectorSettings & { -readonly [K in keyof typeof AGENT_CONNECTOR_DEFAULTS]: (typeof AGENT_CONNECTOR_DEFAULTS)[K] extends boolean ? boolean : (typeof AGENT_CONNECTOR_DEFAULTS)[K] extends number ? number : string };

export function resolveAgentConnector(settings: AgentConnectorSettings | undefined): ResolvedAgentConnector {
  const defined = Object.fromEntries(Object.entries(settings ?? {}).filter(([, value]) => value !== undefined));
  return { ...AGENT_CONNECTOR_DEFAULTS, ...defined };
}

/** The connector fields of a bot file, in the order the README's table lists them. */
export const AGENT_CONNECTOR_FIELDS = [
  'skipAgentMessage',
  'defaultGreetingMessage',
  'disableGreetings',
  'messageDelay',
  'maxEscalationRetries',
  'fallbackEscalationTime',
  'fallbackSkillId',
  'escalateOnStuckConversation',
  'escalationSkillIdOnStuckConversation',
  'escalationMessageOnStuckConversation',
  'messageResendMaxRetries',
  'retryMessageInterval',
  'userRetryOnStuckConversation',
] as const satisfies readonly (keyof AgentConnectorSettings)[];
