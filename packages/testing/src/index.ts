export { describeContextStoreContract, type ContextStoreContractOptions } from './context-store-contract.js';
export { describeIntentMatcherContract, CONTRACT_INTENTS, type IntentMatcherContractOptions } from './intent-matcher-contract.js';
