const lingerExpired = Symbol('linger');

/**
 * Groups an async iterator's items into batches of at most `maxSize`: a batch starts with the next
 * item and takes whatever else arrives within `lingerMs`. A pending pull is carried over to the
 * next batch, so nothing is lost or reordered.
 */
export async function* lingerBatches<T>(
  source: AsyncIterator<T>,
  options: { readonly maxSize: number; readonly lingerMs: number },
): AsyncGenerator<T[]> {
  let pending: Promise<IteratorResult<T>> | undefined;
  while (true) {
    pending ??= source.next();
    const first = await pending;
    pending = undefined;
    if (first.done) return;
    const batch = [first.value];
    const deadline = Date.now() + options.lingerMs;
    while (batch.length < options.maxSize) {
      pending ??= source.next();
      const remaining = deadline - Date.now();
      let timer: NodeJS.Timeout | undefined;
      const next = await Promise.race([
        pending,
        new Promise<typeof lingerExpired>((resolve) => {
          timer = setTimeout(() => resolve(lingerExpired), Math.max(remaining, 0));
        }),
      ]);
      clearTimeout(timer);
      if (next === lingerExpired) break;
      pending = undefined;
      if (next.done) {
        yield batch;
        return;
      }
      batch.push(next.value);
    }
    yield batch;
  }
}
