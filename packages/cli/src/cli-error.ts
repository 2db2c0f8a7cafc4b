import { OrdoError } from '@ordo/core';

/** Exit statuses scripts can branch on; README "Exit codes" documents them. */
export const exitCodes = {
  ok: 0,
  failed: 1,
  usage: 2,
  unavailable: 3,
  storeInUse: 4,
  interrupted: 130,
} as const;

export type ExitCode = (typeof exitCodes)[keyof typeof exitCodes];

/** Every failure the CLI reports on purpose: a stable `code` and the exit status it maps to. */
export class CliError extends OrdoError {
  constructor(
    readonly code: string,
    message: string,
    readonly exitCode: ExitCode = exitCodes.failed,
  ) {
    super(message);
  }
}

/** Bad arguments or options: exit 2, with the command's `--help` hint. */
export class UsageError extends CliError {
  constructor(message: string) {
    super('USAGE', message, exitCodes.usage);
  }
}

/** The config module or the store it opens cannot be used: exit 3. */
export class UnavailableError extends CliError {
  constructor(code: string, message: string) {
    super(code, message, exitCodes.unavailable);
  }
}
