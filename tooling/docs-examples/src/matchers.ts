import { join } from 'node:path';
import type { BotDefinition } from '@bottango/core';
import { CompromiseMatcherModule } from '@bottango/matcher-compromise';
import { NaturalMatcherModule } from '@bottango/matcher-natural';
import { createRuntime, defaultCacheDir, formatConversationEvent } from '@bottango/runtime';

const orders: BotDefinition = {
  id: 'orders',
  skills: ['orders'],
  // This bot's intents are classified by the compromise matcher; bots that name none get `defaultIntentMatcher`.
  settings: { intentMatcher: 'compromise' },
  intents: [{ id: 'orders.cancel', name: 'cancel', trainingPhrases: ['cancel my order', 'i want to cancel the order'] }],
  dialogs: [
    // The default pattern syntax (@bottango/matcher-pattern, always loaded): whole input, `*`, `(a|b|)`.
    { name: 'Greeting', type: 'standard', starter: { patterns: ['(hi|hello) *'] }, interactions: [{ type: 'text', text: 'Hello!' }] },
    // A pattern in compromise's match syntax.
    {
      name: 'Track',
      type: 'standard',
      starter: { patterns: [{ syntax: 'compromise', pattern: '(where|track) is? (my|the) #Noun' }] },
      interactions: [{ type: 'text', text: 'It ships tomorrow.' }],
    },
    { name: 'Cancel', type: 'standard', starter: { intent: 'orders.cancel' }, interactions: [{ type: 'text', text: 'Cancelled.' }] },
  ],
};

const runtime = await createRuntime({
  bots: [orders],
  // Trained natural models are reused from the cache folder (~/.cache/bottango unless BOTTANGO_CACHE_DIR says).
  modules: [NaturalMatcherModule.fromOptions({ cacheDir: join(defaultCacheDir(), 'models') }), CompromiseMatcherModule.fromOptions({})],
  defaultIntentMatcher: 'natural',
});
try {
  const conversationId = await runtime.startConversation({ botId: 'orders' });
  for (const text of ['hello there', 'where is my parcel', 'please cancel my orders']) {
    for (const event of await runtime.send(conversationId, text)) {
      if (event.type === 'dialog-started') console.log(formatConversationEvent(event));
    }
  }
} finally {
  await runtime.close();
}
