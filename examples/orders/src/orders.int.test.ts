import { describe } from 'vitest';
import { ordersScenario } from './test-support/orders-scenario.js';

const missing = ['ESDB_URL', 'KAFKA_BROKERS', 'MONGODB_URL'].filter((name) => !process.env[name]);
if (missing.length > 0) {
  console.info(
    `orders example on the production stack skipped: set ${missing.join(', ')} (see examples/orders/README.md)`,
  );
}

// EventStoreDB is shared with earlier runs: this run's ids, SKUs, MongoDB databases and topics are its own.
const run = Date.now().toString(36);

describe.skipIf(missing.length > 0)('orders example on EventStoreDB, Kafka and MongoDB', () => {
  ordersScenario({
    env: (store) => ({
      ORDO_MONGODB_DATABASE: `ordo_orders_${run}_${store}`,
      ORDO_KAFKA_TOPIC: `ordo-orders-${run}-${store}`,
    }),
    id: (name) => `${name}-${run}`,
    sku: (name) => `${name}-${run.toUpperCase()}`,
    freshEventStore: false,
  });
});
