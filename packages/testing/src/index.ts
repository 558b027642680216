export { describeContextStoreContract, type ContextStoreContractOptions } from './context-store-contract.js';
export { describeIntentMatcherContract, CONTRACT_INTENTS, type IntentMatcherContractOptions } from './intent-matcher-contract.js';
export { describeConversationStateStoreContract, type ConversationStateStoreContractOptions } from './conversation-state-store-contract.js';
export { describeStarterPatternSyntaxContract, starterPatternSyntaxContractChecks, type StarterPatternSyntaxContractOptions } from './starter-pattern-syntax-contract.js';
export { describeTextNormalizerContract, textNormalizerContractChecks, type TextNormalizerContractOptions } from './text-normalizer-contract.js';
export {
  describeTransferTransportContract,
  transferTransportContractChecks,
  type ContractAgentSide,
  type TransferTransportHarness,
  type TransferTransportContractOptions,
} from './transfer-transport-contract.js';
export { describeBottangoPluginContract, bottangoPluginContractChecks, type BottangoPluginContractOptions, type LoadPluginsFunction } from './bottango-plugin-contract.js';
export type { ContractCheck } from './contract-checks.js';
export { raceProcesses, raceStateIncrements, type ProcessResult, type StateIncrementRaceOptions } from './process-race.js';
