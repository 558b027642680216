import type { ConversationState, DialogFrame } from '@bottango/core';

/**
 * The Tango Context a dialog's scripts prepare belongs to that dialog (spec 1.5; the spec does not say when an unused
 * one is dropped, so Bottango decides): a dialog starting on top of it puts it aside in the frame underneath, and it is
 * pending again when that dialog is back on top. When the dialog that prepared it ends without escalating, it is
 * dropped, so a later, unrelated escalation never carries it. A context prepared while no dialog runs goes with the
 * next dialog that starts.
 */
export function putAsidePendingContext(state: ConversationState): void {
  const under = state.dialogStack[state.dialogStack.length - 1];
  if (!under) return;
  const { pendingTangoContext, pendingIntentByDomain } = state;
  const hasContext = pendingTangoContext.intentId !== undefined || pendingTangoContext.userMessage !== undefined;
  const frame: DialogFrame = { ...withoutContext(under), ...(hasContext ? { pendingTangoContext } : {}), ...(pendingIntentByDomain ? { pendingIntentByDomain } : {}) };
  state.dialogStack[state.dialogStack.length - 1] = frame;
  state.pendingTangoContext = {};
  delete state.pendingIntentByDomain;
}

/** After the top dialog ended (popped): the context of the dialog now on top is pending again; the ended one's is gone. */
export function takeBackPendingContext(state: ConversationState): void {
  const frame = state.dialogStack[state.dialogStack.length - 1];
  state.pendingTangoContext = frame?.pendingTangoContext ?? {};
  if (frame?.pendingIntentByDomain) state.pendingIntentByDomain = frame.pendingIntentByDomain;
  else delete state.pendingIntentByDomain;
  if (frame) state.dialogStack[state.dialogStack.length - 1] = withoutContext(frame);
}

function withoutContext(frame: DialogFrame): DialogFrame {
  if (frame.pendingTangoContext === undefined && frame.pendingIntentByDomain === undefined) return frame;
  const { pendingTangoContext: _context, pendingIntentByDomain: _byDomain, ...rest } = frame;
  return rest;
}
