import type { ProcessFailure, ProcessHistoryEntry, ProcessState, ProcessStatus } from './process-aggregate.js';

/** The status document a process manager keeps per instance, for HTTP and CLI queries. */
export interface ProcessDocument extends Record<string, unknown> {
  readonly process: string;
  readonly processId: string;
  readonly status: ProcessStatus;
  /** Index of the step running, awaited or failed; equals the step count once all succeeded. */
  readonly step: number;
  readonly stepName: string | null;
  readonly data: unknown;
  readonly deadlineAt: string | null;
  readonly failure: ProcessFailure | null;
  readonly history: readonly ProcessHistoryEntry[];
}

/** Flattens a process state into its status document (JSON-safe: no `undefined`). */
export function toProcessDocument(
  process: string,
  steps: readonly { readonly name: string }[],
  state: ProcessState,
): ProcessDocument {
  const step = state.failure?.step ?? state.step;
  return {
    process,
    processId: state.processId,
    status: state.status,
    step,
    stepName: steps[step]?.name ?? null,
    data: state.data ?? null,
    deadlineAt: state.deadlineAt,
    failure: state.failure ?? null,
    history: state.history,
  };
}
