import type { ProjectionStatus } from '@ordo/projections';

const escapeLabel = (value: string) => value.replaceAll('\\', '\\\\').replaceAll('"', '\\"').replaceAll('\n', '\\n');

/**
 * Projection gauges in the Prometheus text format (0.0.4): lag, checkpoint and parked events per
 * partition, and the head position, labelled by projection, version and role.
 */
export function projectionMetrics(statuses: readonly ProjectionStatus[]): string {
  const lines = [
    '# HELP ordo_projection_lag Positions between the source head and what a partition has reached.',
    '# TYPE ordo_projection_lag gauge',
  ];
  const checkpoints = [
    '# HELP ordo_projection_checkpoint Last committed position of a partition.',
    '# TYPE ordo_projection_checkpoint gauge',
  ];
  const parked = [
    '# HELP ordo_projection_parked Parked (dead-lettered) events of a partition.',
    '# TYPE ordo_projection_parked gauge',
  ];
  const heads = [
    '# HELP ordo_projection_head_position Source head position seen by a projection.',
    '# TYPE ordo_projection_head_position gauge',
  ];
  for (const status of statuses) {
    const base = `projection="${escapeLabel(status.name)}",version="${status.version}",role="${status.role}"`;
    heads.push(`ordo_projection_head_position{${base}} ${status.headPosition}`);
    for (const partition of status.partitions) {
      const labels = `{${base},partition="${partition.partition}"}`;
      lines.push(`ordo_projection_lag${labels} ${partition.lag}`);
      checkpoints.push(`ordo_projection_checkpoint${labels} ${partition.checkpoint}`);
      parked.push(`ordo_projection_parked${labels} ${partition.parked}`);
    }
  }
  return `${[...lines, ...checkpoints, ...parked, ...heads].join('\n')}\n`;
}
