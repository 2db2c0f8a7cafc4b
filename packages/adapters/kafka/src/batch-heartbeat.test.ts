import { describe, expect, it } from 'vitest';
import { createHeartbeat } from './batch-heartbeat.js';

describe('createHeartbeat', () => {
  it('heartbeats while the work is pending and returns its value', async () => {
    let beats = 0;
    let finish: (value: string) => void = () => {};
    const work = new Promise<string>((resolve) => {
      finish = resolve;
    });
    const heartbeat = createHeartbeat(
      {
        heartbeat: async () => {
          beats += 1;
          if (beats === 3) finish('written');
        },
      },
      { tickMs: 1, isFinal: () => true, onError: () => {} },
    );
    await expect(heartbeat.during(work)).resolves.toBe('written');
    expect(beats).toBe(3);
    expect(heartbeat.error).toBeUndefined();
  });

  it('keeps waiting after a failed heartbeat, sends no more, and reports the failure once', async () => {
    const rebalance = Object.assign(new Error('rebalancing'), { type: 'REBALANCE_IN_PROGRESS' });
    let beats = 0;
    const reported: unknown[] = [];
    let finish: () => void = () => {};
    const work = new Promise<void>((resolve) => {
      finish = resolve;
    });
    const heartbeat = createHeartbeat(
      {
        heartbeat: async () => {
          beats += 1;
          setTimeout(finish, 10);
          throw rebalance;
        },
      },
      { tickMs: 1, isFinal: (error) => error === rebalance, onError: (error) => reported.push(error) },
    );
    await heartbeat.during(work);
    expect(beats).toBe(1);
    expect(reported).toEqual([rebalance]);
    expect(heartbeat.error).toBe(rebalance);
  });

  it('goes on heartbeating after a transient failure, so a long write keeps its membership', async () => {
    const dropped = Object.assign(new Error('Connection closed'), { type: 'KAFKA_CONNECTION_CLOSED' });
    let beats = 0;
    const reported: unknown[] = [];
    let finish: () => void = () => {};
    const work = new Promise<void>((resolve) => {
      finish = resolve;
    });
    const heartbeat = createHeartbeat(
      {
        heartbeat: async () => {
          beats += 1;
          if (beats === 1) throw dropped;
          if (beats === 4) finish();
        },
      },
      { tickMs: 1, isFinal: (error) => error !== dropped, onError: (error) => reported.push(error) },
    );
    await heartbeat.during(work);
    expect(beats).toBe(4);
    expect(reported).toEqual([dropped]);
    expect(heartbeat.error).toBeUndefined();
  });

  it('passes the work failure through', async () => {
    const heartbeat = createHeartbeat(
      { heartbeat: async () => {} },
      { tickMs: 1, isFinal: () => true, onError: () => {} },
    );
    await expect(heartbeat.during(Promise.reject(new Error('store down')))).rejects.toThrow('store down');
  });
});
