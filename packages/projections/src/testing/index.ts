export { checkpointStoreContract } from './checkpoint-store-contract.js';
export { deadLetterStoreContract } from './dead-letter-store-contract.js';
export { deadlineStoreContract } from './deadline-store-contract.js';
export { type ProjectionSpecThen, projectionSpec, type SpecEvent } from './projection-spec.js';
export { readStoreContract } from './read-store-contract.js';
export {
  account,
  createTransferWorld,
  defineTransferProcess,
  type TransferWorld,
  type TransferWorldOptions,
  transfer,
} from './transfer-saga.js';
