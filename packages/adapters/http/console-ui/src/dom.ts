// A few DOM helpers: the console renders with plain elements, no framework, to stay small.

type Child = Node | string | number | null | undefined | false;
type Attributes = Record<string, string | number | boolean | EventListener | undefined>;

/** An element with attributes (`on…` keys become listeners) and children. */
export function h<K extends keyof HTMLElementTagNameMap>(
  tag: K,
  attributes: Attributes = {},
  ...children: Child[]
): HTMLElementTagNameMap[K] {
  const element = document.createElement(tag);
  for (const [key, value] of Object.entries(attributes)) {
    if (value === undefined || value === false) continue;
    if (typeof value === 'function') element.addEventListener(key.slice(2), value);
    else element.setAttribute(key, value === true ? '' : String(value));
  }
  append(element, children);
  return element;
}

export function append(parent: Node, children: readonly Child[]): void {
  for (const child of children) {
    if (child === null || child === undefined || child === false) continue;
    parent.appendChild(typeof child === 'object' ? child : document.createTextNode(String(child)));
  }
}

/** Replaces an element's content in one step, so screen readers and layout see one change. */
export function replaceChildren(parent: Element, ...children: Child[]): void {
  const fragment = document.createDocumentFragment();
  append(fragment, children);
  parent.replaceChildren(fragment);
}

/** Fixed column widths, set through the CSSOM: the page's policy allows no inline style attributes. */
export function columns(...widths: string[]): HTMLTableColElement[] {
  return widths.map((width) => {
    const col = document.createElement('col');
    col.style.width = width;
    return col;
  });
}

export function stateBadge(state: string): HTMLElement {
  return h('span', { class: `state ${state}` }, state);
}

export function formatNumber(value: number): string {
  return value.toLocaleString('en-US');
}

export function formatDuration(ms: number): string {
  if (ms < 1_000) return `${Math.round(ms)} ms`;
  const seconds = Math.round(ms / 1_000);
  return seconds < 90 ? `${seconds} s` : `${Math.floor(seconds / 60)} min ${seconds % 60} s`;
}

/** A payload folded by default: a summary line, the JSON on demand. */
export function foldedJson(label: string, value: unknown): HTMLElement {
  return h('details', {}, h('summary', {}, label), h('pre', {}, JSON.stringify(value, null, 2)));
}

/** Asks before an action; resolves true when the operator confirmed. */
export function confirmAction(text: string, actionLabel: string): Promise<boolean> {
  const dialog = document.getElementById('confirm') as HTMLDialogElement;
  (document.getElementById('confirm-text') as HTMLElement).textContent = text;
  (document.getElementById('confirm-ok') as HTMLElement).textContent = actionLabel;
  dialog.returnValue = '';
  dialog.showModal();
  return new Promise((resolve) => {
    dialog.addEventListener('close', () => resolve(dialog.returnValue === 'ok'), { once: true });
  });
}
