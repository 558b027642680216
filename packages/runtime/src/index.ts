import 'reflect-metadata';

export { createRuntime, GROUP_OTHERS_INTENT_ID, type RuntimeOptions } from './create-runtime.js';
export { parseStoreSetting, parseStateSetting, parseTransportSetting, type StoreSetting, type StateSetting, type TransportSetting } from './settings.js';
export { defaultCacheDir } from './cache-dir.js';
export { createFolder } from './create-folder.js';
export { systemClock, ManualClock, type Clock, type ClockTimer } from '@bottango/core';
export {
  BottangoRuntime,
  type RuntimePluginInfo,
  type ConversationEventListener,
  type StartConversationOptions,
  type GroupRoute,
} from './runtime.js';
export type { ConversationStep, MessageStepResult } from './conversation-step.js';
export { CompiledBot, type CompiledDialog, type CompiledCondition, type StarterMatch, type DisambiguationOption } from './compiled-bot.js';
export { AgentDirectory, type AgentStatus } from './agent-directory.js';
export { InProcessTransferTransport, type InProcessTransportOptions } from './in-process-transport.js';
export { MemoryConversationStateStore } from './memory-conversation-state-store.js';
export { describePluginModule } from './plugin-inspection.js';
export { loadIntentMatchers } from './intent-matchers.js';
export { loadPlugins, pluginReferencesFor, storePluginFor, statePluginFor, transportPluginFor, type PluginReference, type LoadedPlugin, type PluginLoadOptions } from './plugin-loader.js';
export { resolvePluginPackage, type ImportModule, type PluginSearchPath, type ResolvedPackage } from './plugin-resolution.js';
export { formatConversationEvent, formatTangoContext } from './format-event.js';
export { rankGroupCandidates, checkGroup, MAX_RECOMMENDED_GROUP_SIZE, type GroupCandidate, type GroupOverlap, type GroupCheckReport } from './group-routing.js';
