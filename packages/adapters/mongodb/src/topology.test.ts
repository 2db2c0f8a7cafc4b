import { MongoClient } from 'mongodb';
import { describe, expect, it } from 'vitest';
import { detectTransactions, supportsTransactions } from './topology.js';

// Shapes of real `hello` replies (fields the decision reads, plus neighbours that must not matter).
const replicaSetPrimary = { isWritablePrimary: true, setName: 'rs0', hosts: ['a:27017'], maxWireVersion: 21 };
const replicaSetSecondary = { isWritablePrimary: false, secondary: true, setName: 'rs0', maxWireVersion: 21 };
const mongos = { isWritablePrimary: true, msg: 'isdbgrid', maxWireVersion: 21 };
const oldMongos = { ismaster: true, msg: 'isdbgrid', maxWireVersion: 7 };
const standalone = { isWritablePrimary: true, maxWireVersion: 21, logicalSessionTimeoutMinutes: 30 };

describe('supportsTransactions', () => {
  it('is true for a replica set member and a mongos router of 4.2 or later', () => {
    expect(supportsTransactions(replicaSetPrimary)).toBe(true);
    expect(supportsTransactions(replicaSetSecondary)).toBe(true);
    expect(supportsTransactions(mongos)).toBe(true);
  });

  it('is false for a standalone server and a 4.0 mongos (no sharded transactions)', () => {
    expect(supportsTransactions(standalone)).toBe(false);
    expect(supportsTransactions(oldMongos)).toBe(false);
    expect(supportsTransactions({ msg: 'isdbgrid' })).toBe(false);
  });
});

describe('detectTransactions', () => {
  it('surfaces an unreachable server instead of reading it as standalone', async () => {
    const client = new MongoClient('mongodb://127.0.0.1:1', { serverSelectionTimeoutMS: 200 });
    try {
      await expect(detectTransactions(client.db('never'))).rejects.toMatchObject({ name: 'MongoServerSelectionError' });
    } finally {
      await client.close();
    }
  });
});
