import { type CommandHandler, createCommandHandler, DomainError, defineAggregate, type EventStore } from '@ordo/core';
import { z } from 'zod';
import type { DeadLetterStore } from '../dead-letter-store.js';
import type { PartitionedEventSource } from '../event-source.js';
import type { RetryOptions } from '../failure-policy.js';
import type { DeadlineStore } from '../process-manager/deadline-store.js';
import { defineProcessManager, type ProcessStep } from '../process-manager/define-process-manager.js';
import type { ProcessDocument } from '../process-manager/process-document.js';
import { createProcessManager, type ProcessManager } from '../process-manager/process-manager.js';
import { createProjectionRunner, type ProjectionRunner } from '../projection-runner.js';
import type { ReadStore } from '../read-store.js';

/** A bank account for process-manager tests: withdrawals beyond the balance and any use after closing are rejected. */
export const account = defineAggregate({
  name: 'Account',
  commands: {
    Open: z.object({ balance: z.number().int().min(0) }),
    Withdraw: z.object({ amount: z.number().int().positive() }),
    Deposit: z.object({ amount: z.number().int().positive() }),
    Close: z.object({}),
  },
  events: {
    AccountOpened: z.object({ balance: z.number().int() }),
    MoneyWithdrawn: z.object({ amount: z.number().int() }),
    MoneyDeposited: z.object({ amount: z.number().int() }),
    AccountClosed: z.object({}),
  },
  initialState: () => ({ open: false, balance: 0 }),
  evolve: (state, event) => {
    switch (event.type) {
      case 'AccountOpened':
        return { open: true, balance: event.data.balance };
      case 'MoneyWithdrawn':
        return { ...state, balance: state.balance - event.data.amount };
      case 'MoneyDeposited':
        return { ...state, balance: state.balance + event.data.amount };
      case 'AccountClosed':
        return { ...state, open: false };
    }
  },
  decide: (command, state) => {
    if (command.type === 'Open') return { type: 'AccountOpened', data: command.data };
    if (!state.open) throw new DomainError('ACCOUNT_CLOSED', 'The account is not open');
    switch (command.type) {
      case 'Withdraw':
        if (command.data.amount > state.balance) throw new DomainError('INSUFFICIENT_FUNDS', 'Balance too low');
        return { type: 'MoneyWithdrawn', data: command.data };
      case 'Deposit':
        return { type: 'MoneyDeposited', data: command.data };
      case 'Close':
        return { type: 'AccountClosed', data: {} };
    }
  },
});

/** A transfer request; its events start and confirm the transfer process. */
export const transfer = defineAggregate({
  name: 'Transfer',
  commands: {
    Request: z.object({ from: z.string(), to: z.string(), amount: z.number().int().positive() }),
    Confirm: z.object({}),
  },
  events: {
    TransferRequested: z.object({ transferId: z.string(), from: z.string(), to: z.string(), amount: z.number().int() }),
    TransferConfirmed: z.object({ transferId: z.string() }),
  },
  initialState: () => ({ id: '' }),
  evolve: (_state, event) => ({ id: event.data.transferId }),
  decide: (command, state) =>
    command.type === 'Request'
      ? { type: 'TransferRequested', data: { transferId: crypto.randomUUID(), ...command.data } }
      : { type: 'TransferConfirmed', data: { transferId: state.id } },
});

const transferData = z.object({ from: z.string(), to: z.string(), amount: z.number().int().positive() });
type TransferData = z.infer<typeof transferData>;
const move = (id: string, type: 'Withdraw' | 'Deposit', amount: number) =>
  ({ target: 'accounts', id, command: { type, data: { amount } } }) as const;

/**
 * Debit the source, credit the target and, with `confirmTimeoutMs`, await `TransferConfirmed`
 * before that deadline. Compensations: refund the source, take the credit back.
 */
