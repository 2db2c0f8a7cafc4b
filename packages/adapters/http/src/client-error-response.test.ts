import { connect } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createOrdoApp } from './create-ordo-app.js';
import { type RunningServer, startServer } from './start-server.js';

let server: RunningServer;
beforeAll(async () => {
  server = await startServer(createOrdoApp());
});
afterAll(async () => {
  await server.close();
});

/** Sends raw bytes and resolves with everything the server answers before it closes. */
function exchange(raw: string): Promise<string> {
  return new Promise((resolve, reject) => {
    const socket = connect(server.port, '127.0.0.1');
    let answer = '';
    socket.setEncoding('utf8');
    socket.on('data', (chunk: string) => {
      answer += chunk;
    });
    socket.on('end', () => resolve(answer));
    socket.on('error', reject);
    socket.write(raw);
  });
}

function problemOf(answer: string) {
  const [head = '', body = ''] = answer.split('\r\n\r\n');
  return { head, problem: JSON.parse(body) as Record<string, unknown> };
}

describe("requests Node's HTTP parser refuses", () => {
  it('answers oversized headers with a 431 problem+json a fetch client can read', async () => {
    const response = await fetch(`${server.url}/health`, { headers: { 'x-padding': 'x'.repeat(20_000) } });
    expect(response.status).toBe(431);
    expect(response.headers.get('content-type')).toBe('application/problem+json');
    expect(await response.json()).toMatchObject({ status: 431, code: 'HEADERS_TOO_LARGE' });
  });

  it('answers an oversized URL with 431 problem+json', async () => {
    const response = await fetch(`${server.url}/accounts/${'x'.repeat(20_000)}`);
    expect(response.status).toBe(431);
    expect(await response.json()).toMatchObject({ code: 'HEADERS_TOO_LARGE' });
  });

  it('answers bad framing with a 400 problem+json', async () => {
    const answer = await exchange('POST /health HTTP/1.1\r\nHost: x\r\nContent-Length: abc\r\n\r\n');
    const { head, problem } = problemOf(answer);
    expect(head).toMatch(/^HTTP\/1\.1 400 Bad Request\r\n/);
    expect(head).toMatch(/Content-Type: application\/problem\+json/);
    expect(problem).toMatchObject({
      status: 400,
      code: 'BAD_REQUEST_FRAMING',
      type: 'urn:ordo:problem:bad-request-framing',
    });
  });

  it('answers a request that is not HTTP at all with a 400 problem+json', async () => {
    const { problem } = problemOf(await exchange('HELLO\r\n\r\n'));
    expect(problem).toMatchObject({ status: 400, code: 'BAD_REQUEST_FRAMING' });
  });
});
