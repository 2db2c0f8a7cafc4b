import type { RecordedEvent } from '@ordo/core';
import { describe, expect, it } from 'vitest';
import { planKafkaBatch } from './plan-kafka-batch.js';

const at = (position: number, type = 'A'): RecordedEvent => ({
  id: `id-${position}`,
  type,
  schemaVersion: 1,
  streamId: 's',
  streamVersion: position,
  position,
  timestamp: new Date(0).toISOString(),
  data: {},
  metadata: {},
});
const positions = (chunks: readonly (readonly RecordedEvent[])[]) => chunks.map((c) => c.map((e) => e.position));

describe('planKafkaBatch', () => {
  it('skips events at or below the applied position and redelivered duplicates', () => {
    const plan = planKafkaBatch([at(1), at(2), at(3), at(3), at(2), at(4)], { after: 2, maxBatchSize: 10 });
    expect(positions(plan.chunks)).toEqual([[3, 4]]);
    expect(plan.scannedTo).toBe(4);
  });

  it('chunks by the runner batch size, in order', () => {
    const plan = planKafkaBatch(
      [1, 2, 3, 4, 5].map((p) => at(p)),
      { after: 0, maxBatchSize: 2 },
    );
    expect(positions(plan.chunks)).toEqual([[1, 2], [3, 4], [5]]);
  });

  it('drops types the projection does not handle but still reports how far it scanned', () => {
    const plan = planKafkaBatch([at(5, 'Other'), at(6, 'A'), at(7, 'Other')], {
      after: 0,
      eventTypes: ['A'],
      maxBatchSize: 10,
    });
    expect(positions(plan.chunks)).toEqual([[6]]);
    expect(plan.scannedTo).toBe(7);
  });

  it('moves scannedTo to a watermark beyond the last event', () => {
    const plan = planKafkaBatch([at(4)], { after: 0, maxBatchSize: 10, watermarks: [9] });
    expect(positions(plan.chunks)).toEqual([[4]]);
    expect(plan.scannedTo).toBe(9);
    expect(planKafkaBatch([], { after: 0, maxBatchSize: 10, watermarks: [3, 7] })).toEqual({
      chunks: [],
      scannedTo: 7,
    });
  });

  it('plans nothing for an all-duplicate batch', () => {
    const plan = planKafkaBatch([at(1), at(2)], { after: 2, maxBatchSize: 10 });
    expect(plan.chunks).toEqual([]);
    expect(plan.scannedTo).toBe(2);
  });
});
