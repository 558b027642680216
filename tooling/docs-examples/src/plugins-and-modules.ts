import { ContainerModule } from 'inversify';
import { ContextStore } from '@bottango/core';
import { createRuntime } from '@bottango/runtime';
import { MemoryContextStore } from '@bottango/store-memory';
import { bots, groups } from './bots.js';

/** Replaces a service: the Context Session Store, here the memory store printing every write. */
class AuditedContextStore extends MemoryContextStore {
  override async set(...args: Parameters<MemoryContextStore['set']>): ReturnType<MemoryContextStore['set']> {
    const [namespace, , property, value] = args;
    console.log(`store write: ${namespace}.${property} = ${JSON.stringify(value)}`);
    return super.set(...args);
  }
}

const runtime = await createRuntime({
  bots,
  groups,
  // Plugins by package name (installed in the app), each with its own options, checked against the plugin's schema.
  plugins: [
    { package: '@bottango/matcher-natural', options: { epochs: 8 } },
    { package: '@bottango/matcher-compromise', options: { normalizer: false } },
  ],
  // Plugins and replacements as inversify ContainerModules: a binding of a service the runtime would otherwise
  // bind itself (ContextStore, ConversationStateStore, TransferTransport, Logger) replaces its default.
  modules: [new ContainerModule(({ bind }) => void bind(ContextStore).toConstantValue(new AuditedContextStore()))],
  defaultIntentMatcher: 'natural',
});
try {
  console.log(`loaded: ${runtime.plugins.map((plugin) => plugin.package).join(', ')}`);
  const conversationId = await runtime.startConversation({ botId: 'concierge' });
  await runtime.send(conversationId, 'I want my money back');
  await runtime.send(conversationId, 'order 77');
} finally {
  await runtime.close();
}
