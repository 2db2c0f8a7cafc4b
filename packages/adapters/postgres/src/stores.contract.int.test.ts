import { snapshotStoreContract } from '@ordo/core/testing';
import { checkpointStoreContract, deadLetterStoreContract, deadlineStoreContract } from '@ordo/projections/testing';
import { afterAll, describe, expect, it } from 'vitest';
import { createPostgresCheckpointStore } from './checkpoint-store.js';
import { openPostgresDatabase } from './database.js';
import { createPostgresDeadLetterStore } from './dead-letter-store.js';
import { createPostgresDeadlineStore } from './deadline-store.js';
import { InvalidDeadlineError } from './errors.js';
import { createPostgresSnapshotStore } from './snapshot-store.js';
import { dropSchema, pgUrl, uniqueSchema } from './test-support/test-schema.js';

const schema = uniqueSchema('stores');
const database = openPostgresDatabase({ connectionString: pgUrl ?? '', schema });
afterAll(async () => {
  await database.close();
  if (pgUrl !== undefined) await dropSchema(pgUrl, schema);
});

describe.skipIf(pgUrl === undefined)('PostgreSQL snapshot, checkpoint, dead-letter and deadline stores', () => {
  snapshotStoreContract(() => createPostgresSnapshotStore({ database }), 'snapshot store contract (PostgreSQL)');
  checkpointStoreContract(() => createPostgresCheckpointStore({ database }), 'checkpoint store contract (PostgreSQL)');
  deadLetterStoreContract(() => createPostgresDeadLetterStore({ database }), 'dead-letter store contract (PostgreSQL)');
  deadlineStoreContract(() => createPostgresDeadlineStore({ database }), 'deadline store contract (PostgreSQL)');

  it('keeps snapshots and deadlines across a new pool, and orders deadlines by instant whatever the offset', async () => {
    const first = createPostgresSnapshotStore({ connectionString: pgUrl ?? '', schema });
    await first.save({ streamId: 'reopen', streamVersion: 7, stateVersion: 2, state: { total: 70 } });
    await first.close();
    const again = createPostgresSnapshotStore({ connectionString: pgUrl ?? '', schema });
    expect(await again.load('reopen')).toEqual({
      streamId: 'reopen',
      streamVersion: 7,
      stateVersion: 2,
      state: { total: 70 },
    });
    await again.close();

    const deadlines = createPostgresDeadlineStore({ database });
    await deadlines.schedule({
      id: 'late',
      processName: 'offsets',
      processId: 'p',
      step: 1,
      dueAt: '2030-06-01T12:00:00.250+02:00',
    });
    await deadlines.schedule({
      id: 'early',
      processName: 'offsets',
      processId: 'p',
      step: 1,
      dueAt: '2030-06-01T11:00:00Z',
    });
    expect((await deadlines.list('offsets')).map((d) => [d.id, d.dueAt])).toEqual([
      ['late', '2030-06-01T10:00:00.250Z'],
      ['early', '2030-06-01T11:00:00.000Z'],
    ]);
    await expect(
      deadlines.schedule({ id: 'bad', processName: 'offsets', processId: 'p', step: 1, dueAt: 'tomorrow-ish' }),
    ).rejects.toBeInstanceOf(InvalidDeadlineError);
  });
});
