import { describeDialogTrigger, type ConversationEvent, type TangoContext } from '@bottango/core';

/** Turns events into the lines `bottango chat` and `bottango run` print. */
export function formatConversationEvent(event: ConversationEvent): string | undefined {
  switch (event.type) {
    case 'user-message':
      return event.system ? `  (platform → bot) ${event.text}` : `you: ${event.text}`;
    case 'bot-message':
      return indent(`${event.botId} [${event.dialog}]: `, event.text);
    case 'dialog-started':
      return `  · ${event.botId} starts "${event.dialog}" by ${describeDialogTrigger(event.trigger)}${event.afterTransfer ? ' after the transfer' : ''}`;
    case 'transfer':
      return `  ⇢ transfer ${event.fromBotId} → ${event.toBotId} (skill ${event.toSkill}${event.automatic ? ', automatic' : ''}), Tango Context: ${formatTangoContext(event.context)}`;
    case 'transfer-failed':
      return `  ✗ transfer ${event.fromBotId} → skill ${event.toSkill} failed (${event.stage}, ${event.reason}): ${event.message}`;
    case 'fallback':
      return `  · ${event.botId}: nothing matched "${event.text}" → fallback`;
    case 'disambiguation':
      return `  · ${event.botId} asks to choose: ${event.options.map((o) => `${o.name} (${o.score.toFixed(2)})`).join(', ')}`;
    case 'dialog-ended':
      return undefined;
    case 'system-command':
      return `  · ${event.botId} sends ${event.command}${event.profile ? ` ${JSON.stringify(event.profile)}` : ''}`;
    case 'error':
      return `  ! ${event.botId}: ${event.code}: ${event.message}`;
  }
}

export function formatTangoContext(context: TangoContext | undefined): string {
  if (!context) return 'off';
  const parts = [context.intentId !== undefined ? `intentId=${context.intentId}` : '', context.userMessage !== undefined ? `userMessage=${JSON.stringify(context.userMessage)}` : ''].filter(Boolean);
  return parts.length > 0 ? `{ ${parts.join(', ')} }` : '{ } (empty)';
}

function indent(prefix: string, text: string): string {
  const pad = ' '.repeat(prefix.length);
  return prefix + text.split('\n').join(`\n${pad}`);
}
