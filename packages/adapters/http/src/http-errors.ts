import { OrdoError } from '@ordo/core';

/** An error that already knows its HTTP status; the problem handler renders it as problem+json. */
export abstract class HttpError extends OrdoError {
  abstract readonly status: number;
  /** Extra problem members (RFC 9457 extensions) beside `type`, `title`, `status`, `code`. */
  get extensions(): Readonly<Record<string, unknown>> {
    return {};
  }
  /** Response headers the status calls for (`Retry-After`, `ETag`, ...). */
  get headers(): Readonly<Record<string, string>> {
    return {};
  }
}

/** The request body is not valid JSON (or not UTF-8). */
export class MalformedJsonError extends HttpError {
  readonly code = 'MALFORMED_JSON';
  readonly status = 400;
  constructor() {
    super('The request body is not valid JSON');
  }
}

/** A header's value cannot be understood (e.g. an `If-Match` that is not an entity tag). */
export class InvalidHeaderError extends HttpError {
  readonly code = 'INVALID_HEADER';
  readonly status = 400;
  constructor(
    readonly header: string,
    reason: string,
  ) {
    super(`Header ${header} is invalid: ${reason}`);
  }
  override get extensions() {
    return { header: this.header };
  }
}

/** A request body (other than a command's, which is `INVALID_COMMAND`) does not match its schema. */
export class InvalidBodyError extends HttpError {
  readonly code = 'INVALID_BODY';
  readonly status = 400;
  constructor(readonly issues: readonly { readonly path: readonly (string | number)[]; readonly message: string }[]) {
    super(
      `The request body is invalid: ${issues.map((issue) => `${issue.path.join('.')}: ${issue.message}`).join('; ')}`,
    );
  }
  override get extensions() {
    return { issues: this.issues };
  }
}

/** No route, or no document with that id. */
export class NotFoundError extends HttpError {
  readonly code: string;
  readonly status = 404;
  constructor(code: 'ROUTE_NOT_FOUND' | 'DOCUMENT_NOT_FOUND', message: string) {
    super(message);
    this.code = code;
  }
}

/** `If-Match` named a version the stream is not at (or a tag that is no stream version). */
export class PreconditionFailedError extends HttpError {
  readonly code = 'PRECONDITION_FAILED';
  readonly status = 412;
  constructor(
    readonly expected: string,
    readonly actual: number,
  ) {
    super(
      /^\d+$/.test(expected)
        ? `If-Match expected version ${expected} but the stream is at ${actual}`
        : `If-Match ${expected} is not a stream version (a weak query ETag only validates caches); the stream is at ${actual}, send If-Match: "${actual}"`,
    );
  }
  override get extensions() {
    return { expectedVersion: this.expected, currentVersion: this.actual };
  }
  override get headers() {
    return { etag: `"${this.actual}"` };
  }
}

/** The body is larger than the route accepts; raised while streaming, before buffering it all. */
export class PayloadTooLargeError extends HttpError {
  readonly code = 'PAYLOAD_TOO_LARGE';
  readonly status = 413;
  constructor(
    readonly limit: number,
    /** The rest of the body was not read (it was too large to drain): the connection is closed. */
    readonly unread = false,
  ) {
    super(`The request body exceeds ${limit} bytes`);
  }
  override get extensions() {
    return { limit: this.limit };
  }
  override get headers(): Readonly<Record<string, string>> {
    return this.unread ? { connection: 'close' } : {};
  }
}

/** `Idempotency-Key` was first used with another command or another body on this resource. */
export class IdempotencyKeyReusedError extends HttpError {
  readonly code = 'IDEMPOTENCY_KEY_REUSED';
  readonly status = 422;
  constructor(readonly idempotencyKey: string) {
    super(
      `Idempotency-Key ${idempotencyKey} was already used with another command or body on this resource; use a new key`,
    );
  }
  override get extensions() {
    return { idempotencyKey: this.idempotencyKey };
  }
}

/** A `Content-Encoding` other than `identity`: bodies are read as they come, never decompressed. */
export class UnsupportedContentEncodingError extends HttpError {
  readonly code = 'UNSUPPORTED_CONTENT_ENCODING';
  readonly status = 415;
  constructor(readonly contentEncoding: string) {
    super(`Content-Encoding ${contentEncoding} is not supported; send the body uncompressed`);
  }
  override get extensions() {
    return { contentEncoding: this.contentEncoding };
  }
  override get headers() {
    return { 'accept-encoding': 'identity' };
  }
}

/** The body is not JSON (`Content-Type` must be `application/json` or `application/*+json`). */
export class UnsupportedMediaTypeError extends HttpError {
  readonly code = 'UNSUPPORTED_MEDIA_TYPE';
  readonly status = 415;
  constructor(readonly contentType: string | undefined) {
    super(`Content-Type ${contentType ?? '(none)'} is not supported; send application/json`);
  }
}

/** A read-your-writes query waited its bound and the projection had not reached the position. */
export class ProjectionBehindError extends HttpError {
  readonly code = 'PROJECTION_BEHIND';
  readonly status = 503;
  constructor(
    readonly projection: string,
    readonly position: number,
    readonly lag: unknown,
    readonly retryAfterSeconds: number,
  ) {
    super(`Projection ${projection} has not reached position ${position} yet`);
  }
  override get extensions() {
    return { projection: this.projection, position: this.position, lag: this.lag };
  }
  override get headers() {
    return { 'retry-after': String(this.retryAfterSeconds) };
  }
}

/** Readiness failed: a store is unreachable or a projection lags beyond its bound. */
export class NotReadyError extends HttpError {
  readonly code = 'NOT_READY';
  readonly status = 503;
  constructor(readonly checks: Readonly<Record<string, unknown>>) {
    super('The service is not ready');
  }
  override get extensions() {
    return { checks: this.checks };
  }
  override get headers() {
    return { 'retry-after': '1' };
  }
}

/** A rebuild of this projection is already running in this process. */
export class RebuildInProgressError extends HttpError {
  readonly code = 'REBUILD_IN_PROGRESS';
  readonly status = 409;
  constructor(readonly projection: string) {
    super(`Projection ${projection} is already being rebuilt`);
  }
  override get extensions() {
    return { projection: this.projection };
  }
}
