import { OrdoError } from '@ordo/core';
import { CliError, type ExitCode, exitCodes, UsageError } from './cli-error.js';
import { type CliIo, type Command, print } from './command.js';
import { dlqCommand } from './commands/dlq.js';
import { mainHelp } from './commands/help.js';
import { rebuildCommand } from './commands/rebuild.js';
import { replayCommand } from './commands/replay.js';
import { statusCommand } from './commands/status.js';
import { streamCommand } from './commands/stream.js';
import { tailCommand } from './commands/tail.js';

export const commands: readonly Command[] = [
  statusCommand,
  rebuildCommand,
  replayCommand,
  dlqCommand,
  streamCommand,
  tailCommand,
];

// Store errors raised after the config loaded still mean "unavailable" or "in use" to a script.
const exitForCode: Readonly<Record<string, ExitCode>> = {
  NOT_AN_ORDO_DATABASE: exitCodes.unavailable,
  SCHEMA_TOO_NEW: exitCodes.unavailable,
  STORE_CLOSED: exitCodes.unavailable,
  READ_ONLY_STORE: exitCodes.unavailable,
  STORE_BUSY: exitCodes.storeInUse,
};

/** Runs one `ordo` invocation and returns its exit status; every failure is one line on stderr. */
export async function main(argv: readonly string[], io: CliIo): Promise<ExitCode> {
  const [name, ...rest] = argv;
  if (name === undefined) {
    print(io.stderr, mainHelp(commands));
    return exitCodes.usage;
  }
  if (name === '--help' || name === '-h' || (name === 'help' && rest.length === 0)) {
    print(io.stdout, mainHelp(commands));
    return exitCodes.ok;
  }
  const command = commands.find((candidate) => candidate.name === (name === 'help' ? rest[0] : name));
  const label = command === undefined ? 'ordo' : `ordo ${command.name}`;
  try {
    if (command === undefined) throw new UsageError(`unknown command "${name === 'help' ? rest[0] : name}"`);
    if (name === 'help' || rest.includes('--help') || rest.includes('-h')) {
      print(io.stdout, command.help);
      return exitCodes.ok;
    }
    return await command.run(rest, io);
  } catch (error) {
    const hint = error instanceof UsageError ? ` (see ${label} --help)` : '';
    if (error instanceof CliError) {
      print(io.stderr, `${label}: ${error.code}: ${error.message}${hint}`);
      return error.exitCode;
    }
    if (error instanceof OrdoError) {
      print(io.stderr, `${label}: ${error.code}: ${error.message}`);
      return exitForCode[error.code] ?? exitCodes.failed;
    }
    const message = error instanceof Error ? error.message : String(error);
    print(io.stderr, `${label}: INTERNAL: ${message.split('\n')[0]}`);
    return exitCodes.failed;
  }
}
