import { integerOption, parseCommandArgs, positionals } from '../args.js';
import { blueGreenRebuild } from '../blue-green-rebuild.js';
import { UsageError } from '../cli-error.js';
import type { Command } from '../command.js';
import { findProjection } from '../find-projection.js';
import { withConfig } from '../with-config.js';
import { rebuildOptions, rebuildSafety } from './rebuild.js';

const help = `Usage: ordo replay <projection> --from <position> [--restart] [--assume-offline] [--json] [--config <path>]

Replays a projection from a global position: a new collection starts with every partition's
checkpoint at <position> and applies the events after it in partition order, then replaces the
live collection like a rebuild. Documents come only from the events after <position>: use it for
projections whose documents those events fully determine (e.g. after an archive cut-off).

${rebuildSafety}`;

export const replayCommand: Command = {
  name: 'replay',
  summary: 'rebuild a projection from the events after a position (same safety as rebuild)',
  help,
  async run(argv, io) {
    const { values, positionals: args } = parseCommandArgs(argv, { ...rebuildOptions, from: { type: 'string' } });
    const [name = ''] = positionals(args, ['projection']);
    const from = integerOption('from', values.from);
    if (from === undefined) throw new UsageError('--from <position> is required');
    return withConfig(values.config, io, (config) =>
      blueGreenRebuild(io, config, findProjection(config, name), {
        fromPosition: from,
        batchSize: integerOption('batch-size', values['batch-size']),
        restart: values.restart === true,
        assumeOffline: values['assume-offline'] === true,
        json: values.json === true,
      }),
    );
  },
};
