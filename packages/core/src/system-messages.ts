/** Injected into the sender bot, as if the user typed it, when a transfer fails after it was accepted. */
export const AGENT_ESCALATION_FAILED = '__agent_escalation_failed__';
/** A transfer message of exactly this text satisfies the "message required" rule without sending anything. */
export const BLANK_MESSAGE = 'BLANK_MESSAGE';
/** Sent to the user when the escalation retry cap is reached and the bot has no default user-friendly response. */
export const DEFAULT_ESCALATION_FINAL_MESSAGE = 'Not able to transfer to Agent at this time. Please try later.';
/** Sent when nothing matched and the bot has no fallback dialog. */
export const DEFAULT_FALLBACK_MESSAGE = 'Not able to understand your question. Can you please re-phrase it?';
/** Sent to a receiver that gets a conversation with no consumer message to act on. */
export const DEFAULT_GREETING_MESSAGE = 'hi';
