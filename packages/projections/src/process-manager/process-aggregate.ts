import { type Aggregate, defineAggregate } from '@ordo/core';
import { z } from 'zod';

export const processStatusSchema = z.enum([
  'new',
  'running',
  'awaiting',
  'compensating',
  'completed',
  'compensated',
  'rejected',
  'needs-attention',
]);
/**
 * `completed`, `compensated`, `rejected` (a step was refused before any took effect: nothing to
 * undo) and `needs-attention` are terminal.
 */
export type ProcessStatus = z.infer<typeof processStatusSchema>;

export const terminalStatuses: readonly ProcessStatus[] = ['completed', 'compensated', 'rejected', 'needs-attention'];

const failureSchema = z.object({
  step: z.number().int(),
  /** `rejected`: a DomainError; `exhausted`: retries ran out; `timeout`: a deadline expired. */
  reason: z.enum(['rejected', 'exhausted', 'timeout', 'compensation-failed']),
  code: z.string(),
  message: z.string(),
});
export type ProcessFailure = z.infer<typeof failureSchema>;

const stepSchema = z.object({ step: z.number().int().min(0) });
const outcomeSchema = failureSchema.omit({ step: true, reason: true });

const processEvents = {
  ProcessStarted: z.object({ processId: z.string(), data: z.unknown() }),
  StepSucceeded: stepSchema,
  StepAwaiting: stepSchema.extend({ deadlineAt: z.string().nullable() }),
  StepFailed: failureSchema,
  DeadlineExpired: stepSchema,
  CompensationSucceeded: stepSchema,
  CompensationFailed: stepSchema.extend(outcomeSchema.shape),
  ProcessResumed: z.object({}),
  ProcessCompleted: z.object({}),
  ProcessCompensated: z.object({}),
};

const processCommands = {
  Start: z.object({ processId: z.string(), data: z.unknown() }),
  RecordStep: stepSchema.extend({ awaiting: z.boolean(), deadlineAt: z.string().nullable() }),
  FailStep: failureSchema,
  CompleteAwaited: stepSchema,
  ExpireDeadline: stepSchema,
  RecordCompensation: stepSchema.extend({ failure: outcomeSchema.optional() }),
  Resume: z.object({}),
  Finish: z.object({}),
};

export interface ProcessHistoryEntry {
  readonly type: string;
  readonly step?: number;
  readonly at: string;
}

/** A process instance's state, rebuilt from its own stream (`process-<name>-<id>`). */
export interface ProcessState<Data = unknown> {
  readonly processId: string;
  readonly status: ProcessStatus;
  readonly data: Data | undefined;
  /** The step running or awaited next (index into the definition's steps). */
  readonly step: number;
  /** Steps whose command took effect, in order: what compensation undoes. */
  readonly effective: readonly number[];
  readonly compensated: readonly number[];
  readonly deadlineAt: string | null;
  readonly failure: ProcessFailure | undefined;
  readonly history: readonly ProcessHistoryEntry[];
}

export type ProcessAggregate = Aggregate<typeof processCommands, typeof processEvents, ProcessState>;

/** The event-sourced state machine of one process manager; `decide` guards every transition. */
export function createProcessAggregate(name: string, stepCount: number): ProcessAggregate {
  return defineAggregate({
    name: `process-${name}`,
    streamPrefix: `process-${name}`,
    commands: processCommands,
    events: processEvents,
    initialState: (): ProcessState => ({
      processId: '',
      status: 'new',
      data: undefined,
      step: 0,
      effective: [],
      compensated: [],
      deadlineAt: null,
      failure: undefined,
      history: [],
    }),
    evolve: (state, event) => {
      const step = 'step' in event.data ? event.data.step : undefined;
      const history = [
        ...state.history,
        { type: event.type, ...(step === undefined ? {} : { step }), at: event.timestamp },
      ];
      const next = { ...state, history };
      switch (event.type) {
        case 'ProcessStarted':
          return { ...next, processId: event.data.processId, data: event.data.data, status: 'running' };
        case 'StepSucceeded':
          return {
            ...next,
            status: 'running',
            step: event.data.step + 1,
            deadlineAt: null,
            effective: addOnce(state.effective, event.data.step),
          };
        case 'StepAwaiting':
          return {
            ...next,
            status: 'awaiting',
            deadlineAt: event.data.deadlineAt,
            effective: addOnce(state.effective, event.data.step),
          };
        case 'StepFailed':
          return { ...next, status: 'compensating', deadlineAt: null, failure: event.data };
        case 'DeadlineExpired':
          return {
            ...next,
            status: 'compensating',
            deadlineAt: null,
            failure: { step: event.data.step, reason: 'timeout', code: 'DEADLINE_EXPIRED', message: 'Step timed out' },
          };
        case 'CompensationSucceeded':
          return { ...next, compensated: addOnce(state.compensated, event.data.step) };
        case 'CompensationFailed':
          return {
            ...next,
            status: 'needs-attention',
            failure: { ...event.data, reason: 'compensation-failed' },
          };
        case 'ProcessResumed':
          return { ...next, status: 'compensating' };
        case 'ProcessCompleted':
          return { ...next, status: 'completed' };
        case 'ProcessCompensated':
          // Refused before anything took effect: nothing moved, so it was rejected, not compensated.
          return {
            ...next,
            status: state.failure?.reason === 'rejected' && state.effective.length === 0 ? 'rejected' : 'compensated',
          };
      }
    },
    decide: (command, state) => {
      const at = (step: number, ...statuses: ProcessStatus[]) => state.step === step && statuses.includes(state.status);
      switch (command.type) {
        case 'Start':
          return state.status === 'new' ? { type: 'ProcessStarted', data: command.data } : [];
        case 'RecordStep': {
          if (!at(command.data.step, 'running')) return [];
          const { step, deadlineAt } = command.data;
          return command.data.awaiting
            ? { type: 'StepAwaiting', data: { step, deadlineAt } }
            : { type: 'StepSucceeded', data: { step } };
        }
        case 'FailStep':
          return at(command.data.step, 'running', 'awaiting') ? { type: 'StepFailed', data: command.data } : [];
        case 'CompleteAwaited':
          return at(command.data.step, 'awaiting') ? { type: 'StepSucceeded', data: command.data } : [];
        case 'ExpireDeadline':
          return at(command.data.step, 'awaiting') ? { type: 'DeadlineExpired', data: command.data } : [];
        case 'RecordCompensation': {
          const { step, failure } = command.data;
          if (state.status !== 'compensating' || state.compensated.includes(step)) return [];
          return failure === undefined
            ? { type: 'CompensationSucceeded', data: { step } }
            : { type: 'CompensationFailed', data: { step, ...failure } };
        }
        case 'Resume':
          return state.status === 'needs-attention' ? { type: 'ProcessResumed', data: {} } : [];
        case 'Finish':
          if (state.status === 'running' && state.step >= stepCount) return { type: 'ProcessCompleted', data: {} };
          if (state.status === 'compensating') return { type: 'ProcessCompensated', data: {} };
          return [];
      }
    },
  });
}

function addOnce(list: readonly number[], value: number): readonly number[] {
  return list.includes(value) ? list : [...list, value];
}
