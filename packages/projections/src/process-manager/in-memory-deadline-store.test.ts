import { deadlineStoreContract } from '../testing/deadline-store-contract.js';
import { createInMemoryDeadlineStore } from './in-memory-deadline-store.js';

deadlineStoreContract(() => createInMemoryDeadlineStore(), 'in-memory deadline store contract');
