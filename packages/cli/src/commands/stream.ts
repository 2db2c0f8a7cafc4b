import { loadAggregate } from '@ordo/core';
import { integerOption, parseCommandArgs, positionals } from '../args.js';
import { CliError, exitCodes, UsageError } from '../cli-error.js';
import { type CliIo, type Command, print } from '../command.js';
import type { OrdoConfig } from '../config.js';
import { aggregateFor, decodeForDisplay, eventJson, eventLine } from '../display-event.js';
import { withConfig } from '../with-config.js';

const help = `Usage: ordo stream <streamId> [--from <version>] [--to <version>] [--json]
       ordo stream <streamId> --state [--at <version|ISO time>] [--json]

Prints a stream's events, upcast and validated through the codec of the aggregate whose stream
prefix matches (account-42 -> the aggregate with prefix "account"); events no aggregate decodes
are printed as stored and marked. With --state, prints the aggregate's state folded from its
events: now, as of a stream version (--at 3) or as of an instant (--at 2026-01-31T12:00:00Z).

Options:
  --from, --to      stream version range, inclusive (events mode)
  --state           print the aggregate state instead of the events
  --at              with --state: a stream version (integer) or an ISO-8601 time
  --json            events as JSON lines; state as one JSON document
  -c, --config      config module (default: $ORDO_CONFIG or ./ordo.config.ts)`;

export const streamCommand: Command = {
  name: 'stream',
  summary: "a stream's events (upcast), or its aggregate state now / at a version / at a time",
  help,
  async run(argv, io) {
    const { values, positionals: args } = parseCommandArgs(argv, {
      from: { type: 'string' },
      to: { type: 'string' },
      state: { type: 'boolean' },
      at: { type: 'string' },
    });
    const [streamId = ''] = positionals(args, ['streamId']);
    const from = integerOption('from', values.from);
    const to = integerOption('to', values.to);
    if (values.state === true && (from !== undefined || to !== undefined)) {
      throw new UsageError('--from/--to select events; with --state use --at');
    }
    if (values.state !== true && values.at !== undefined) throw new UsageError('--at needs --state');
    const at = values.at === undefined ? undefined : parseAt(values.at);
    return withConfig(values.config, io, async (config) => {
      const [first] = await collect(config.store.readStream(streamId, { maxCount: 1 }));
      if (first === undefined) throw new CliError('STREAM_NOT_FOUND', `Stream ${streamId} has no events`);
      if (values.state === true) return printState(io, config, streamId, at, values.json === true);
      for await (const event of config.store.readStream(streamId, {
        ...(from === undefined ? {} : { from }),
        ...(to === undefined ? {} : { to }),
      })) {
        const displayed = decodeForDisplay(config, event);
        print(io.stdout, values.json === true ? eventJson(displayed) : eventLine(displayed));
      }
      return exitCodes.ok;
    });
  },
};

type At = { readonly atVersion: number } | { readonly asOf: string };

function parseAt(value: string): At {
  if (/^\d+$/.test(value)) return { atVersion: Number(value) };
  const time = Date.parse(value);
  if (Number.isNaN(time)) throw new UsageError(`--at must be a stream version or an ISO-8601 time, got "${value}"`);
  return { asOf: new Date(time).toISOString() };
}

async function printState(io: CliIo, config: OrdoConfig, streamId: string, at: At | undefined, json: boolean) {
  const aggregate = aggregateFor(config, streamId);
  if (aggregate === undefined) {
    const prefixes = (config.aggregates ?? []).map((a) => `${a.streamPrefix}-`).join(', ') || 'none configured';
    throw new CliError('NO_AGGREGATE', `No aggregate in the config owns ${streamId} (stream prefixes: ${prefixes})`);
  }
  const loaded = await loadAggregate(aggregate, streamId, { store: config.store }, at ?? {});
  if (loaded.streamVersion === 0) {
    throw new CliError('NO_STATE_AT', `${streamId} has no events at or before ${JSON.stringify(at)}`);
  }
  const result = {
    streamId,
    aggregate: aggregate.name,
    streamVersion: loaded.streamVersion,
    ...at,
    state: loaded.state,
  };
  if (json) print(io.stdout, JSON.stringify(result));
  else {
    const where = at === undefined ? 'now' : 'atVersion' in at ? `at version ${at.atVersion}` : `as of ${at.asOf}`;
    print(io.stdout, `${aggregate.name} ${streamId} ${where} (stream version ${loaded.streamVersion}):`);
    print(io.stdout, JSON.stringify(loaded.state, null, 2));
  }
  return exitCodes.ok;
}

async function collect<T>(iterable: AsyncIterable<T>): Promise<T[]> {
  const items: T[] = [];
  for await (const item of iterable) items.push(item);
  return items;
}
