/** A bounded single-consumer queue: `push` waits while it is full, iteration ends after `close`. */
export class AsyncQueue<T> implements AsyncIterable<T> {
  readonly #items: T[] = [];
  #closed = false;
  #wakeReader: (() => void) | undefined;
  #wakeWriters: (() => void)[] = [];

  constructor(readonly capacity: number) {}

  async push(item: T): Promise<boolean> {
    while (this.#items.length >= this.capacity && !this.#closed) {
      await new Promise<void>((resolve) => this.#wakeWriters.push(resolve));
    }
    if (this.#closed) return false;
    this.#items.push(item);
    this.#wakeReader?.();
    return true;
  }

  close(): void {
    this.#closed = true;
    this.#wakeReader?.();
    for (const wake of this.#wakeWriters.splice(0)) wake();
  }

  async *[Symbol.asyncIterator](): AsyncIterator<T> {
    while (true) {
      const item = this.#items.shift();
      if (item !== undefined) {
        this.#wakeWriters.shift()?.();
        yield item;
        continue;
      }
      if (this.#closed) return;
      await new Promise<void>((resolve) => {
        this.#wakeReader = resolve;
      });
      this.#wakeReader = undefined;
    }
  }
}
