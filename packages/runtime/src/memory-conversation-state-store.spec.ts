import { describeConversationStateStoreContract } from '@bottango/testing';
import { MemoryConversationStateStore } from './memory-conversation-state-store.js';

describeConversationStateStoreContract('MemoryConversationStateStore', { create: () => new MemoryConversationStateStore() });
