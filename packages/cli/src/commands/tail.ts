import { integerOption, parseCommandArgs } from '../args.js';
import { exitCodes, UsageError } from '../cli-error.js';
import { type Command, print } from '../command.js';
import { decodeForDisplay, eventJson, eventLine } from '../display-event.js';
import { withConfig } from '../with-config.js';

const help = `Usage: ordo tail [--type <EventType>]... [--prefix <streamPrefix>]... [--from <position>] [--json]

Follows events as they are appended (by any process), upcast like ordo stream, until Ctrl-C or
SIGTERM (exit 0). Read-only: safe while a server runs.

Options:
  --type            only this event type (repeatable)
  --prefix          only streams starting with this prefix, e.g. account- (repeatable)
  --from            start after this global position instead of the current head
  --json            one JSON object per line
  -c, --config      config module (default: $ORDO_CONFIG or ./ordo.config.ts)`;

export const tailCommand: Command = {
  name: 'tail',
  summary: 'follow new events live, filtered by --type and --prefix',
  help,
  async run(argv, io) {
    const { values, positionals } = parseCommandArgs(argv, {
      type: { type: 'string', multiple: true },
      prefix: { type: 'string', multiple: true },
      from: { type: 'string' },
    });
    if (positionals.length > 0) throw new UsageError(`tail takes no arguments, got "${positionals.join(' ')}"`);
    const from = integerOption('from', values.from);
    return withConfig(values.config, io, async (config) => {
      const after = from ?? (await config.store.headPosition());
      const subscription = config.store.subscribe({
        after,
        filter: {
          ...(values.type === undefined ? {} : { eventTypes: values.type }),
          ...(values.prefix === undefined ? {} : { streamIdPrefixes: values.prefix }),
        },
      });
      const stop = () => void subscription.close();
      io.signal.addEventListener('abort', stop, { once: true });
      if (io.signal.aborted) stop();
      // The readiness line: scripts (and tests) append only after seeing it.
      print(io.stderr, `Following events after position ${after} (Ctrl-C to stop)`);
      try {
        for await (const event of subscription) {
          const displayed = decodeForDisplay(config, event);
          print(io.stdout, values.json === true ? eventJson(displayed) : eventLine(displayed));
        }
      } finally {
        io.signal.removeEventListener('abort', stop);
        await subscription.close();
      }
      print(io.stderr, 'Stopped.');
      return exitCodes.ok;
    });
  },
};
