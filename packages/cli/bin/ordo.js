#!/usr/bin/env node
// Runs the CLI from its TypeScript sources (workspace) or its build (published), in a child node that
// has tsx and the @ordo/source condition, so user configs written in TypeScript load as they are.
import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

const source = fileURLToPath(new URL('../src/bin.ts', import.meta.url));
const built = fileURLToPath(new URL('../dist/bin.js', import.meta.url));
const entry = existsSync(source) ? source : built;
const child = spawn(
  process.execPath,
  ['--conditions=@ordo/source', '--import', import.meta.resolve('tsx'), entry, ...process.argv.slice(2)],
  { stdio: 'inherit' },
);
// Forwarded: a terminal's Ctrl-C also reaches the child directly, and the CLI ignores the repeat.
for (const signal of ['SIGINT', 'SIGTERM']) process.on(signal, () => child.kill(signal));
child.on('exit', (code, signal) => process.exit(code ?? (signal === null ? 1 : 128 + 15)));
