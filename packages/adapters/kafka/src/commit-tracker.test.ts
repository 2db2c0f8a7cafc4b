import { describe, expect, it } from 'vitest';
import { CommitTracker } from './commit-tracker.js';

describe('CommitTracker', () => {
  it('releases a wait once the runner committed the partition through its position', async () => {
    const tracker = new CommitTracker();
    const waiting = tracker.waitFor(2, 10);
    tracker.commit(1, 50);
    tracker.commit(2, 9);
    let settled = false;
    void waiting.then(() => {
      settled = true;
    });
    await Promise.resolve();
    expect(settled).toBe(false);
    tracker.commit(2, 12);
    await expect(waiting).resolves.toBe('committed');
  });

  it('answers at once for a position already committed and never moves backwards', async () => {
    const tracker = new CommitTracker();
    tracker.commit(0, 20);
    tracker.commit(0, 5);
    expect(tracker.committedPosition(0)).toBe(20);
    await expect(tracker.waitFor(0, 15)).resolves.toBe('committed');
  });

  it('keeps waits across a new generation, which only marks older deliveries stale', async () => {
    const tracker = new CommitTracker();
    const generation = tracker.generation;
    const waiting = tracker.waitFor(0, 1);
    tracker.nextGeneration();
    expect(tracker.isCurrent(generation)).toBe(false);
    expect(tracker.isCurrent(tracker.generation)).toBe(true);
    tracker.commit(0, 1);
    await expect(waiting).resolves.toBe('committed');
  });

  it('revokes the waits of one partition, or of all on close', async () => {
    const tracker = new CommitTracker();
    const first = tracker.waitFor(0, 1);
    const other = tracker.waitFor(3, 1);
    tracker.revoke(0);
    await expect(first).resolves.toBe('revoked');
    const last = tracker.waitFor(4, 1);
    tracker.revokeAll();
    await expect(Promise.all([other, last])).resolves.toEqual(['revoked', 'revoked']);
    tracker.commit(0, 1);
    expect(tracker.committedPosition(0)).toBe(1);
  });
});
