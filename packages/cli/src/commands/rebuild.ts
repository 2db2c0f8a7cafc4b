import { integerOption, parseCommandArgs, positionals } from '../args.js';
import { blueGreenRebuild } from '../blue-green-rebuild.js';
import type { Command } from '../command.js';
import { findProjection } from '../find-projection.js';
import { withConfig } from '../with-config.js';

export const rebuildOptions = {
  restart: { type: 'boolean' },
  'assume-offline': { type: 'boolean' },
  'batch-size': { type: 'string' },
} as const;

export const rebuildSafety = `Safety: the live collection is never written. The build runs beside it, even while a server runs
the projection. The alias switch and the drop of the old collection need the store to themselves:
on SQLite the CLI takes the file's exclusive lock, which fails while any other process has it
open (exit 4, build kept, live untouched; run again once the server is stopped, or rebuild inside
the server with POST /projections/<name>/rebuild). Ctrl-C (or SIGTERM) stops the build at its last
committed batch (exit 130); the same command resumes it.

Options:
  --restart         drop unfinished builds of this projection and start from scratch
  --batch-size      events per partition commit (default 2000); smaller commits resume closer
  --assume-offline  skip the lock (stores without one): you guarantee no other process runs it
  --json            print the result as one JSON line
  -c, --config      config module (default: $ORDO_CONFIG or ./ordo.config.ts)`;

const help = `Usage: ordo rebuild <projection> [--restart] [--assume-offline] [--json] [--config <path>]

Rebuilds a projection (or process manager) blue/green: its newest registered version is built
from position 0 into a new collection <name>_v<N>_rcli<id>, with a live progress bar (events, rate,
ETA) on a terminal and plain progress lines otherwise; then the alias switches atomically and the
old collection is dropped.

${rebuildSafety}`;

export const rebuildCommand: Command = {
  name: 'rebuild',
  summary: 'blue/green rebuild of a projection, with progress; Ctrl-C keeps live untouched',
  help,
  async run(argv, io) {
    const { values, positionals: args } = parseCommandArgs(argv, rebuildOptions);
    const [name = ''] = positionals(args, ['projection']);
    return withConfig(values.config, io, (config) =>
      blueGreenRebuild(io, config, findProjection(config, name), {
        fromPosition: 0,
        batchSize: integerOption('batch-size', values['batch-size']),
        restart: values.restart === true,
        assumeOffline: values['assume-offline'] === true,
        json: values.json === true,
      }),
    );
  },
};
