import { createRequire } from 'node:module';
import { connect } from 'node:net';

/** An API's version range: what a broker serves, or what kafkajs implements. */
export interface VersionRange {
  readonly min: number;
  readonly max: number;
}

/** Asks a broker for its ApiVersions (v0, which every broker serves) over a raw socket. */
export function brokerApiVersions(address: string): Promise<Map<number, VersionRange>> {
  const [host = '127.0.0.1', port = '9092'] = address.split(':');
  return new Promise((resolve, reject) => {
    const socket = connect(Number(port), host);
    const clientId = Buffer.from('ordo-probe');
    const body = Buffer.alloc(10 + clientId.length);
    body.writeInt16BE(18, 0); // ApiVersions
    body.writeInt16BE(0, 2);
    body.writeInt32BE(1, 4);
    body.writeInt16BE(clientId.length, 8);
    clientId.copy(body, 10);
    const size = Buffer.alloc(4);
    size.writeInt32BE(body.length);
    socket.write(Buffer.concat([size, body]));
    let received = Buffer.alloc(0);
    socket.on('data', (chunk) => {
      received = Buffer.concat([received, chunk]);
      if (received.length < 4 || received.length < 4 + received.readInt32BE(0)) return;
      socket.end();
      // size, correlation id, error code, then [api key, min, max] entries.
      const count = received.readInt32BE(10);
      const versions = new Map<number, VersionRange>();
      for (let i = 0, at = 14; i < count; i += 1, at += 6) {
        versions.set(received.readInt16BE(at), {
          min: received.readInt16BE(at + 2),
          max: received.readInt16BE(at + 4),
        });
      }
      resolve(versions);
    });
    socket.on('error', reject);
  });
}

interface KafkajsRequests {
  readonly requests: Record<string, { readonly versions: readonly string[] }>;
}

/** The API keys and implemented versions of the installed kafkajs (its internal request table). */
export function kafkajsApiVersions(): Map<string, { readonly key: number; readonly max: number }> {
  const require = createRequire(import.meta.url);
  const keys = require('kafkajs/src/protocol/requests/apiKeys') as Record<string, number>;
  const { requests } = require('kafkajs/src/protocol/requests') as KafkajsRequests;
  const out = new Map<string, { key: number; max: number }>();
  for (const [name, key] of Object.entries(keys)) {
    const versions = requests[name]?.versions ?? [];
    if (versions.length > 0) out.set(name, { key, max: Math.max(...versions.map(Number)) });
  }
  return out;
}
