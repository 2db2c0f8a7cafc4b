import type { Duplex } from 'node:stream';
import { problem, problemContentType } from './problem-response.js';

// What Node's HTTP parser refused, by its error code; anything else it refuses is bad framing.
const refusals: Readonly<Record<string, { status: number; code: string; detail: string }>> = {
  HPE_HEADER_OVERFLOW: {
    status: 431,
    code: 'HEADERS_TOO_LARGE',
    detail: 'The request line or headers exceed the server limit (--max-http-header-size, 16 KiB by default)',
  },
  ERR_HTTP_REQUEST_TIMEOUT: { status: 408, code: 'REQUEST_TIMEOUT', detail: 'The request did not arrive in time' },
};
const badFraming = { status: 400, code: 'BAD_REQUEST_FRAMING', detail: 'The request is not well-formed HTTP/1.1' };

type ParserSocket = Duplex & { readonly _httpMessage?: { readonly headersSent?: boolean } | null };

/**
 * A `clientError` listener for a Node HTTP server: the requests its parser refuses (oversized
 * headers or URL, bad framing) get a problem+json answer instead of a bare status line.
 */
export function answerClientError(error: Error & { code?: string }, socket: ParserSocket): void {
  // A reset or half-written answer leaves nothing to say; Node's own default does the same.
  if (error.code === 'ECONNRESET' || !socket.writable || socket._httpMessage?.headersSent === true) {
    socket.destroy();
    return;
  }
  const refusal = refusals[error.code ?? ''] ?? badFraming;
  const answer = problem(refusal.status, refusal.code, refusal.detail);
  const body = JSON.stringify(answer);
  socket.end(
    `HTTP/1.1 ${answer.status} ${answer.title}\r\n` +
      `Content-Type: ${problemContentType}\r\nContent-Length: ${Buffer.byteLength(body)}\r\nConnection: close\r\n\r\n${body}`,
  );
}
