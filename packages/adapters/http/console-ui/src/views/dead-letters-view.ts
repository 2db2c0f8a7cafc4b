import { ApiError, type DeadLetter, getJson, pathSegment, postAction } from '../api.js';
import { columns, confirmAction, foldedJson, formatNumber, h, replaceChildren } from '../dom.js';
import type { LiveStatus } from '../live-status.js';

function byKey(letters: readonly DeadLetter[]): Map<string, DeadLetter[]> {
  const groups = new Map<string, DeadLetter[]>();
  for (const letter of [...letters].sort((a, b) => a.position - b.position)) {
    groups.set(letter.partitionKey, [...(groups.get(letter.partitionKey) ?? []), letter]);
  }
  return groups;
}

/**
 * Parked events per projection and partition key, oldest first, with their errors. Retrying
 * releases a key's events in order; only a key's oldest event can be skipped, so order holds.
 */
export function deadLettersView(main: HTMLElement, live: LiveStatus): () => void {
  const select = h('select', { id: 'dead-letter-projection' });
  const notice = h('p', { class: 'notice', role: 'status', 'aria-live': 'polite' });
  const list = h('div', { 'aria-live': 'polite' });
  let names: string[] = [];
  replaceChildren(
    main,
    h('h2', {}, 'Dead letters'),
    h(
      'section',
      { class: 'panel' },
      h(
        'form',
        { class: 'inline', onsubmit: (event: Event) => event.preventDefault() },
        h('label', { for: 'dead-letter-projection' }, 'Projection', select),
      ),
      notice,
      list,
    ),
  );

  async function load(): Promise<void> {
    const name = select.value;
    if (name === '') return;
    try {
      const { items } = await getJson<{ items: DeadLetter[] }>(`projections/${pathSegment(name)}/dead-letters`);
      render(name, items);
    } catch (error) {
      replaceChildren(list, h('p', { class: 'error' }, error instanceof ApiError ? error.message : String(error)));
    }
  }

  async function act(description: string, label: string, path: string, body: unknown): Promise<void> {
    if (!(await confirmAction(description, label))) return;
    try {
      const result = await postAction<Record<string, number>>(path, body);
      notice.textContent =
        'applied' in result
          ? `Retried: ${result.applied} applied, ${result.stillParked} still parked`
          : `Skipped position ${result.skipped}`;
    } catch (error) {
      notice.textContent = `Refused: ${error instanceof ApiError ? error.message : String(error)}`;
    }
    await load();
  }

  function render(name: string, letters: readonly DeadLetter[]): void {
    if (letters.length === 0) {
      replaceChildren(list, h('p', { class: 'muted' }, `Nothing parked for ${name}.`));
      return;
    }
    const groups = [...byKey(letters)].map(([key, events]) =>
      h(
        'article',
        { class: 'panel', 'aria-label': `Parked events of ${key}` },
        h(
          'h3',
          {},
          `Key ${key} `,
          h('span', { class: 'muted' }, `(${events.length} parked, partition ${events[0]?.partition}) `),
          h(
            'button',
            {
              type: 'button',
              class: 'primary',
              onclick: () =>
                void act(
                  `Retry the ${events.length} parked event(s) of ${key} in order?`,
                  'Retry',
                  `projections/${pathSegment(name)}/dead-letters/retry`,
                  { partitionKey: key },
                ),
            },
            `Retry ${key}`,
          ),
        ),
        h(
          'table',
          { 'aria-label': `Parked events of ${key}` },
          h('colgroup', {}, ...columns('10%', '26%', '8%', '42%', '14%')),
          h(
            'thead',
            {},
            h(
              'tr',
              {},
              ...['position', 'event', 'attempts', 'error', ''].map((label) => h('th', { scope: 'col' }, label)),
            ),
          ),
          h(
            'tbody',
            {},
            ...events.map((letter, index) =>
              h(
                'tr',
                { 'data-position': letter.position },
                h('td', { class: 'num' }, formatNumber(letter.position)),
                h('td', {}, `${letter.event.type} `, foldedJson('payload', letter.event.data)),
                h('td', { class: 'num' }, letter.attempts),
                h('td', { class: 'error' }, letter.error.code ? `${letter.error.code}: ` : '', letter.error.message),
                h(
                  'td',
                  {},
                  h(
                    'button',
                    {
                      type: 'button',
                      class: 'danger',
                      disabled: index > 0,
                      title: index > 0 ? 'Skip the older events of this key first' : undefined,
                      onclick: () =>
                        void act(
                          `Skip position ${letter.position} (${letter.event.type}) for good? The projection will never apply it.`,
                          'Skip',
                          `projections/${pathSegment(name)}/dead-letters/${letter.position}/skip`,
                          {},
                        ),
                    },
                    `Skip ${letter.position}`,
                  ),
                ),
              ),
            ),
          ),
        ),
      ),
    );
    replaceChildren(list, ...groups);
  }

  select.addEventListener('change', () => void load());
  let lastParked = -1;
  return live.subscribe((statuses) => {
    const serving = [...new Set(statuses.map((status) => status.name))];
    if (serving.join() !== names.join()) {
      const chosen = select.value;
      names = serving;
      replaceChildren(select, ...names.map((name) => h('option', { value: name, selected: name === chosen }, name)));
    }
    const parked = statuses
      .filter((status) => status.name === select.value)
      .reduce((sum, status) => sum + status.parked, 0);
    if (parked !== lastParked) {
      lastParked = parked;
      void load();
    }
  });
}
