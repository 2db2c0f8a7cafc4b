import type { ExitCode } from './cli-error.js';

/** Where a command writes, and the signal that tells it to stop (Ctrl-C, SIGTERM). */
export interface CliIo {
  readonly stdout: NodeJS.WritableStream;
  readonly stderr: NodeJS.WritableStream;
  /** stderr is a terminal: progress is drawn as a live bar instead of lines. */
  readonly interactive: boolean;
  readonly signal: AbortSignal;
  readonly env: NodeJS.ProcessEnv;
}

/** One `ordo` sub-command. */
export interface Command {
  readonly name: string;
  readonly summary: string;
  /** Full `--help` text. */
  readonly help: string;
  run(argv: readonly string[], io: CliIo): Promise<ExitCode>;
}

export const print = (stream: NodeJS.WritableStream, text: string) => void stream.write(`${text}\n`);
