// The console's calls to its own API, relative to the page so it works wherever the console is mounted.

export interface PartitionStatus {
  readonly partition: number;
  readonly checkpoint: number;
  readonly lag: number;
  readonly parked: number;
  readonly state: string;
  readonly error?: string;
}

export interface ProjectionStatus {
  readonly name: string;
  readonly version: number;
  readonly collection: string;
  readonly role: 'serving' | 'rebuilding';
  readonly state: string;
  readonly headPosition: number;
  readonly lag: number;
  readonly parked: number;
  readonly partitions: readonly PartitionStatus[];
}

export interface ConsoleEvent {
  readonly id: string;
  readonly type: string;
  readonly schemaVersion: number;
  readonly streamId: string;
  readonly streamVersion: number;
  readonly position: number;
  readonly timestamp: string;
  readonly data: unknown;
  readonly metadata: Record<string, unknown>;
}

export interface DeadLetter {
  readonly collection: string;
  readonly partition: number;
  readonly partitionKey: string;
  readonly position: number;
  readonly event: ConsoleEvent;
  readonly error: { readonly name: string; readonly message: string; readonly code?: string };
  readonly attempts: number;
}

export interface Overview {
  readonly projections: boolean;
  readonly streams: boolean;
  readonly processes: readonly string[];
}

/** A problem+json answer, with its `detail` as the message. */
export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
  ) {
    super(message);
  }
}

async function send<T>(path: string, init?: RequestInit): Promise<T> {
  const response = await fetch(`api/${path}`, { ...init, headers: { accept: 'application/json', ...init?.headers } });
  const body = response.status === 204 ? undefined : await response.json().catch(() => undefined);
  if (!response.ok) {
    const problem = (body ?? {}) as { code?: string; detail?: string };
    throw new ApiError(
      response.status,
      problem.code ?? `HTTP_${response.status}`,
      problem.detail ?? response.statusText,
    );
  }
  return body as T;
}

export const getJson = <T>(path: string) => send<T>(path);

/** A console action: a POST with the console's own header, which a cross-site page cannot send. */
export const postAction = <T>(path: string, body: unknown = {}) =>
  send<T>(path, {
    method: 'POST',
    headers: { 'content-type': 'application/json', 'ordo-console-action': '1' },
    body: JSON.stringify(body),
  });

export const pathSegment = (value: string) => encodeURIComponent(value);
