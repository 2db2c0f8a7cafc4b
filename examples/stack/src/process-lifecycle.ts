import { IncompleteStackError } from './choose-infrastructure.js';

/** Anything with an asynchronous `close`: the HTTP server, the application. */
export interface Closable {
  close(): Promise<void>;
}

/**
 * Ctrl-C or SIGTERM closes `closables` in order (server first, then the application and its
 * stores), once, and exits; a failing close exits with 1 after saying so in one line.
 */
export function stopOnSignals(label: string, closables: readonly Closable[]): void {
  let stopping = false;
  async function stop(signal: string) {
    if (stopping) return;
    stopping = true;
    console.log(`\n${signal}: stopping`);
    try {
      for (const closable of closables) await closable.close();
    } catch (error) {
      console.error(`${label}: could not stop cleanly:`, error);
      process.exitCode = 1;
    }
    process.exit();
  }
  process.on('SIGINT', () => void stop('SIGINT'));
  process.on('SIGTERM', () => void stop('SIGTERM'));
}

/**
 * One line instead of a stack: a partial stack configuration (exit 2), or a store it cannot
 * reach (exit 1). Use as `.catch(failToStart(label))`.
 */
export function failToStart(label: string): (error: unknown) => never {
  return (error) => {
    const reason = error instanceof Error ? error.message : String(error);
    console.error(`${label}: ${error instanceof IncompleteStackError ? reason : `cannot start: ${reason}`}`);
    process.exit(error instanceof IncompleteStackError ? 2 : 1);
  };
}
