export { describeContextStoreContract, type ContextStoreContractOptions } from './context-store-contract.js';
