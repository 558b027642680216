import type { JsonValue } from './json.js';

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

/** Sent by a bot (a text interaction of exactly this text): closes the conversation and triggers the post-conversation survey. */
export const LP_CLOSEDIALOG = 'LP_CLOSEDIALOG';
/** Sent by a bot: closes the conversation without a survey. */
export const LP_CLOSECONVERSATION = 'LP_CLOSECONVERSATION';
/** Sent by a bot as `SET_USER_PROFILE | {json}`: sets the consumer's profile (e.g. `firstName`, `lastName`) for agents to see. */
export const SET_USER_PROFILE = 'SET_USER_PROFILE';
/** Received by a bot, as if the user typed it, when a file the user uploaded was stored: `file_upload_success:<message>`. */
export const FILE_UPLOAD_SUCCESS = 'file_upload_success';
/** Received by a bot when a file upload failed: `file_upload_failed:<message>`. */
export const FILE_UPLOAD_FAILED = 'file_upload_failed';

/** A system pattern a bot sends instead of a message (spec 3.6). */
export type SystemCommand =
  | { readonly command: typeof LP_CLOSEDIALOG | typeof LP_CLOSECONVERSATION }
  | { readonly command: typeof SET_USER_PROFILE; readonly profile: Readonly<Record<string, JsonValue>> };

/**
 * Reads a text a bot is about to send as a system pattern: `LP_CLOSEDIALOG` or `LP_CLOSECONVERSATION` (the whole text,
 * trimmed), or `SET_USER_PROFILE | {json object}`. Undefined for ordinary text; `{ error }` for a `SET_USER_PROFILE`
 * whose JSON does not parse to an object (values from bot variables must be quoted: `"{$botContext.firstName}"`).
 */
export function parseSystemCommand(text: string): SystemCommand | { readonly error: string } | undefined {
  const trimmed = text.trim();
  if (trimmed === LP_CLOSEDIALOG || trimmed === LP_CLOSECONVERSATION) return { command: trimmed };
  const match = /^SET_USER_PROFILE\s*\|([\s\S]*)$/.exec(trimmed);
  if (!match) return undefined;
  let profile: unknown;
  try {
    profile = JSON.parse(match[1] as string);
  } catch (error) {
    return { error: `${SET_USER_PROFILE} needs a JSON object after "|" (quote values from bot variables): ${error instanceof Error ? error.message : String(error)}` };
  }
  if (typeof profile !== 'object' || profile === null || Array.isArray(profile)) return { error: `${SET_USER_PROFILE} needs a JSON object after "|"` };
  // Own properties only, in a prototype-free object: `__proto__` in the JSON cannot replace a prototype.
  return { command: SET_USER_PROFILE, profile: Object.assign(Object.create(null) as Record<string, JsonValue>, profile) };
}

/** The message a bot receives after a file upload (spec 3.6): `file_upload_success:<message>` or `file_upload_failed:<message>`. */
export function fileUploadMessage(success: boolean, message: string): string {
  return `${success ? FILE_UPLOAD_SUCCESS : FILE_UPLOAD_FAILED}:${message}`;
}
