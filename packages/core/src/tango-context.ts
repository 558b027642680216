/**
 * What a sender bot hands the receiver with a transfer so the receiver can start the right dialog.
 * Only these two fields exist (seed FAQ: "You can only set an intent ID or user message").
 */
export interface TangoContext {
  readonly intentId?: string;
  readonly userMessage?: string;
}

/** Keys accepted by `botContext.setBotTangoContextVariable(key, value)`. Matching is case-insensitive. */
export const TANGO_CONTEXT_KEYS = {
  intentId: ['intentId', 'intent_id', 'intent'],
  userMessage: ['userMessage', 'user_message', 'message'],
} as const;

/** Maps a `setBotTangoContextVariable` key to the field it sets, or `undefined` if the key is not accepted. */
export function tangoContextField(key: string): keyof TangoContext | undefined {
  const k = key.trim().toLowerCase();
  for (const [field, names] of Object.entries(TANGO_CONTEXT_KEYS)) {
    if ((names as readonly string[]).some((n) => n.toLowerCase() === k)) return field as keyof TangoContext;
  }
  return undefined;
}

/** True when the context carries nothing the receiver could act on. */
export function isEmptyTangoContext(context: TangoContext | undefined): boolean {
  return !context || (!context.intentId?.trim() && !context.userMessage?.trim());
}
