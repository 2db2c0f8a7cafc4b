import { describe, expect, it } from 'vitest';
import { brokerApiVersions, kafkajsApiVersions } from './test-support/api-versions.js';

const brokers = process.env.KAFKA_BROKERS;

/** Every request the relay, the source and the topic helpers make, through kafkajs. */
const usedApis = [
  'ApiVersions',
  'Metadata',
  'CreateTopics',
  'DeleteTopics',
  'InitProducerId',
  'Produce',
  'GroupCoordinator',
  'JoinGroup',
  'SyncGroup',
  'Heartbeat',
  'LeaveGroup',
  'Fetch',
  'ListOffsets',
  'OffsetFetch',
  'OffsetCommit',
];

describe.skipIf(brokers === undefined)('kafkajs protocol versions against the broker', () => {
  // kafkajs sends min(its newest version, the broker's newest) and never checks the broker's oldest (KIP-896).
  it('sends every API Ordo uses at a version the broker still serves', async () => {
    const broker = await brokerApiVersions((brokers ?? '').split(',')[0] ?? '');
    const client = kafkajsApiVersions();
    const rows = usedApis.map((name) => {
      const implemented = client.get(name);
      const served = implemented === undefined ? undefined : broker.get(implemented.key);
      const sent = implemented === undefined || served === undefined ? -1 : Math.min(implemented.max, served.max);
      const ok = served !== undefined && sent >= served.min;
      return { name, kafkajs: implemented?.max, broker: served && `${served.min}..${served.max}`, sent, ok };
    });
    console.info(
      rows.map((r) => `${r.name}: kafkajs <= v${r.kafkajs}, broker ${r.broker}, sends v${r.sent}`).join('\n'),
    );
    expect(rows.filter((row) => !row.ok)).toEqual([]);
  });
});
