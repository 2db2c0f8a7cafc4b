import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const peerModules = join(dirname(fileURLToPath(import.meta.url)), '..', '.peer', 'node_modules', '@event-driven-io');

/** Loads an Emmett package installed by `npm run bench:setup`, or undefined when it is absent. */
export async function loadPeer<Module>(pkg: 'emmett' | 'emmett-sqlite'): Promise<Module | undefined> {
  const entry = join(peerModules, pkg, 'dist', 'index.js');
  if (!existsSync(entry)) return undefined;
  return (await import(pathToFileURL(entry).href)) as Module;
}

export function peerMissingNote(): string {
  return 'Emmett is not installed: run `npm run bench:setup` to compare side by side.';
}
