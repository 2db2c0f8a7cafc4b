import { existsSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { OrdoError } from '@ordo/core';

/** The console's page, script and style, bundled at build time into the package's `dist/console-ui`. */
export interface ConsoleAsset {
  readonly body: string;
  readonly contentType: string;
}

const assetTypes: Readonly<Record<string, string>> = {
  'index.html': 'text/html; charset=utf-8',
  'console.js': 'text/javascript; charset=utf-8',
  'console.css': 'text/css; charset=utf-8',
};

export const consoleAssetNames = Object.keys(assetTypes);

/** The console was enabled but its assets were never built (a workspace checkout before `npm run build`). */
export class ConsoleAssetsMissingError extends OrdoError {
  readonly code = 'CONSOLE_ASSETS_MISSING';
  constructor(path: string) {
    super(`The console's assets are missing at ${path}: run \`npm run build -w @ordo/http\``);
  }
}

// From src/console (workspace sources) and dist/console (the published build) alike, two levels up is the package.
const assetsDirectory = new URL('../../dist/console-ui/', import.meta.url);

/**
 * Inside the workspace (this module runs from its TypeScript source) a missing bundle is built on
 * the spot with the package's dev toolchain, so `npm start` and tests need no build step first.
 */
function buildFromSourcesIfMissing(directory: URL): void {
  if (existsSync(new URL('index.html', directory)) || !import.meta.url.endsWith('.ts')) return;
  const script = new URL('../../scripts/build-console-ui.cjs', import.meta.url);
  (createRequire(import.meta.url)(script.pathname) as { buildConsoleUi(): string }).buildConsoleUi();
}

/** Reads every asset once, when the app is created, so a missing build fails at start-up, not on the first visit. */
export function loadConsoleAssets(directory: URL = assetsDirectory): ReadonlyMap<string, ConsoleAsset> {
  buildFromSourcesIfMissing(directory);
  return new Map(
    consoleAssetNames.map((name) => {
      const url = new URL(name, directory);
      try {
        return [name, { body: readFileSync(url, 'utf8'), contentType: assetTypes[name] as string }] as const;
      } catch {
        throw new ConsoleAssetsMissingError(url.pathname);
      }
    }),
  );
}
