// Installs the comparison peer (Emmett) into bench/.peer, outside the workspace install, so
// users' `npm install` stays lean. emmett-sqlite 0.42.4 asks for an emmett 0.42.4 the registry
// lacks, hence --legacy-peer-deps beside emmett 0.42.0.
import { execFileSync } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const peerDir = join(dirname(fileURLToPath(import.meta.url)), '.peer');
mkdirSync(peerDir, { recursive: true });
writeFileSync(join(peerDir, 'package.json'), JSON.stringify({ name: 'ordo-bench-peer', private: true }, null, 2));
execFileSync(
  'npm',
  [
    'install',
    '--no-audit',
    '--no-fund',
    '--legacy-peer-deps',
    '@event-driven-io/emmett@0.42.0',
    '@event-driven-io/emmett-sqlite@0.42.4',
    // Emmett declares these as peer dependencies, which --legacy-peer-deps leaves out.
    'sqlite3@^5.1.7',
    'async-retry@^1.3.3',
    'commander@^12.1.0',
    'uuid@^10.0.0',
  ],
  { cwd: peerDir, stdio: 'inherit' },
);
