import { Container, type ContainerModule } from 'inversify';
import { ContextStore, ConversationStateStore, IntentMatcher, Logger, StarterPatternSyntax, TextNormalizer, TransferTransport } from '@bottango/core';

/**
 * What a plugin's module binds, in words (`intent matcher "natural"`, `context store`…): the module is loaded into a
 * container of its own. Matchers, syntaxes and normalisers are created to read their IDs; stores and transports are
 * only looked up, never created, so nothing connects anywhere.
 */
export function describePluginModule(module: ContainerModule): string[] {
  const container = new Container({ defaultScope: 'Singleton' });
  container.load(module);
  const provides: string[] = [];
  const all = <T,>(id: symbol): T[] => (container.isBound(id) ? container.getAll<T>(id) : []);
  for (const matcher of all<IntentMatcher>(IntentMatcher)) provides.push(`intent matcher "${matcher.id}"`);
  for (const syntax of all<StarterPatternSyntax>(StarterPatternSyntax)) provides.push(`pattern syntax "${syntax.syntax}"`);
  for (const normalizer of all<TextNormalizer>(TextNormalizer)) provides.push(`text normaliser "${normalizer.id}"`);
  if (container.isBound(ContextStore)) provides.push('context store');
  if (container.isBound(ConversationStateStore)) provides.push('conversation state store');
  if (container.isBound(TransferTransport)) provides.push('transfer transport');
  if (container.isBound(Logger)) provides.push('logger');
  return provides;
}
