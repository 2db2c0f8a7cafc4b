import { getJson, type Overview } from './api.js';
import { LiveStatus } from './live-status.js';
import { deadLettersView } from './views/dead-letters-view.js';
import { processesView } from './views/processes-view.js';
import { projectionsView } from './views/projections-view.js';
import { streamsView } from './views/streams-view.js';

const main = document.getElementById('main') as HTMLElement;
const connection = document.getElementById('connection') as HTMLElement;
const live = new LiveStatus((text) => {
  connection.textContent = text;
});

const overview = await getJson<Overview>('overview');
if (overview.projections) live.start();
else connection.textContent = 'No projections on this server';

const views: Record<string, () => () => void> = {
  '#/projections': () => projectionsView(main, live),
  '#/dead-letters': () => deadLettersView(main, live),
  '#/streams': () => streamsView(main, overview.streams),
  '#/processes': () => processesView(main, overview.processes),
};

let leave: () => void = () => {};
function show(): void {
  const route = location.hash in views ? location.hash : '#/projections';
  leave();
  leave = (views[route] as () => () => void)();
  for (const link of document.querySelectorAll('nav a')) {
    if (link.getAttribute('href') === route) link.setAttribute('aria-current', 'page');
    else link.removeAttribute('aria-current');
  }
  document.title = `${document.querySelector(`nav a[href="${route}"]`)?.textContent ?? ''} · Ordo Console`;
}
window.addEventListener('hashchange', () => {
  show();
  main.focus();
});
show();
