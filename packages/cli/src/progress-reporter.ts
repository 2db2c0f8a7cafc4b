import type { RebuildProgress } from '@ordo/projections';
import type { CliIo } from './command.js';

export interface ProgressReporter {
  update(progress: RebuildProgress): void;
  finish(): void;
}

const count = (value: number) => Math.round(value).toLocaleString('en-US');

export function formatDuration(ms: number | undefined): string {
  if (ms === undefined || !Number.isFinite(ms)) return '?';
  const seconds = Math.ceil(ms / 1000);
  if (seconds < 60) return `${seconds}s`;
  const minutes = Math.floor(seconds / 60);
  return minutes < 60
    ? `${minutes}m${String(seconds % 60).padStart(2, '0')}s`
    : `${Math.floor(minutes / 60)}h${minutes % 60}m`;
}

/**
 * Rebuild progress on stderr: a bar redrawn in place on a terminal, otherwise a plain line at most
 * once a second (and always the last one), which logs and CI keep readably.
 */
export function createProgressReporter(io: CliIo, label: string): ProgressReporter {
  let last: RebuildProgress | undefined;
  let lastLine = 0;
  let drawn = false;
  const describe = (p: RebuildProgress) => {
    const percent = p.total === 0 ? 100 : Math.floor((p.done / p.total) * 100);
    return {
      percent,
      text: `${count(p.done)}/${count(p.total)} events  ${count(p.rate)} ev/s  ETA ${p.done >= p.total ? '0s' : formatDuration(p.etaMs)}`,
    };
  };
  return {
    update(progress) {
      last = progress;
      const { percent, text } = describe(progress);
      const now = performance.now();
      if (io.interactive) {
        const width = 30;
        const filled = Math.round((percent / 100) * width);
        io.stderr.write(`\r\x1b[2K${label} [${'#'.repeat(filled)}${'.'.repeat(width - filled)}] ${percent}% ${text}`);
        drawn = true;
        return;
      }
      if (now - lastLine < 1000 && progress.done < progress.total) return;
      lastLine = now;
      io.stderr.write(`${label}: ${percent}% ${text}\n`);
    },
    finish() {
      if (io.interactive && drawn) io.stderr.write('\n');
      else if (!io.interactive && last !== undefined && last.done < last.total) {
        io.stderr.write(`${label}: stopped at ${describe(last).text}\n`);
      }
    },
  };
}
