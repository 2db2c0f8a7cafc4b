// Bundles the console's page into dist/console-ui at build time, so the published package serves
// static files and needs no front-end toolchain at run time. `node scripts/build-console-ui.cjs --report`
// prints each file's size, raw and gzipped.
const { copyFileSync, mkdirSync, readFileSync, statSync } = require('node:fs');
const { join } = require('node:path');
const { gzipSync } = require('node:zlib');

const root = join(__dirname, '..');
const source = join(root, 'console-ui');
const out = join(root, 'dist', 'console-ui');

function buildConsoleUi() {
  const { buildSync } = require('esbuild');
  mkdirSync(out, { recursive: true });
  buildSync({
    entryPoints: [join(source, 'src', 'main.ts')],
    outfile: join(out, 'console.js'),
    bundle: true,
    format: 'esm',
    target: 'es2022',
    minify: true,
    legalComments: 'none',
    logLevel: 'warning',
  });
  copyFileSync(join(source, 'index.html'), join(out, 'index.html'));
  copyFileSync(join(source, 'console.css'), join(out, 'console.css'));
  return out;
}

module.exports = { buildConsoleUi };

if (require.main === module) {
  buildConsoleUi();
  if (process.argv.includes('--report')) {
    for (const name of ['index.html', 'console.js', 'console.css']) {
      const file = join(out, name);
      console.log(`${name}: ${statSync(file).size} bytes, ${gzipSync(readFileSync(file)).length} gzipped`);
    }
  }
}
