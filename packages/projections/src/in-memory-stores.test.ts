import { createInMemoryCheckpointStore } from './in-memory-checkpoint-store.js';
import { createInMemoryDeadLetterStore } from './in-memory-dead-letter-store.js';
import { createInMemoryReadStore } from './in-memory-read-store.js';
import { checkpointStoreContract, deadLetterStoreContract, readStoreContract } from './testing/index.js';

readStoreContract(() => createInMemoryReadStore(), 'in-memory read store');
checkpointStoreContract(() => createInMemoryCheckpointStore(), 'in-memory checkpoint store');
deadLetterStoreContract(() => createInMemoryDeadLetterStore(), 'in-memory dead-letter store');
