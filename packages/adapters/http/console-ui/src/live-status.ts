import type { ProjectionStatus } from './api.js';

/** Lag samples kept per projection version: five minutes at one push a second. */
const historyLength = 300;

export interface LagSample {
  readonly at: number;
  readonly lag: number;
}

type Listener = (statuses: readonly ProjectionStatus[]) => void;

/**
 * One server-sent-event stream of projection status for the whole page: the server pushes, the
 * page keeps each version's recent lag for its chart, and views subscribe while they are shown.
 */
export class LiveStatus {
  private readonly listeners = new Set<Listener>();
  private readonly history = new Map<string, LagSample[]>();
  private source: EventSource | undefined;
  latest: readonly ProjectionStatus[] = [];

  constructor(private readonly onConnection: (text: string) => void) {}

  start(): void {
    this.source = new EventSource('api/live');
    this.source.addEventListener('open', () => this.onConnection('Live'));
    this.source.addEventListener('error', () => this.onConnection('Reconnecting…'));
    this.source.addEventListener('projections', (message) => {
      const { at, items } = JSON.parse((message as MessageEvent<string>).data) as {
        at: number;
        items: ProjectionStatus[];
      };
      for (const status of items) this.record(status.collection, { at, lag: status.lag });
      this.latest = items;
      this.onConnection(`Live · ${new Date(at).toLocaleTimeString('en-GB')}`);
      for (const listener of this.listeners) listener(items);
    });
  }

  subscribe(listener: Listener): () => void {
    this.listeners.add(listener);
    if (this.latest.length > 0) listener(this.latest);
    return () => this.listeners.delete(listener);
  }

  lagHistory(collection: string): readonly LagSample[] {
    return this.history.get(collection) ?? [];
  }

  private record(collection: string, sample: LagSample): void {
    const samples = this.history.get(collection) ?? [];
    samples.push(sample);
    if (samples.length > historyLength) samples.shift();
    this.history.set(collection, samples);
  }
}
