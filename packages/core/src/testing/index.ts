export { type AggregateSpecGiven, type AggregateSpecWhen, aggregateSpec } from './aggregate-spec.js';
export { eventStoreContract, type StoreFactory } from './event-store-contract.js';
export { snapshotStoreContract } from './snapshot-store-contract.js';
