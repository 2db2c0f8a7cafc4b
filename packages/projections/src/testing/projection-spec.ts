import { deepStrictEqual } from 'node:assert/strict';
import { createInMemoryEventStore, type EventMetadata } from '@ordo/core';
import { createInMemoryReadStore } from '../in-memory-read-store.js';
import type { AnyProjection } from '../projection.js';
import { createProjectionRunner } from '../projection-runner.js';
import type { Document } from '../read-model-operation.js';
import type { ReadStore } from '../read-store.js';
import { createStoreEventSource } from '../store-event-source.js';

/** An event as a spec gives it: the stream it belongs to, its type and payload as stored. */
export interface SpecEvent {
  readonly streamId: string;
  readonly type: string;
  readonly data: unknown;
  /** Defaults to the latest version; give an older one to exercise upcasters. */
  readonly schemaVersion?: number;
  readonly metadata?: EventMetadata;
}

export interface ProjectionSpecThen {
  /** Asserts the exact set of documents (by id), after one run and again after the events are delivered twice. */
  thenDocuments(expected: Readonly<Record<string, Document>>): Promise<void>;
  /** The documents after the run (and the replay), for custom assertions. */
  documents(): Promise<Record<string, Document>>;
}

/**
 * Given/then for a projection: appends the events to an in-memory store, runs the real runner
 * (partitions, codecs, coalescing), then delivers every event a second time and requires the read
 * model to be unchanged, so a projection that is not idempotent under redelivery fails its spec.
 *
 * @example
 * await projectionSpec(balances)
 *   .given([{ streamId: 'account-1', type: 'AccountOpened', data: { owner: 'Ada' } }])
 *   .thenDocuments({ 'account-1': { owner: 'Ada', balance: 0 } });
 */
export function projectionSpec(projection: AnyProjection) {
  return {
    given(events: readonly SpecEvent[]): ProjectionSpecThen {
      const run = async () => {
        const eventStore = createInMemoryEventStore();
        for (const event of events) {
          await eventStore.appendToStream(event.streamId, [
            {
              type: event.type,
              data: event.data,
              // Past every upcaster, as core's aggregateSpec does: the payload is read as the latest shape.
              schemaVersion: event.schemaVersion ?? Number.MAX_SAFE_INTEGER,
              ...(event.metadata === undefined ? {} : { metadata: event.metadata }),
            },
          ]);
        }
        const store = createInMemoryReadStore();
        const runner = () =>
          createProjectionRunner({
            source: createStoreEventSource(eventStore),
            store,
            projections: [projection],
            retry: { maxAttempts: 1 },
          });
        await runner().catchUp();
        const once = await allDocuments(store, projection.name);
        // Redelivery: forget the checkpoints and run again over the same read model.
        await store.checkpoints.clear((await store.resolveAlias(projection.name)) ?? projection.collection);
        await runner().catchUp();
        const twice = await allDocuments(store, projection.name);
        deepStrictEqual(
          twice,
          once,
          `Projection ${projection.name} changed its read model when the events were delivered twice`,
        );
        return once;
      };
      return {
        async thenDocuments(expected) {
          deepStrictEqual(await run(), expected);
        },
        documents: run,
      };
    },
  };
}

async function allDocuments(store: ReadStore, name: string): Promise<Record<string, Document>> {
  const documents: Record<string, Document> = {};
  let cursor: string | undefined;
  do {
    const page = await store.find(name, { limit: 1000, ...(cursor === undefined ? {} : { cursor }) });
    for (const item of page.items) documents[item.id] = item.document;
    cursor = page.nextCursor;
  } while (cursor !== undefined);
  return documents;
}
