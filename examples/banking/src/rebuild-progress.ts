/** One line of rebuild progress: a bar on a TTY, plain text otherwise. */
export function formatProgress(name: string, done: number, total: number, rate: number, bar: boolean): string {
  const ratio = total === 0 ? 1 : Math.min(1, done / total);
  const eta = rate > 0 && total > done ? `${Math.ceil((total - done) / rate)}s` : '-';
  const figures = `${done.toLocaleString('en-US')}/${total.toLocaleString('en-US')} events, ${Math.round(rate).toLocaleString('en-US')} ev/s, ETA ${eta}`;
  if (!bar) return `${name}: ${Math.floor(ratio * 100)}% ${figures}`;
  const width = 24;
  const filled = Math.round(ratio * width);
  return `${name.padEnd(14)} [${'#'.repeat(filled)}${'-'.repeat(width - filled)}] ${String(Math.floor(ratio * 100)).padStart(3)}% ${figures}`;
}
