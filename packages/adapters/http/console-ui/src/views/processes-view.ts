import { ApiError, getJson, pathSegment } from '../api.js';
import { foldedJson, h, replaceChildren, stateBadge } from '../dom.js';

interface ProcessDocument {
  readonly processId: string;
  readonly status: string;
  readonly step: number;
  readonly stepName: string | null;
  readonly deadlineAt: string | null;
  readonly failure: { readonly code?: string; readonly message?: string } | null;
  readonly history: readonly unknown[];
  readonly data: unknown;
}

async function processTable(name: string): Promise<HTMLElement> {
  try {
    const page = await getJson<{ items: { id: string; document: ProcessDocument }[] }>(
      `processes/${pathSegment(name)}`,
    );
    if (page.items.length === 0) return h('p', { class: 'muted' }, 'No instances yet.');
    return h(
      'table',
      { 'aria-label': `Instances of ${name}` },
      h(
        'thead',
        {},
        h(
          'tr',
          {},
          ...['instance', 'status', 'step', 'deadline', 'failure', 'steps and compensations'].map((label) =>
            h('th', { scope: 'col' }, label),
          ),
        ),
      ),
      h(
        'tbody',
        {},
        ...page.items.map(({ document }) =>
          h(
            'tr',
            { 'data-process': document.processId },
            h('th', { scope: 'row' }, document.processId),
            h('td', {}, stateBadge(document.status)),
            h('td', {}, `${document.step} `, h('span', { class: 'muted' }, document.stepName ?? '')),
            h('td', {}, document.deadlineAt ?? '—'),
            h(
              'td',
              { class: 'error' },
              document.failure ? `${document.failure.code ?? ''} ${document.failure.message ?? ''}` : '',
            ),
            h(
              'td',
              {},
              foldedJson(`${document.history.length} entries`, document.history),
              foldedJson('data', document.data),
            ),
          ),
        ),
      ),
    );
  } catch (error) {
    return h('p', { class: 'error' }, error instanceof ApiError ? error.message : String(error));
  }
}

/** Process managers: their instances (the first hundred) with status, step, deadline, failure and history. */
export function processesView(main: HTMLElement, names: readonly string[]): () => void {
  if (names.length === 0) {
    replaceChildren(
      main,
      h('h2', {}, 'Process managers'),
      h('p', { class: 'muted' }, 'This console was given no process managers.'),
    );
    return () => {};
  }
  const panels = names.map((name) => ({ name, body: h('div', {}, h('p', { class: 'muted' }, 'Loading…')) }));
  replaceChildren(
    main,
    h('h2', {}, 'Process managers'),
    ...panels.map(({ name, body }) => h('section', { class: 'panel', 'aria-label': name }, h('h3', {}, name), body)),
  );
  for (const { name, body } of panels) void processTable(name).then((table) => replaceChildren(body, table));
  return () => {};
}
