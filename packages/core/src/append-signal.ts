/**
 * Wakes readers waiting for new events. A reader notes `version` before it reads and, if the
 * read found nothing, waits for a later version: an append between the two is never missed.
 */
export class AppendSignal {
  #version = 0;
  #waiters = new Set<() => void>();

  get version(): number {
    return this.#version;
  }

  /** Resolves once `notify` has run after `seenVersion`, or when `signal` aborts. */
  changedSince(seenVersion: number, signal?: AbortSignal): Promise<void> {
    if (this.#version !== seenVersion || signal?.aborted) return Promise.resolve();
    return new Promise((resolve) => {
      const wake = () => {
        this.#waiters.delete(wake);
        signal?.removeEventListener('abort', wake);
        resolve();
      };
      signal?.addEventListener('abort', wake, { once: true });
      this.#waiters.add(wake);
    });
  }

  notify(): void {
    this.#version += 1;
    for (const wake of [...this.#waiters]) wake();
  }
}
