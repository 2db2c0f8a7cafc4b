import { execFile } from 'node:child_process';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Figures } from './suites/sqlite-workloads.js';

const child = join(dirname(fileURLToPath(import.meta.url)), 'workload-child.ts');

export type SampleOutcome = { readonly figures: Figures } | { readonly failed: string };

/** What a killed sample had got through, when it told (`prepared in … s` on stderr). */
const stage = (stderr: string) => {
  const prepared = /prepared in [^;\n]*/.exec(stderr)?.[0];
  return prepared === undefined ? '' : ` (seeding done: ${prepared})`;
};

function sampleOnce(args: readonly string[], timeoutMs: number): Promise<SampleOutcome> {
  return new Promise((resolve) => {
    execFile(
      process.execPath,
      ['--import', 'tsx', '--conditions=@ordo/source', child, ...args],
      { timeout: timeoutMs, maxBuffer: 1 << 20 },
      (error, stdout, stderr) => {
        if (error === null)
          return resolve({ figures: JSON.parse(stdout.trim().split('\n').at(-1) ?? '{}') as Figures });
        const reason = error.killed
          ? `did not finish within the ${timeoutMs / 60_000}-minute sample limit${stage(stderr)}`
          : (/SQLITE_\w+[^\n]*/.exec(stderr)?.[0] ??
            /^\w*Error: [^\n]*/m.exec(stderr)?.[0] ??
            stderr.trim().split('\n')[0] ??
            error.message);
        resolve({ failed: reason });
      },
    );
  });
}

/**
 * Median of each figure over `runs` samples, each in a fresh child process; the first failing
 * sample's reason instead, so a crash is reported rather than hidden.
 */
export async function childMedians(args: readonly string[], runs = 3, timeoutMs = 600_000): Promise<SampleOutcome> {
  const samples: Figures[] = [];
  for (let i = 0; i < runs; i += 1) {
    const outcome = await sampleOnce(args, timeoutMs);
    if ('failed' in outcome) return outcome;
    samples.push(outcome.figures);
  }
  const figures: Figures = {};
  for (const key of Object.keys(samples[0] ?? {})) {
    const sorted = samples.map((s) => s[key] as number).sort((a, b) => a - b);
    figures[key] = sorted[Math.floor(sorted.length / 2)] as number;
  }
  return { figures };
}
