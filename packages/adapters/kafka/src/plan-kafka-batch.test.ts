import type { RecordedEvent } from '@ordo/core';
import { describe, expect, it } from 'vitest';
import { type KafkaBatchStep, type KafkaRecord, planKafkaBatch } from './plan-kafka-batch.js';

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
/** Records at offsets 100, 101, ... : a number is an event position, `{ w }` a watermark. */
const records = (...items: (number | [number, string] | { w: number })[]): KafkaRecord[] =>
  items.map((item, i) => {
    const offset = String(100 + i);
    if (typeof item === 'number') return { offset, event: at(item) };
    if (Array.isArray(item)) return { offset, event: at(item[0], item[1]) };
    return { offset, watermark: item.w };
  });
const shape = (steps: readonly KafkaBatchStep[]) =>
  steps.map((s) => ({ positions: s.events.map((e) => e.position), scannedTo: s.scannedTo, lastOffset: s.lastOffset }));

describe('planKafkaBatch', () => {
  it('skips events at or below the committed position and redelivered duplicates', () => {
    const steps = planKafkaBatch(records(1, 2, 3, 3, 2, 4), { after: 2, maxBatchSize: 10 });
    expect(shape(steps)).toEqual([{ positions: [3, 4], scannedTo: 4, lastOffset: '105' }]);
  });

  it('chunks by the runner batch size, in order, each chunk ending at its last event', () => {
    const steps = planKafkaBatch(records(1, 2, 3, 4, 5), { after: 0, maxBatchSize: 2 });
    expect(shape(steps)).toEqual([
      { positions: [1, 2], scannedTo: 2, lastOffset: '101' },
      { positions: [3, 4], scannedTo: 4, lastOffset: '103' },
      { positions: [5], scannedTo: 5, lastOffset: '104' },
    ]);
  });

  it('accounts for records after a full chunk in a trailing progress-only step', () => {
    const steps = planKafkaBatch(records(1, 2, [3, 'Other'], { w: 9 }), {
      after: 0,
      maxBatchSize: 2,
      eventTypes: ['A'],
    });
    expect(shape(steps)).toEqual([
      { positions: [1, 2], scannedTo: 2, lastOffset: '101' },
      { positions: [], scannedTo: 9, lastOffset: '103' },
    ]);
  });

  it('drops types the projection does not handle but still reports how far it scanned', () => {
    const steps = planKafkaBatch(records([5, 'Other'], 6, [7, 'Other']), {
      after: 0,
      eventTypes: ['A'],
      maxBatchSize: 10,
    });
    expect(shape(steps)).toEqual([{ positions: [6], scannedTo: 7, lastOffset: '102' }]);
  });

  it('moves scannedTo to a watermark, also on a batch of watermarks alone', () => {
    expect(shape(planKafkaBatch(records(4, { w: 9 }), { after: 0, maxBatchSize: 10 }))).toEqual([
      { positions: [4], scannedTo: 9, lastOffset: '101' },
    ]);
    expect(shape(planKafkaBatch(records({ w: 3 }, { w: 7 }), { after: 0, maxBatchSize: 10 }))).toEqual([
      { positions: [], scannedTo: 7, lastOffset: '101' },
    ]);
  });

  it('plans one progress-only step for an all-duplicate batch and nothing for no records', () => {
    expect(shape(planKafkaBatch(records(1, 2), { after: 2, maxBatchSize: 10 }))).toEqual([
      { positions: [], scannedTo: 2, lastOffset: '101' },
    ]);
    expect(planKafkaBatch([], { after: 0, maxBatchSize: 10 })).toEqual([]);
  });
});
