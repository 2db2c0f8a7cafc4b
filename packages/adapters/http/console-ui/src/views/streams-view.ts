import { ApiError, type ConsoleEvent, getJson, pathSegment } from '../api.js';
import { h, replaceChildren } from '../dom.js';
import { eventRow, eventTable } from './event-table.js';

const tailRows = 100;

/** A form's submit handler that stays on the page. */
function submitWith(action: () => Promise<void>) {
  return (event: Event) => {
    event.preventDefault();
    void action();
  };
}

function messageOf(error: unknown): string {
  return error instanceof ApiError ? `${error.code}: ${error.message}` : String(error);
}

function lookupPanel(): HTMLElement {
  const input = h('input', {
    id: 'stream-id',
    name: 'stream',
    required: true,
    placeholder: 'account-alice',
    autocomplete: 'off',
  });
  const body = h('tbody');
  const status = h('p', { class: 'notice', role: 'status', 'aria-live': 'polite' });
  const older = h('button', { type: 'button', hidden: true }, 'Older events');
  let nextFrom: number | undefined;

  async function load(from?: number): Promise<void> {
    const query = from === undefined ? '' : `?from=${from}`;
    try {
      const page = await getJson<{ items: ConsoleEvent[]; nextFrom?: number }>(
        `streams/${pathSegment(input.value)}${query}`,
      );
      if (from === undefined) body.replaceChildren();
      for (const event of page.items) body.appendChild(eventRow(event));
      nextFrom = page.nextFrom;
      older.hidden = nextFrom === undefined;
      status.textContent =
        body.rows.length === 0
          ? `No events in ${input.value}`
          : `${body.rows.length} events of ${input.value}, newest first`;
    } catch (error) {
      status.textContent = messageOf(error);
    }
  }
  older.addEventListener('click', () => void load(nextFrom));
  return h(
    'section',
    { class: 'panel', 'aria-labelledby': 'lookup-title' },
    h('h3', { id: 'lookup-title' }, 'Look a stream up'),
    h(
      'form',
      { class: 'inline', onsubmit: submitWith(() => load()) },
      h('label', { for: 'stream-id' }, 'Stream id', input),
      h('button', { type: 'submit', class: 'primary' }, 'Look up'),
    ),
    status,
    eventTable('Stream events', body),
    older,
  );
}

function correlationPanel(): HTMLElement {
  const input = h('input', { id: 'correlation-id', name: 'correlation', required: true, autocomplete: 'off' });
  const body = h('tbody');
  const status = h('p', { class: 'notice', role: 'status', 'aria-live': 'polite' });
  async function find(): Promise<void> {
    try {
      const result = await getJson<{ events: ConsoleEvent[]; scannedFrom: number; headPosition: number }>(
        `correlations/${pathSegment(input.value)}`,
      );
      replaceChildren(body, ...result.events.map(eventRow));
      const streams = new Set(result.events.map((event) => event.streamId)).size;
      status.textContent = `${result.events.length} events in ${streams} streams (positions ${result.scannedFrom} to ${result.headPosition} searched)`;
    } catch (error) {
      status.textContent = messageOf(error);
    }
  }
  return h(
    'section',
    { class: 'panel', 'aria-labelledby': 'correlation-title' },
    h('h3', { id: 'correlation-title' }, 'Follow a correlation id'),
    h(
      'form',
      { class: 'inline', onsubmit: submitWith(() => find()) },
      h('label', { for: 'correlation-id' }, 'Correlation id', input),
      h('button', { type: 'submit', class: 'primary' }, 'Find'),
    ),
    status,
    eventTable('Correlated events', body),
  );
}

function tailPanel(): { element: HTMLElement; stop: () => void } {
  const body = h('tbody');
  const toggle = h('button', { type: 'button', 'aria-pressed': 'false' }, 'Follow the global log');
  let source: EventSource | undefined;
  function stop(): void {
    source?.close();
    source = undefined;
    toggle.textContent = 'Follow the global log';
    toggle.setAttribute('aria-pressed', 'false');
  }
  toggle.addEventListener('click', () => {
    if (source) return stop();
    source = new EventSource('api/tail');
    source.addEventListener('event', (message) => {
      body.insertBefore(eventRow(JSON.parse((message as MessageEvent<string>).data) as ConsoleEvent), body.firstChild);
      while (body.rows.length > tailRows) body.deleteRow(-1);
    });
    toggle.textContent = 'Stop following';
    toggle.setAttribute('aria-pressed', 'true');
  });
  const element = h(
    'section',
    { class: 'panel', 'aria-labelledby': 'tail-title' },
    h('h3', { id: 'tail-title' }, 'Global log, live ', toggle),
    h('div', { class: 'tail' }, eventTable('Global log', body)),
  );
  return { element, stop };
}

/** Streams: look one up and page through it, follow a correlation id across streams, tail the global log. */
export function streamsView(main: HTMLElement, enabled: boolean): () => void {
  if (!enabled) {
    replaceChildren(main, h('h2', {}, 'Streams'), h('p', { class: 'muted' }, 'This console was given no event store.'));
    return () => {};
  }
  const tail = tailPanel();
  replaceChildren(main, h('h2', {}, 'Streams'), lookupPanel(), correlationPanel(), tail.element);
  return tail.stop;
}
