import type { Command } from '../command.js';

export function mainHelp(commands: readonly Command[]): string {
  const width = Math.max(...commands.map((command) => command.name.length));
  return `Usage: ordo <command> [options]    (ordo <command> --help for details)

Operate an Ordo application's projections, dead letters and streams.

Commands:
${commands.map((command) => `  ${command.name.padEnd(width)}  ${command.summary}`).join('\n')}

Config: --config <path>, else $ORDO_CONFIG, else ./ordo.config.ts (TypeScript is loaded with tsx).
Exit codes: 0 ok, 1 failed, 2 bad arguments, 3 config or store unavailable, 4 store in use
by another process, 130 interrupted.`;
}
