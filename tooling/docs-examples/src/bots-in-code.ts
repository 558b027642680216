import { NaturalMatcherModule } from '@bottango/matcher-natural';
import { createRuntime, formatConversationEvent } from '@bottango/runtime';
import { bots, groups } from './bots.js';

const runtime = await createRuntime({ bots, groups, modules: [NaturalMatcherModule.fromOptions({})] });
// Every event of every conversation, as it happens (a log, metrics, a UI); the returned function stops listening.
const stopListening = runtime.onEvent((event) => {
  if (event.type === 'transfer') console.log(`[listener] ${event.fromBotId} → ${event.toBotId}`);
});
try {
  const conversationId = await runtime.startConversation({ botId: 'concierge', userId: 'u-42' });
  for (const text of ['I want my money back', 'order 77']) {
    // `send` resolves with every event the message caused, the receiving bot's included.
    for (const event of await runtime.send(conversationId, text)) {
      const line = formatConversationEvent(event);
      if (line !== undefined) console.log(line);
    }
  }
  const state = await runtime.getConversation(conversationId);
  console.log(`owner: ${state?.ownerBotId}, turns: ${state?.turns}`);
  const stored = await runtime.store.get('billing', { kind: 'conversation', conversationId }, 'refundedOrder');
  console.log(`Context Session Store: billing.refundedOrder = ${JSON.stringify(stored?.value)}`);
} finally {
  stopListening();
  await runtime.close();
}
