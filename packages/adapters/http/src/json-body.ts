import {
  MalformedJsonError,
  PayloadTooLargeError,
  UnsupportedContentEncodingError,
  UnsupportedMediaTypeError,
} from './http-errors.js';

const jsonMediaType = /^application\/(?:[\w.+-]+\+)?json$/i;
const utf8 = new TextDecoder('utf-8', { fatal: true });

/**
 * How much of a refused body is read and thrown away so the client, still sending, reads the
 * answer (fetch/undici report EPIPE when the server closes mid-upload); past it the server closes.
 */
export const refusedBodyDrainLimit = 1024 * 1024;

/** True for `application/json` and `application/*+json`, parameters (charset) ignored. */
export function isJsonContentType(contentType: string | undefined): boolean {
  if (contentType === undefined) return false;
  const mediaType = contentType.split(';', 1)[0]?.trim() ?? '';
  return jsonMediaType.test(mediaType);
}

/** Reads and discards up to `budget` bytes; true when the body ended within it. */
async function discard(reader: ReadableStreamDefaultReader<Uint8Array>, budget: number): Promise<boolean> {
  let size = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) return true;
    size += value.byteLength;
    if (size > budget) {
      await reader.cancel().catch(() => undefined);
      return false;
    }
  }
}

/** Refuses a request after draining its body (bounded), so the refusal reaches a client still sending. */
async function refuse(request: Request, error: Error, declared: number): Promise<never> {
  const body = request.body;
  const drained =
    body === null || (declared <= refusedBodyDrainLimit && (await discard(body.getReader(), refusedBodyDrainLimit)));
  if (error instanceof PayloadTooLargeError) throw new PayloadTooLargeError(error.limit, !drained);
  throw error;
}

/**
 * Reads a JSON body, counting bytes as they arrive: a body past `limit` is refused as soon as
 * it crosses it (or up front from `Content-Length`), never after buffering all of it.
 * An empty body reads as `undefined`, so the route's schema decides whether it may be absent.
 * Compressed bodies (`Content-Encoding` other than `identity`) are refused with 415.
 */
export async function readJsonBody(request: Request, limit: number): Promise<unknown> {
  const contentType = request.headers.get('content-type') ?? undefined;
  const declaredHeader = request.headers.get('content-length');
  const declared = declaredHeader === null ? 0 : Number(declaredHeader);
  const encoding = request.headers.get('content-encoding')?.trim().toLowerCase();
  if (encoding !== undefined && encoding !== '' && encoding !== 'identity') {
    return refuse(request, new UnsupportedContentEncodingError(encoding), declared);
  }
  if (contentType !== undefined && !isJsonContentType(contentType)) {
    return refuse(request, new UnsupportedMediaTypeError(contentType), declared);
  }
  if (declared > limit) return refuse(request, new PayloadTooLargeError(limit), declared);
  const body = request.body;
  if (body === null || declaredHeader === '0') return undefined;

  const chunks: Uint8Array[] = [];
  let size = 0;
  const reader = body.getReader();
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    size += value.byteLength;
    if (size > limit) {
      const drained = await discard(reader, refusedBodyDrainLimit);
      throw new PayloadTooLargeError(limit, !drained);
    }
    chunks.push(value);
  }
  if (size === 0) return undefined;
  if (contentType === undefined) throw new UnsupportedMediaTypeError(undefined);
  const bytes = chunks.length === 1 && chunks[0] !== undefined ? chunks[0] : Buffer.concat(chunks, size);
  try {
    return JSON.parse(utf8.decode(bytes));
  } catch {
    throw new MalformedJsonError();
  }
}
