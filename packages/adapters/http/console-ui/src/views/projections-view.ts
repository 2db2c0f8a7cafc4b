import { ApiError, type ProjectionStatus, pathSegment, postAction } from '../api.js';
import { columns, confirmAction, formatDuration, formatNumber, h, replaceChildren, stateBadge } from '../dom.js';
import { lagChart } from '../lag-chart.js';
import type { LagSample, LiveStatus } from '../live-status.js';

interface Row {
  readonly element: HTMLTableRowElement;
  readonly cells: Record<
    'role' | 'state' | 'head' | 'lag' | 'parked' | 'chart' | 'progress' | 'partitions',
    HTMLElement
  >;
}

/** Done fraction and ETA of a rebuild, from how fast its lag fell over the recent samples. */
function rebuildProgress(status: ProjectionStatus, samples: readonly LagSample[]) {
  const done = status.headPosition === 0 ? 1 : (status.headPosition - status.lag) / status.headPosition;
  const first = samples.at(-Math.min(samples.length, 10));
  const last = samples.at(-1);
  let etaMs: number | undefined;
  if (first !== undefined && last !== undefined && last.at > first.at && first.lag > last.lag) {
    const perMs = (first.lag - last.lag) / (last.at - first.at);
    etaMs = last.lag / perMs;
  }
  return { done: Math.max(0, Math.min(1, done)), etaMs };
}

function partitionsTable(status: ProjectionStatus): HTMLElement {
  return h(
    'details',
    {},
    h('summary', {}, `${status.partitions.length} partitions`),
    h(
      'table',
      { 'aria-label': `Partitions of ${status.collection}` },
      h(
        'thead',
        {},
        h('tr', {}, ...['partition', 'checkpoint', 'lag', 'parked', 'state'].map((label) => h('th', {}, label))),
      ),
      h(
        'tbody',
        {},
        ...status.partitions.map((partition) =>
          h(
            'tr',
            {},
            h('td', { class: 'num' }, partition.partition),
            h('td', { class: 'num' }, formatNumber(partition.checkpoint)),
            h('td', { class: 'num' }, formatNumber(partition.lag)),
            h('td', { class: 'num' }, partition.parked),
            h(
              'td',
              {},
              stateBadge(partition.state),
              partition.error ? h('span', { class: 'error' }, ` ${partition.error}`) : null,
            ),
          ),
        ),
      ),
    ),
  );
}

/** Every projection version with its role, state, lag (and a chart of it), parked events and rebuild progress. */
export function projectionsView(main: HTMLElement, live: LiveStatus): () => void {
  const notice = h('p', { class: 'notice', role: 'status', 'aria-live': 'polite' });
  const body = h('tbody');
  const rows = new Map<string, Row>();
  const headings = ['projection', 'role', 'state', 'head', 'lag', 'lag, last 5 min', 'parked', 'rebuild', 'partitions'];
  replaceChildren(
    main,
    h('h2', {}, 'Projections'),
    h(
      'section',
      { class: 'panel' },
      notice,
      h(
        'table',
        { 'aria-label': 'Projections' },
        h('colgroup', {}, ...columns('14%', '9%', '9%', '8%', '7%', '180px', '6%', '18%', '14%')),
        h('thead', {}, h('tr', {}, ...headings.map((label) => h('th', { scope: 'col' }, label)))),
        body,
      ),
    ),
  );

  async function rebuild(name: string): Promise<void> {
    if (
      !(await confirmAction(
        `Rebuild ${name} from position 0 beside the serving version? Queries keep using the serving one until the switch.`,
        'Rebuild',
      ))
    )
      return;
    try {
      await postAction(`projections/${pathSegment(name)}/rebuild`);
      notice.textContent = `Rebuild of ${name} started`;
    } catch (error) {
      notice.textContent = `Rebuild of ${name} refused: ${error instanceof ApiError ? error.message : String(error)}`;
    }
  }

  function rowFor(status: ProjectionStatus): Row {
    const existing = rows.get(status.collection);
    if (existing) return existing;
    const cell = (attributes: Record<string, string> = {}) => h('td', attributes);
    const cells = {
      role: cell(),
      state: cell(),
      head: cell({ class: 'num' }),
      lag: cell({ class: 'num' }),
      chart: cell(),
      parked: cell({ class: 'num' }),
      progress: cell(),
      partitions: cell(),
    };
    const element = h(
      'tr',
      { 'data-collection': status.collection },
      h('th', { scope: 'row' }, `${status.name} `, h('span', { class: 'muted' }, `v${status.version}`)),
      cells.role,
      cells.state,
      cells.head,
      cells.lag,
      cells.chart,
      cells.parked,
      cells.progress,
      cells.partitions,
    );
    const row = { element, cells };
    rows.set(status.collection, row);
    return row;
  }

  function render(statuses: readonly ProjectionStatus[]): void {
    const rebuilding = new Set(statuses.filter((s) => s.role === 'rebuilding').map((s) => s.name));
    const seen = new Set<string>();
    for (const status of statuses) {
      seen.add(status.collection);
      const { element, cells } = rowFor(status);
      replaceChildren(cells.role, stateBadge(status.role));
      replaceChildren(cells.state, stateBadge(status.state));
      cells.head.textContent = formatNumber(status.headPosition);
      cells.lag.textContent = formatNumber(status.lag);
      replaceChildren(cells.chart, lagChart(live.lagHistory(status.collection), `Lag of ${status.collection}`));
      cells.parked.textContent = String(status.parked);
      if (status.role === 'rebuilding') {
        const { done, etaMs } = rebuildProgress(status, live.lagHistory(status.collection));
        const percent = Math.floor(done * 100);
        replaceChildren(
          cells.progress,
          h('progress', { max: 100, value: percent, 'aria-label': `Rebuild of ${status.name}` }),
          h(
            'div',
            { class: 'progress-label' },
            `${percent} %${etaMs === undefined ? '' : ` · about ${formatDuration(etaMs)} left`}`,
          ),
        );
      } else if (
        !cells.progress.querySelector('button') ||
        cells.progress.dataset.busy !== String(rebuilding.has(status.name))
      ) {
        cells.progress.dataset.busy = String(rebuilding.has(status.name));
        replaceChildren(
          cells.progress,
          h(
            'button',
            { type: 'button', disabled: rebuilding.has(status.name), onclick: () => void rebuild(status.name) },
            `Rebuild ${status.name}`,
          ),
        );
      }
      const open = cells.partitions.querySelector('details')?.open ?? false;
      const partitions = partitionsTable(status);
      (partitions as HTMLDetailsElement).open = open;
      replaceChildren(cells.partitions, partitions);
      if (element.parentElement !== body) body.appendChild(element);
    }
    for (const [collection, row] of rows) {
      if (seen.has(collection)) continue;
      row.element.remove();
      rows.delete(collection);
    }
  }

  return live.subscribe(render);
}
