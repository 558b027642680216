export { describeContextStoreContract, type ContextStoreContractOptions } from './context-store-contract.js';
export { describeIntentMatcherContract, CONTRACT_INTENTS, type IntentMatcherContractOptions } from './intent-matcher-contract.js';
export { describeConversationStateStoreContract, type ConversationStateStoreContractOptions } from './conversation-state-store-contract.js';
export { raceProcesses, raceStateIncrements, type ProcessResult, type StateIncrementRaceOptions } from './process-race.js';
