// A projection process the crash test kills with SIGKILL at random points, then restarts.
import { createProjectionRunner, createStoreEventSource } from '@ordo/projections';
import { openSqliteDatabase } from '../database.js';
import { createSqliteDeadLetterStore } from '../dead-letter-store.js';
import { createSqliteEventStore } from '../event-store.js';
import { createSqliteReadStore } from '../read-store.js';
import { balances, lastDeposits } from './ledger-projections.js';

const path = process.argv[2];
if (path === undefined) throw new Error('usage: projection-child.ts <database file>');
const database = openSqliteDatabase({ path, synchronous: 'normal' });
const events = createSqliteEventStore({ database });
const runner = createProjectionRunner({
  source: createStoreEventSource(events),
  store: createSqliteReadStore({ database }),
  deadLetters: createSqliteDeadLetterStore({ database }),
  projections: [balances, lastDeposits],
  batchSize: Number(process.argv[3] ?? 25),
});
process.stdout.write('ready\n');
await runner.catchUp();
process.stdout.write('done\n');
database.close();
