import type { DeadLetter } from '@ordo/projections';
import { integerOption, parseCommandArgs, positionals } from '../args.js';
import { CliError, exitCodes, UsageError } from '../cli-error.js';
import { type CliIo, type Command, print } from '../command.js';
import type { OrdoConfig } from '../config.js';
import { acquireExclusiveAccess } from '../exclusive-access.js';
import { findProjection } from '../find-projection.js';
import { openParkedRunner } from '../live-runner.js';
import { renderTable } from '../table.js';
import { withConfig } from '../with-config.js';

const help = `Usage: ordo dlq list  <projection> [--key <partitionKey>] [--json]
       ordo dlq retry <projection> [--key <partitionKey>] [--assume-offline]
       ordo dlq skip  <projection> --position <position> [--assume-offline]

Parked (dead-lettered) events of a projection's live collection.
  list   shows them in position order: key, event, attempts and the last error (read-only)
  retry  re-applies them in order, key by key; a key stops at its first event that fails again
  skip   drops one parked event without applying it; its key flows again once nothing is parked

retry and skip change the live collection, so like a rebuild's switch they need the store to
themselves (SQLite: exclusive lock; exit 4 while a server has it open: use the server's
POST /projections/<name>/dead-letters/retry instead, or stop it).

Options:
  --key             only this partition key (by default the stream id)
  --position        the parked event's global position (skip)
  --assume-offline  skip the lock (stores without one): you guarantee no other process runs it
  --json            list as one JSON array
  -c, --config      config module (default: $ORDO_CONFIG or ./ordo.config.ts)`;

export const dlqCommand: Command = {
  name: 'dlq',
  summary: 'list, retry or skip parked events of a projection',
  help,
  async run(argv, io) {
    const { values, positionals: args } = parseCommandArgs(argv, {
      key: { type: 'string' },
      position: { type: 'string' },
      'assume-offline': { type: 'boolean' },
    });
    const [action = '', name = ''] = positionals(args, ['list|retry|skip', 'projection']);
    if (!['list', 'retry', 'skip'].includes(action))
      throw new UsageError(`unknown dlq action "${action}": list, retry or skip`);
    const position = integerOption('position', values.position);
    if (action === 'skip' && position === undefined) throw new UsageError('dlq skip needs --position <position>');
    if (action !== 'skip' && position !== undefined) throw new UsageError(`--position only applies to dlq skip`);
    if (action === 'skip' && values.key !== undefined) throw new UsageError('dlq skip takes --position, not --key');
    return withConfig(values.config, io, async (config) => {
      const { projection } = findProjection(config, name);
      const collection = await config.readStore.resolveAlias(name);
      if (action === 'list') return list(io, config, collection, values.key, values.json === true);
      if (collection === undefined)
        throw new CliError('NOT_STARTED', `${name} has no live collection yet: nothing is parked`);
      const access = acquireExclusiveAccess(config, { assumeOffline: values['assume-offline'] === true });
      try {
        const runner = await openParkedRunner(config, projection, collection);
        if (action === 'retry') {
          const result = await runner.retryParked(name, values.key === undefined ? {} : { partitionKey: values.key });
          print(
            io.stdout,
            `Retried ${name}${values.key === undefined ? '' : ` key ${values.key}`}: ${result.applied} applied, ${result.stillParked} still parked`,
          );
          return exitCodes.ok;
        }
        const [entry] = await config.deadLetters.list(collection, { after: (position ?? 0) - 1, limit: 1 });
        if (entry === undefined || entry.position !== position) {
          throw new CliError('PARKED_EVENT_NOT_FOUND', `${name} has no parked event at position ${position}`);
        }
        await runner.skipParked(name, entry.position);
        print(
          io.stdout,
          `Skipped ${entry.event.type} at position ${entry.position} (key ${entry.partitionKey}) of ${name}`,
        );
        return exitCodes.ok;
      } finally {
        access.release();
      }
    });
  },
};

async function list(
  io: CliIo,
  config: OrdoConfig,
  collection: string | undefined,
  key: string | undefined,
  json: boolean,
) {
  const entries: readonly DeadLetter[] =
    collection === undefined
      ? []
      : await config.deadLetters.list(collection, key === undefined ? {} : { partitionKey: key });
  if (json) {
    print(io.stdout, JSON.stringify(entries));
    return exitCodes.ok;
  }
  if (entries.length === 0) {
    print(io.stdout, 'No parked events.');
    return exitCodes.ok;
  }
  print(
    io.stdout,
    renderTable(
      ['position', 'partition', 'key', 'type', 'stream', 'attempts', 'parked at', 'error'],
      entries.map((entry) => [
        entry.position,
        entry.partition,
        entry.partitionKey,
        entry.event.type,
        `${entry.event.streamId}@${entry.event.streamVersion}`,
        entry.attempts,
        entry.parkedAt,
        `${entry.error.code ?? entry.error.name}: ${entry.error.message}`,
      ]),
    ),
  );
  return exitCodes.ok;
}
