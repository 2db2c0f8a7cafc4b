import { afterAll, describe } from 'vitest';
import { bankingScenario, temporaryDataDirs } from './test-support/banking-scenario.js';

const dataDirs = temporaryDataDirs('ordo-banking-e2e-');
afterAll(() => dataDirs.remove());

describe('banking example over HTTP (a real process on a free port)', () => {
  bankingScenario({
    env: (store) => ({ ORDO_DATA_DIR: dataDirs.of(store) }),
    id: (name) => name,
    freshEventStore: true,
  });
});
