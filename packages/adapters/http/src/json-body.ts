import { MalformedJsonError, PayloadTooLargeError, UnsupportedMediaTypeError } from './http-errors.js';

const jsonMediaType = /^application\/(?:[\w.+-]+\+)?json$/i;
const utf8 = new TextDecoder('utf-8', { fatal: true });

/** True for `application/json` and `application/*+json`, parameters (charset) ignored. */
export function isJsonContentType(contentType: string | undefined): boolean {
  if (contentType === undefined) return false;
  const mediaType = contentType.split(';', 1)[0]?.trim() ?? '';
  return jsonMediaType.test(mediaType);
}

/**
 * Reads a JSON body, counting bytes as they arrive: a body past `limit` is refused as soon as
 * it crosses it (or up front from `Content-Length`), never after buffering all of it.
 * An empty body reads as `undefined`, so the route's schema decides whether it may be absent.
 */
export async function readJsonBody(request: Request, limit: number): Promise<unknown> {
  const contentType = request.headers.get('content-type') ?? undefined;
  if (contentType !== undefined && !isJsonContentType(contentType)) throw new UnsupportedMediaTypeError(contentType);
  const declared = request.headers.get('content-length');
  if (declared !== null && Number(declared) > limit) throw new PayloadTooLargeError(limit);
  const body = request.body;
  if (body === null || declared === '0') return undefined;

  const chunks: Uint8Array[] = [];
  let size = 0;
  const reader = body.getReader();
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    size += value.byteLength;
    if (size > limit) {
      await reader.cancel().catch(() => undefined);
      throw new PayloadTooLargeError(limit);
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
