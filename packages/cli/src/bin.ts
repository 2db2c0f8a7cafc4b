import { main } from './main.js';

const controller = new AbortController();
// The first Ctrl-C or SIGTERM asks the command to stop cleanly; repeats (a terminal and the bin
// shim both deliver Ctrl-C) change nothing.
for (const signal of ['SIGINT', 'SIGTERM'] as const) process.on(signal, () => controller.abort(signal));

const code = await main(process.argv.slice(2), {
  stdout: process.stdout,
  stderr: process.stderr,
  interactive: process.stderr.isTTY === true,
  signal: controller.signal,
  env: process.env,
});
process.exitCode = code;
// Stores are closed by then; a stray timer of a user's config must not keep the process alive,
// but output still buffered for a slow pipe must get out first.
process.stdout.write('', () => process.stderr.write('', () => process.exit(code)));
