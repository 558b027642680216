import { describeDialogTrigger, type ConversationEvent, type TangoContext } from '@bottango/core';

/** The platform's message to a sender whose transfer failed late. */
export const ESCALATION_FAILED = '__agent_escalation_failed__';

/** One row of the timeline, placed in the lane of the bot it concerns (a transfer spans two lanes). */
export type TimelineItem =
  | { readonly kind: 'user'; readonly lane: number; readonly text: string }
  | { readonly kind: 'escalation-failed'; readonly lane: number; readonly text: string }
  | { readonly kind: 'bot'; readonly lane: number; readonly botId: string; readonly dialog: string; readonly text: string }
  | { readonly kind: 'dialog'; readonly lane: number; readonly botId: string; readonly dialog: string; readonly how: string }
  | {
      readonly kind: 'transfer';
      readonly from: number;
      readonly to: number;
      readonly fromBotId: string;
      readonly toBotId: string;
      readonly skill: string;
      readonly context: string;
      readonly intentId?: string;
      readonly userMessage?: string;
      readonly automatic: boolean;
    }
  | { readonly kind: 'transfer-failed'; readonly lane: number; readonly fromBotId: string; readonly skill: string; readonly stage: string; readonly reason: string; readonly message: string }
  | { readonly kind: 'fallback'; readonly lane: number; readonly botId: string; readonly text: string }
  | { readonly kind: 'disambiguation'; readonly lane: number; readonly botId: string; readonly options: string }
  | { readonly kind: 'error'; readonly lane: number; readonly botId: string; readonly code: string; readonly message: string }
  | { readonly kind: 'system-command'; readonly lane: number; readonly botId: string; readonly text: string };

export interface Timeline {
  /** Each bot that held the conversation, in the order it first held it. */
  readonly lanes: readonly string[];
  readonly items: readonly TimelineItem[];
  /** The bot holding the conversation after the last event. */
  readonly holder: string;
}

/** Lays the events of a conversation out as lanes (bots that held it) and rows. */
export function buildTimeline(startBotId: string, events: readonly ConversationEvent[]): Timeline {
  const lanes: string[] = [startBotId];
  const laneOf = (botId: string): number => {
    let index = lanes.indexOf(botId);
    if (index < 0) index = lanes.push(botId) - 1;
    return index;
  };
  let holder = startBotId;
  const items: TimelineItem[] = [];
  for (const event of events) {
    switch (event.type) {
      case 'user-message':
        if (event.system) items.push({ kind: event.text === ESCALATION_FAILED ? 'escalation-failed' : 'user', lane: laneOf(holder), text: event.text });
        else items.push({ kind: 'user', lane: laneOf(holder), text: event.text });
        break;
      case 'bot-message':
        items.push({ kind: 'bot', lane: laneOf(event.botId), botId: event.botId, dialog: event.dialog, text: event.text });
        break;
      case 'dialog-started':
        items.push({ kind: 'dialog', lane: laneOf(event.botId), botId: event.botId, dialog: event.dialog, how: describeTrigger(event) });
        break;
      case 'transfer': {
        const from = laneOf(event.fromBotId);
        const to = laneOf(event.toBotId);
        holder = event.toBotId;
        items.push({
          kind: 'transfer',
          from,
          to,
          fromBotId: event.fromBotId,
          toBotId: event.toBotId,
          skill: event.toSkill,
          context: describeTangoContext(event.context),
          ...(event.context?.intentId !== undefined ? { intentId: event.context.intentId } : {}),
          ...(event.context?.userMessage !== undefined ? { userMessage: event.context.userMessage } : {}),
          automatic: event.automatic,
        });
        break;
      }
      case 'transfer-failed':
        items.push({
          kind: 'transfer-failed',
          lane: laneOf(event.fromBotId),
          fromBotId: event.fromBotId,
          skill: event.toSkill,
          stage: event.stage,
          reason: event.reason,
          message: event.message,
        });
        break;
      case 'fallback':
        items.push({ kind: 'fallback', lane: laneOf(event.botId), botId: event.botId, text: event.text });
        break;
      case 'disambiguation':
        items.push({
          kind: 'disambiguation',
          lane: laneOf(event.botId),
          botId: event.botId,
          options: event.options.map((o) => `${o.name} (${o.score.toFixed(2)})`).join(', '),
        });
        break;
      case 'error':
        items.push({ kind: 'error', lane: laneOf(event.botId), botId: event.botId, code: event.code, message: event.message });
        break;
      case 'system-command':
        items.push({ kind: 'system-command', lane: laneOf(event.botId), botId: event.botId, text: describeSystemCommand(event) });
        break;
      case 'dialog-ended':
        break;
    }
  }
  return { lanes, items, holder };
}

/** `intent ID billing.refund`, `user message "…"`, both, `empty` or `off` (as `bottango chat` prints it, in words). */
export function describeTangoContext(context: TangoContext | undefined): string {
  if (!context) return 'off';
  const parts: string[] = [];
  if (context.intentId !== undefined) parts.push(`intent ID ${context.intentId}`);
  if (context.userMessage !== undefined) parts.push(`user message "${context.userMessage}"`);
  return parts.length > 0 ? parts.join(', ') : 'empty';
}

/** What a bot's system command did, in words: `closed the conversation (LP_CLOSECONVERSATION)`, `set the user profile: name, email`. */
export function describeSystemCommand(event: Extract<ConversationEvent, { type: 'system-command' }>): string {
  switch (event.command) {
    case 'LP_CLOSECONVERSATION':
      return 'closed the conversation (LP_CLOSECONVERSATION)';
    case 'LP_CLOSEDIALOG':
      return 'closed the conversation, with the post-conversation survey (LP_CLOSEDIALOG)';
    case 'SET_USER_PROFILE':
      return `set the user profile: ${Object.keys(event.profile ?? {}).join(', ') || 'nothing'} (SET_USER_PROFILE)`;
  }
}

function describeTrigger(event: Extract<ConversationEvent, { type: 'dialog-started' }>): string {
  return `by ${describeDialogTrigger(event.trigger)}${event.afterTransfer ? ' after the transfer' : ''}`;
}
