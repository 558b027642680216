export { BottangoError, BottangoErrorCode, type BottangoErrorOptions } from './errors.js';
export type { JsonValue, JsonObject } from './json.js';
export { TANGO_CONTEXT_KEYS, tangoContextField, isEmptyTangoContext, type TangoContext } from './tango-context.js';
export {
  AGENT_ESCALATION_FAILED,
  BLANK_MESSAGE,
  DEFAULT_ESCALATION_FINAL_MESSAGE,
  DEFAULT_FALLBACK_MESSAGE,
  DEFAULT_GREETING_MESSAGE,
  LP_CLOSEDIALOG,
  LP_CLOSECONVERSATION,
  SET_USER_PROFILE,
  FILE_UPLOAD_SUCCESS,
  FILE_UPLOAD_FAILED,
  parseSystemCommand,
  fileUploadMessage,
  type SystemCommand,
} from './system-messages.js';
export { ConfidenceBand, CONFIDENCE_THRESHOLDS, confidenceBand, startsDialog } from './confidence.js';
export {
  DialogType,
  type BotScript,
  type IntentDefinition,
  type StarterPattern,
  type DialogStarter,
  type TextInteraction,
  type QuestionInteraction,
  type ResponseCondition,
  type AgentTransferInteraction,
  type Interaction,
  type DialogDefinition,
  type BotSettings,
  type BotDefinition,
  type GlobalFunctions,
  type BotGroupDefinition,
} from './bot-definition.js';
export type { BotContext } from './bot-context.js';
export { AGENT_CONNECTOR_DEFAULTS, AGENT_CONNECTOR_FIELDS, resolveAgentConnector, type AgentConnectorSettings, type ResolvedAgentConnector } from './agent-connector.js';
export {
  IntentMatcher,
  intentMatchOutcome,
  type IntentTrainingOptions,
  type IntentScore,
  type IntentClassification,
  type IntentClassifier,
  type IntentMatchOutcome,
} from './intent-matcher.js';
export { StarterPatternSyntax, TextNormalizer, DEFAULT_PATTERN_SYNTAX, type CompiledStarterPattern } from './starter-pattern.js';
export {
  ContextStore,
  CONTEXT_STORE_LIMITS,
  validateNamespaceName,
  validatePropertyName,
  validateScope,
  addToGetAllResult,
  validateSessionScope,
  validateTtl,
  encodeContextValue,
  scopeKey,
  type ContextScope,
  type SessionScope,
  type NamespaceOptions,
  type NamespaceInfo,
  type StoredValue,
  type SetOptions,
  type ContextStoreCapabilities,
} from './context-store.js';
export {
  TransferTransport,
  TransferFailureReason,
  type TransferRequest,
  type TransferOutcome,
  type TransferReceiver,
  type TranscriptEntry,
} from './transfer.js';
export { ConversationStateStore, stateConflict, type ConversationState, type DialogFrame, type PendingTransfer, type TransferArrival } from './conversation-state.js';
export { describeDialogTrigger, type ConversationEvent, type ConversationEventType, type DialogTrigger } from './events.js';
export { Logger, silentLogger } from './logger.js';
export { systemClock, ManualClock, type Clock, type ClockTimer } from './clock.js';
export {
  BOTTANGO_PLUGIN_BRAND,
  definePlugin,
  isBottangoPlugin,
  isPackageName,
  validatePluginOptions,
  type BottangoPlugin,
  type PluginOptionsSchema,
  type PluginOptionsIssue,
} from './plugin.js';
