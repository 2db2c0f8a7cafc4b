import { parseCommandArgs, positionals } from '../args.js';
import { exitCodes } from '../cli-error.js';
import { type Command, print } from '../command.js';
import { findProjection, listProjections } from '../find-projection.js';
import { type ProjectionReport, reportProjection } from '../projection-report.js';
import { renderTable } from '../table.js';
import { withConfig } from '../with-config.js';

const help = `Usage: ordo status [<projection>] [--json] [--config <path>]

Every projection and process manager (or just <projection>): registered and live version, state,
lag per partition (head position minus the position each partition has passed) and parked events.
Read-only: safe while a server runs the projections.

States: caught-up, behind, not-started (no alias yet), version-pending (a newer version is
registered; the runner builds it on its next start).

Options:
  --json            one JSON document: { headPosition, projections: [...] }
  -c, --config      config module (default: $ORDO_CONFIG or ./ordo.config.ts)`;

export const statusCommand: Command = {
  name: 'status',
  summary: 'projections and process managers: version, state, lag per partition, parked',
  help,
  async run(argv, io) {
    const { values, positionals: args } = parseCommandArgs(argv, {});
    if (args.length > 1) positionals(args, ['projection']);
    return withConfig(values.config, io, async (config) => {
      const named = args[0] === undefined ? listProjections(config) : [findProjection(config, args[0])];
      const reports: ProjectionReport[] = [];
      for (const projection of named) reports.push(await reportProjection(config, projection));
      const headPosition = await config.store.headPosition();
      if (values.json === true) {
        print(io.stdout, JSON.stringify({ headPosition, projections: reports }, null, 2));
        return exitCodes.ok;
      }
      print(io.stdout, `Store head: position ${headPosition}\n`);
      print(io.stdout, renderStatusTable(reports));
      const processes = reports.filter((report) => report.instances !== undefined);
      for (const report of processes) {
        const counts = Object.entries(report.instances ?? {}).map(([status, count]) => `${count} ${status}`);
        print(io.stdout, `\n${report.name} instances: ${counts.join(', ') || 'none'}`);
      }
      if (reports.some((report) => !report.lagExact)) {
        print(io.stdout, '\n* lag is an upper bound: the projection is too far behind to scan exactly');
      }
      return exitCodes.ok;
    });
  },
};

function renderStatusTable(reports: readonly ProjectionReport[]): string {
  return renderTable(
    ['projection', 'kind', 'version', 'live', 'state', 'lag', 'parked', 'lag by partition'],
    reports.map((report) => [
      report.name,
      report.kind,
      `v${report.version}`,
      report.collection ?? '-',
      report.state,
      report.lagExact ? report.lag : `${report.lag}*`,
      report.parked,
      report.partitions.map((partition) => `p${partition.partition}:${partition.lag}`).join(' ') || '-',
    ]),
  );
}
