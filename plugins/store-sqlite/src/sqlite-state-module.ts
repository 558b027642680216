import { ContainerModule } from 'inversify';
import { ConversationStateStore } from '@bottango/core';
import { SqliteConversationStateStore, SqliteConversationStateStoreOptions } from './sqlite-conversation-state-store.js';
import type { SqliteDatabaseOptions } from './sqlite-database.js';

export type SqliteStateModuleOptions = SqliteDatabaseOptions;

/**
 * Binds `ConversationStateStore` to one `SqliteConversationStateStore` (singleton), independently of the context store:
 * load it next to `SqliteStoreModule` (same file or another) or next to any other context store.
 */
export class SqliteStateModule {
  static fromOptions(options: SqliteStateModuleOptions): ContainerModule {
    const storeOptions: SqliteConversationStateStoreOptions = { ...options };
    return new ContainerModule(({ bind, onDeactivation }) => {
      bind(SqliteConversationStateStoreOptions).toConstantValue(storeOptions);
      bind(SqliteConversationStateStore).toSelf().inSingletonScope();
      bind(ConversationStateStore).toService(SqliteConversationStateStore);
      onDeactivation(SqliteConversationStateStore, (store) => store.close());
    });
  }
}
