import type { ConfidenceBand } from './confidence.js';
import type { JsonValue } from './json.js';
import type { TangoContext } from './tango-context.js';
import type { TransferFailureReason } from './transfer.js';

/** How a dialog came to start. */
export type DialogTrigger =
  | { readonly by: 'pattern'; readonly pattern: string }
  | { readonly by: 'intent'; readonly intentId: string; readonly score: number; readonly band: ConfidenceBand }
  | { readonly by: 'tango-intent'; readonly intentId: string }
  | { readonly by: 'disambiguation'; readonly intentId: string }
  | { readonly by: 'fallback' };

/** What happened in a conversation, in order. Printed one per line by `bottango run --json`. */
export type ConversationEvent =
  | { readonly type: 'user-message'; readonly conversationId: string; readonly text: string; readonly system?: true }
  | { readonly type: 'bot-message'; readonly conversationId: string; readonly botId: string; readonly dialog: string; readonly text: string }
  | {
      readonly type: 'dialog-started';
      readonly conversationId: string;
      readonly botId: string;
      readonly dialog: string;
      readonly trigger: DialogTrigger;
      /** Set when the dialog started on receipt of a transfer. */
      readonly afterTransfer?: true;
    }
  | {
      readonly type: 'transfer';
      readonly conversationId: string;
      readonly transferId: string;
      readonly fromBotId: string;
      readonly toSkill: string;
      readonly toBotId: string;
      /** Absent when Tango Context is off. */
      readonly context?: TangoContext;
      readonly automatic: boolean;
    }
  | {
      readonly type: 'transfer-failed';
      readonly conversationId: string;
      readonly fromBotId: string;
      readonly toSkill: string;
      readonly reason: TransferFailureReason;
      /** `immediate`: the failure branch runs. `late`: `__agent_escalation_failed__` is injected. `final`: retries exhausted. */
      readonly stage: 'immediate' | 'late' | 'final';
      readonly message: string;
    }
  | { readonly type: 'fallback'; readonly conversationId: string; readonly botId: string; readonly text: string }
  | {
      readonly type: 'disambiguation';
      readonly conversationId: string;
      readonly botId: string;
      readonly options: readonly { readonly intentId: string; readonly name: string; readonly score: number }[];
    }
  | { readonly type: 'dialog-ended'; readonly conversationId: string; readonly botId: string; readonly dialog: string }
  | {
      /** A system pattern the bot sent instead of a message (spec 3.6): the user sees nothing; the platform acts on it. */
      readonly type: 'system-command';
      readonly conversationId: string;
      readonly botId: string;
      readonly dialog: string;
      readonly command: 'LP_CLOSEDIALOG' | 'LP_CLOSECONVERSATION' | 'SET_USER_PROFILE';
      /** For SET_USER_PROFILE: the profile fields set. */
      readonly profile?: Readonly<Record<string, JsonValue>>;
    }
  | { readonly type: 'error'; readonly conversationId: string; readonly botId: string; readonly code: string; readonly message: string };

export type ConversationEventType = ConversationEvent['type'];

/** How a dialog started, in words (`pattern "…"`, `intent billing.refund (0.91, VERY_GOOD)`, …): what the CLI and the console show. */
export function describeDialogTrigger(trigger: DialogTrigger): string {
  switch (trigger.by) {
    case 'pattern':
      return `pattern "${trigger.pattern}"`;
    case 'intent':
      return `intent ${trigger.intentId} (${trigger.score.toFixed(2)}, ${trigger.band})`;
    case 'tango-intent':
      return `Tango Context intent ${trigger.intentId}`;
    case 'disambiguation':
      return `disambiguation → ${trigger.intentId}`;
    case 'fallback':
      return 'fallback';
  }
}
