import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/** A fresh path in a private temp folder; `remove()` deletes the folder with SQLite's side files. */
export function tempDatabasePath(name: string): { readonly path: string; remove(): void } {
  const dir = mkdtempSync(join(tmpdir(), 'ordo-bench-'));
  return { path: join(dir, name), remove: () => rmSync(dir, { recursive: true, force: true }) };
}