export function defineTransferProcess(
  options: { readonly confirmTimeoutMs?: number; readonly partitions?: number } = {},
) {
  const steps: ProcessStep<{ accounts: typeof account }, TransferData, 'TransferRequested' | 'TransferConfirmed'>[] = [
    {
      name: 'debit',
      command: (data) => move(data.from, 'Withdraw', data.amount),
      compensate: (data) => move(data.from, 'Deposit', data.amount),
    },
    {
      name: 'credit',
      command: (data) => move(data.to, 'Deposit', data.amount),
      compensate: (data) => move(data.to, 'Withdraw', data.amount),
    },
  ];
  if (options.confirmTimeoutMs !== undefined) {
    steps.push({ name: 'confirm', awaits: { event: 'TransferConfirmed', timeoutMs: options.confirmTimeoutMs } });
  }
  return defineProcessManager({
    name: 'transfer',
    partitions: options.partitions ?? 3,
    sources: [transfer],
    targets: { accounts: account },
    data: transferData,
    startedBy: {
      TransferRequested: (event) => ({
        processId: event.data.transferId,
        data: { from: event.data.from, to: event.data.to, amount: event.data.amount },
      }),
    },
    correlate: (event) => event.data.transferId,
    steps,
  });
}

export interface TransferWorldOptions {
  readonly store: EventStore;
  readonly readStore: ReadStore;
  readonly deadLetters: DeadLetterStore;
  readonly deadlines: DeadlineStore;
  readonly source: PartitionedEventSource;
  readonly confirmTimeoutMs?: number;
  /** Wraps the account handler the process manager uses (to fail or crash around commands). */
  readonly wrapAccounts?: (accounts: CommandHandler<typeof account>) => CommandHandler<typeof account>;
  readonly retry?: Partial<RetryOptions>;
}

export interface TransferWorld {
  readonly accounts: CommandHandler<typeof account>;
  readonly transfers: CommandHandler<typeof transfer>;
  readonly manager: ProcessManager<TransferData>;
  readonly runner: ProjectionRunner;
  /** Requests a transfer; resolves with its process id. */
  request(from: string, to: string, amount: number): Promise<string>;
  /** Runs the runner until nothing more happens, then returns the process's status document. */
  settle(processId: string): Promise<ProcessDocument | undefined>;
  balance(id: string): Promise<number>;
  /** How many events an account stream holds. */
  eventCount(id: string): Promise<number>;
}

/** Accounts, transfers, the transfer process manager and a runner over the given stores. */
export function createTransferWorld(options: TransferWorldOptions): TransferWorld {
  const accounts = createCommandHandler(account, { store: options.store });
  const transfers = createCommandHandler(transfer, { store: options.store });
  const manager = createProcessManager(
    defineTransferProcess(options.confirmTimeoutMs === undefined ? {} : { confirmTimeoutMs: options.confirmTimeoutMs }),
    {
      store: options.store,
      handlers: { accounts: options.wrapAccounts?.(accounts) ?? accounts },
      deadlines: options.deadlines,
      retry: { maxAttempts: 3, initialDelayMs: 1, maxDelayMs: 5, ...options.retry },
    },
  );
  const runner = createProjectionRunner({
    source: options.source,
    store: options.readStore,
    deadLetters: options.deadLetters,
    projections: [manager.projection],
    retry: { maxAttempts: 2, initialDelayMs: 1, maxDelayMs: 5 },
  });
  return {
    accounts,
    transfers,
    manager,
    runner,
    async request(from, to, amount) {
      const result = await transfers.handle(crypto.randomUUID(), { type: 'Request', data: { from, to, amount } });
      return (result.events[0]?.data as { transferId: string }).transferId;
    },
    async settle(processId) {
      // Each pass appends the next process event; stop once a pass moves nothing.
      for (let head = -1; head !== (await options.store.headPosition()); ) {
        head = await options.store.headPosition();
        await runner.catchUp();
      }
      return (await options.readStore.get<ProcessDocument>('transfer', processId))?.document;
    },
    balance: async (id) => (await accounts.load(id)).state.balance,
    async eventCount(id) {
      let count = 0;
      for await (const _ of options.store.readStream(account.streamId(id))) count += 1;
      return count;
    },
  };
}
