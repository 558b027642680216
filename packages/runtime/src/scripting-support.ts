import type { ContextStore, ConversationState, Logger, TransferArrival, TransferRequest } from '@bottango/core';
import type { ScriptTurn } from './bot-context-impl.js';

/** Conversation Builder splits a text response into messages of at most this many characters (spec 3.5). */
const MAX_TEXT_RESPONSE = 320;

/**
 * Splits a bot text into messages of at most `max` characters, at the last space or line break before the limit (a
 * word longer than `max` is cut). Text of `max` characters or fewer comes back as it is.
 */
export function splitBotText(text: string, max = MAX_TEXT_RESPONSE): string[] {
  const parts: string[] = [];
  let rest = text;
  while (rest.length > max) {
    const window = rest.slice(0, max + 1);
    const breakAt = Math.max(window.lastIndexOf(' '), window.lastIndexOf('\n'));
    const cut = breakAt > 0 ? breakAt : max;
    const part = rest.slice(0, cut).trimEnd();
    if (part) parts.push(part);
    rest = rest.slice(cut).trimStart();
  }
  if (rest || parts.length === 0) parts.push(rest);
  return parts;
}

/** An environment variable: the first of `sources` that has it as its own key (never an inherited `toString`). */
export function environmentValue(name: string, ...sources: (Readonly<Record<string, string>> | undefined)[]): string | undefined {
  for (const source of sources) if (source && Object.hasOwn(source, name)) return source[name];
  return undefined;
}

/** What the receiver keeps of the transfer that brought it the conversation (`previous` is the state before it). */
export function transferArrival(request: TransferRequest, previous: ConversationState, senderFirstSkill: string | undefined): { skill: string; transferredFrom: TransferArrival } {
  const previousSkill = previous.skill ?? senderFirstSkill;
  return {
    skill: request.skill,
    transferredFrom: { botId: request.fromBotId, ...(previousSkill !== undefined ? { skill: previousSkill } : {}), transcript: [...request.transcript] },
  };
}

/** The bot variable `skipPreviousDialog` is `'true'` (spec 2.4): a dialog that ends drops the dialogs underneath. */
export function skipsPreviousDialog(turn: ScriptTurn): boolean {
  return (turn.requestVariables.get('skipPreviousDialog') ?? turn.state.variables['skipPreviousDialog'])?.trim().toLowerCase() === 'true';
}

/** Where `persistForever` bot variables live: user scope of this namespace, one property per bot and variable. */
const FOREVER_NAMESPACE = '__bottango_bot_variables';
/** 180 days, as the spec's `persistForever`. */
const FOREVER_TTL_SECONDS = 180 * 24 * 3600;

/** `<length>:<botId>/`: unambiguous even when a bot ID contains `/` or starts like another one. */
function foreverPrefix(botId: string): string {
  return `${botId.length}:${botId}/`;
}

/** Writes one `persistForever` variable of `botId` for `userId`. */
export async function saveForeverVariable(store: ContextStore, userId: string, botId: string, name: string, value: string): Promise<void> {
  await store.registerNamespace(FOREVER_NAMESPACE, { ttlSeconds: FOREVER_TTL_SECONDS });
  await store.set(FOREVER_NAMESPACE, { kind: 'user', userId }, `${foreverPrefix(botId)}${name}`, value);
}

/** The `persistForever` variables `botId` kept for `userId` (none when the namespace does not exist yet). Failures are logged and give none. */
export async function loadForeverVariables(store: ContextStore, logger: Logger, userId: string, botId: string): Promise<Record<string, string>> {
  try {
    if (!(await store.getNamespace(FOREVER_NAMESPACE))) return {};
    const all = await store.getAll(FOREVER_NAMESPACE, { kind: 'user', userId });
    const prefix = foreverPrefix(botId);
    const variables: Record<string, string> = {};
    for (const [key, value] of Object.entries(all)) {
      if (key.startsWith(prefix) && typeof value === 'string') variables[key.slice(prefix.length)] = value;
    }
    return variables;
  } catch (error) {
    logger.warn(`persistForever bot variables could not be read: ${error instanceof Error ? error.message : String(error)}`, { botId });
    return {};
  }
}
