import { defineConfig } from 'vitest/config';

// Workspace packages resolve to their TypeScript sources, so tests never wait for a build.
// No `module` condition: the OpenTelemetry packages' `module` builds import without file extensions, which Node rejects.
// No `import` condition: vitest hands these to Node as --conditions, and `require('pg-pool')` would then load its ESM build.
const resolve = { conditions: ['@ordo/source', 'node', 'default'] };

export default defineConfig({
  resolve,
  ssr: { resolve: { conditions: resolve.conditions, externalConditions: ['@ordo/source'] } },
  test: {
    projects: [
      {
        extends: true,
        test: {
          name: 'unit',
          include: ['{packages,examples,bench}/**/src/**/*.test.ts'],
          exclude: ['**/*.int.test.ts', '**/node_modules/**', '**/dist/**'],
          testTimeout: 30_000,
        },
      },
      {
        extends: true,
        test: {
          name: 'integration',
          include: ['{packages,examples}/**/src/**/*.int.test.ts'],
          exclude: ['**/node_modules/**', '**/dist/**'],
          testTimeout: 120_000,
          fileParallelism: false,
        },
      },
    ],
  },
});
