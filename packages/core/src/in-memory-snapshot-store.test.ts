import { createInMemorySnapshotStore } from './in-memory-snapshot-store.js';
import { snapshotStoreContract } from './testing/snapshot-store-contract.js';

snapshotStoreContract(() => createInMemorySnapshotStore(), 'in-memory snapshot store');
