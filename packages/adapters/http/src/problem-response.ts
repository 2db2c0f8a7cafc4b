import { CommandValidationError, ConcurrencyError, DomainError, OrdoError, type ValidationIssue } from '@ordo/core';
import type { Context, ErrorHandler } from 'hono';
import { HTTPException } from 'hono/http-exception';
import { HttpError } from './http-errors.js';

export const problemContentType = 'application/problem+json';

/** An RFC 9457 problem document; `code` is Ordo's stable machine-readable code. */
export interface Problem {
  readonly type: string;
  readonly title: string;
  readonly status: number;
  readonly code: string;
  readonly detail?: string;
  readonly [extension: string]: unknown;
}

export interface ProblemHandlerOptions {
  /** Sees every error that becomes a 500, so it can be logged; the client never sees its message. */
  readonly onUnexpectedError?: (error: unknown, context: Context) => void;
}

const titles: Readonly<Record<number, string>> = {
  400: 'Bad Request',
  403: 'Forbidden',
  404: 'Not Found',
  408: 'Request Timeout',
  409: 'Conflict',
  412: 'Precondition Failed',
  413: 'Content Too Large',
  415: 'Unsupported Media Type',
  422: 'Unprocessable Content',
  431: 'Request Header Fields Too Large',
  500: 'Internal Server Error',
  503: 'Service Unavailable',
};

// Codes @ordo/projections raises for a caller's mistake, matched by code so any read store's errors map alike.
const clientErrorStatus: Readonly<Record<string, number>> = {
  INVALID_QUERY: 400,
  INVALID_ID: 400,
  COLLECTION_NOT_FOUND: 404,
  UNKNOWN_PROJECTION: 404,
};

/** `INSUFFICIENT_FUNDS` -> `urn:ordo:problem:insufficient-funds`: stable and resolvable without a host. */
export function problemType(code: string): string {
  return `urn:ordo:problem:${code.toLowerCase().replaceAll('_', '-')}`;
}

export function problem(
  status: number,
  code: string,
  detail: string,
  extensions: Record<string, unknown> = {},
): Problem {
  return { ...extensions, type: problemType(code), title: titles[status] ?? 'Error', status, code, detail };
}

function issuesOf(issues: readonly ValidationIssue[]) {
  return issues.map((issue) => ({
    path: issue.path.map((key) => (typeof key === 'number' ? key : String(key))),
    message: issue.message,
    ...(issue.code === undefined ? {} : { code: issue.code }),
  }));
}

/** Maps any thrown value to a problem and the headers that go with it; unknown errors reveal nothing. */
export function toProblem(error: unknown): { problem: Problem; headers: Readonly<Record<string, string>> } {
  if (error instanceof HttpError) {
    return {
      problem: problem(error.status, error.code, error.message, { ...error.extensions }),
      headers: error.headers,
    };
  }
  if (error instanceof CommandValidationError) {
    const detail = `Command ${error.commandType} does not match its schema`;
    return { problem: problem(400, error.code, detail, { issues: issuesOf(error.issues) }), headers: {} };
  }
  if (error instanceof DomainError) {
    const extensions = error.details === undefined ? {} : { details: error.details };
    const rejected = { ...problem(422, error.code, error.message, extensions), type: problemType('DOMAIN_REJECTION') };
    return { problem: rejected, headers: {} };
  }
  if (error instanceof ConcurrencyError) {
    const extensions = { expectedVersion: error.expected, currentVersion: error.actual };
    return { problem: problem(409, error.code, error.message, extensions), headers: {} };
  }
  if (error instanceof OrdoError && Object.hasOwn(clientErrorStatus, error.code)) {
    const issues = (error as { issues?: unknown }).issues;
    const extensions = Array.isArray(issues) ? { issues: issuesOf(issues) } : {};
    return {
      problem: problem(clientErrorStatus[error.code] ?? 400, error.code, error.message, extensions),
      headers: {},
    };
  }
  if (error instanceof HTTPException && error.status < 500) {
    return { problem: problem(error.status, `HTTP_${error.status}`, titles[error.status] ?? 'Error'), headers: {} };
  }
  // An Ordo error reaching here is a server-side fault (e.g. a stored event no longer parses): code only.
  const code = error instanceof OrdoError ? error.code : 'INTERNAL_ERROR';
  return { problem: problem(500, code, 'An unexpected error occurred'), headers: {} };
}

export function problemResponse(error: unknown): Response {
  const { problem: body, headers } = toProblem(error);
  return new Response(JSON.stringify(body), {
    status: body.status,
    headers: { ...headers, 'content-type': problemContentType },
  });
}

/**
 * A hono `onError` handler that answers every error as `application/problem+json`.
 *
 * @example
 * app.onError(createProblemHandler({ onUnexpectedError: (error) => logger.error(error) }));
 */
export function createProblemHandler(options: ProblemHandlerOptions = {}): ErrorHandler {
  return (error, context) => {
    const response = problemResponse(error);
    if (response.status >= 500 && !(error instanceof HttpError)) options.onUnexpectedError?.(error, context);
    return response;
  };
}
