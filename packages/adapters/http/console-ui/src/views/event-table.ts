import type { ConsoleEvent } from '../api.js';
import { columns, foldedJson, formatNumber, h } from '../dom.js';

const headings = ['position', 'stream', 'version', 'type', 'time', 'payload and metadata'];

export function eventRow(event: ConsoleEvent): HTMLTableRowElement {
  return h(
    'tr',
    { 'data-position': event.position },
    h('td', { class: 'num' }, formatNumber(event.position)),
    h('td', {}, event.streamId),
    h('td', { class: 'num' }, event.streamVersion),
    h('td', {}, event.type, h('span', { class: 'muted' }, ` v${event.schemaVersion}`)),
    h('td', {}, h('time', { datetime: event.timestamp }, event.timestamp.replace('T', ' ').replace('Z', ''))),
    h('td', {}, foldedJson('payload', event.data), foldedJson('metadata', event.metadata)),
  );
}

/** A table of events, one row each, columns fixed so rows arriving live do not move the layout. */
export function eventTable(label: string, body: HTMLTableSectionElement): HTMLTableElement {
  return h(
    'table',
    { 'aria-label': label },
    h('colgroup', {}, ...columns('9%', '18%', '7%', '20%', '18%', '28%')),
    h('thead', {}, h('tr', {}, ...headings.map((column) => h('th', { scope: 'col' }, column)))),
    body,
  );
}
