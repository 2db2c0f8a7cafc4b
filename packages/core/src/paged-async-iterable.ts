/**
 * An async iterable that can also hand out its items a page at a time. Loaders fold thousands
 * of events per call: one await per page instead of one per event is most of a load's overhead.
 */
export interface PagedAsyncIterable<T> extends AsyncIterable<T> {
  pages(): AsyncIterable<readonly T[]>;
}

export function hasPages<T>(items: AsyncIterable<T>): items is PagedAsyncIterable<T> {
  return typeof (items as Partial<PagedAsyncIterable<T>>).pages === 'function';
}

/**
 * Calls `visit` on each item in order, page by page when `items` offers pages, until `visit`
 * returns false; the iterator is closed either way.
 *
 * @example
 * await forEachItem(store.readStream('account-1'), (event) => { total += event.data.amount; return true; });
 */
export async function forEachItem<T>(items: AsyncIterable<T>, visit: (item: T) => boolean): Promise<void> {
  if (hasPages(items)) {
    for await (const page of items.pages()) for (const item of page) if (!visit(item)) return;
    return;
  }
  for await (const item of items) if (!visit(item)) return;
}
