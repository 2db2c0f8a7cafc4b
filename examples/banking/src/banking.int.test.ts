import { describe } from 'vitest';
import { bankingScenario } from './test-support/banking-scenario.js';

const missing = ['ESDB_URL', 'KAFKA_BROKERS', 'MONGODB_URL'].filter((name) => !process.env[name]);
if (missing.length > 0) {
  console.info(
    `banking example on the production stack skipped: set ${missing.join(', ')} (see examples/banking/README.md)`,
  );
}

// EventStoreDB is shared with earlier runs: this run's ids, MongoDB databases and topics are its own.
const run = Date.now().toString(36);

describe.skipIf(missing.length > 0)('banking example on EventStoreDB, Kafka and MongoDB (a real process)', () => {
  bankingScenario({
    env: (store) => ({
      ORDO_MONGODB_DATABASE: `ordo_banking_${run}_${store}`,
      ORDO_KAFKA_TOPIC: `ordo-banking-${run}-${store}`,
    }),
    id: (name) => `${name}-${run}`,
    freshEventStore: false,
  });
});
