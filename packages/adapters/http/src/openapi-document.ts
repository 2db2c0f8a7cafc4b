import { maxEntityIdLength } from '@ordo/core';
import { z } from 'zod';
import type { CommandRoute } from './command-routes.js';
import { idempotencyKeyPattern } from './idempotency-key.js';
import { maxValuesPerIn } from './query-string.js';

/** A JSON object as it appears in the OpenAPI document. */
export type JsonObject = { readonly [key: string]: unknown };

/** One operation a route builder contributes: method, OpenAPI path (`/accounts/{id}`) and its object. */
export interface OpenApiOperation {
  readonly method: 'get' | 'post' | 'put' | 'patch' | 'delete';
  readonly path: string;
  readonly operation: JsonObject;
}

export interface OpenApiInfo {
  readonly title: string;
  readonly version: string;
  readonly description?: string;
}

const pathParameter = /:([A-Za-z_]\w*)(?:\{[^}]*\})?\??/g;

/** `/accounts/:id/commands/deposit` -> `/accounts/{id}/commands/deposit` (hono regex constraints dropped). */
export function toOpenApiPath(honoPath: string): string {
  return honoPath.replace(pathParameter, '{$1}');
}

/** The path parameters a hono path declares, as OpenAPI parameter objects. */
export function pathParameters(honoPath: string): JsonObject[] {
  return [...honoPath.matchAll(pathParameter)].map(([, name]) => ({
    name,
    in: 'path',
    required: true,
    schema: name === 'id' ? idParameterSchema : { type: 'string' },
  }));
}

// The id rule of @ordo/core (`entityIdSchema`), as JSON Schema.
const idParameterSchema = {
  type: 'string',
  minLength: 1,
  maxLength: maxEntityIdLength,
  pattern: '^[^\\u0000-\\u001F\\u007F-\\u009F]+$',
  description: `1 to ${maxEntityIdLength} characters, no control characters`,
};

/** JSON Schema 2020-12 (the dialect of OpenAPI 3.1) of what a client sends or receives. */
export function jsonSchemaOf(schema: z.ZodType, io: 'input' | 'output' = 'input'): JsonObject {
  const { $schema: _dialect, ...rest } = z.toJSONSchema(schema, { io, unrepresentable: 'any' });
  return rest;
}

const problemRef = { $ref: '#/components/schemas/Problem' };

export function problemResponses(statuses: Readonly<Record<number, string>>): JsonObject {
  return Object.fromEntries(
    Object.entries(statuses).map(([status, description]) => [
      status,
      { description, content: { 'application/problem+json': { schema: problemRef } } },
    ]),
  );
}

const problemSchema = {
  type: 'object',
  required: ['type', 'title', 'status', 'code'],
  properties: {
    type: { type: 'string', format: 'uri' },
    title: { type: 'string' },
    status: { type: 'integer' },
    code: { type: 'string' },
    detail: { type: 'string' },
    issues: {
      type: 'array',
      items: {
        type: 'object',
        properties: {
          path: { type: 'array', items: { type: ['string', 'integer'] } },
          message: { type: 'string' },
          code: { type: 'string' },
        },
      },
    },
  },
  additionalProperties: true,
};

const commandAcceptedSchema = {
  type: 'object',
  required: ['id', 'streamId', 'streamVersion', 'position', 'deduplicated'],
  properties: {
    id: { type: 'string' },
    streamId: { type: 'string' },
    streamVersion: { type: 'integer', description: 'Also sent as the ETag.' },
    position: { type: 'integer', description: 'Read-your-writes token; also sent as Ordo-Position.' },
    deduplicated: { type: 'boolean' },
  },
};

export function commandOperations(routes: readonly CommandRoute[]): OpenApiOperation[] {
  return routes.map((route) => ({
    method: 'post',
    path: toOpenApiPath(route.path),
    operation: {
      operationId: `${route.aggregate}.${route.commandType}`,
      tags: [route.aggregate],
      summary: `${route.commandType} (${route.aggregate})`,
      parameters: [
        ...pathParameters(route.path),
        { name: 'If-Match', in: 'header', schema: { type: 'string' }, description: 'Expected stream version, "3".' },
        {
          name: 'Idempotency-Key',
          in: 'header',
          schema: { type: 'string', minLength: 1, maxLength: 255, pattern: idempotencyKeyPattern },
          description:
            'Makes the command idempotent on this resource: a repeat returns the first result. Visible ASCII (! to ~), 1 to 255 characters; reused with another command or body it is a 422 IDEMPOTENCY_KEY_REUSED.',
        },
      ],
      requestBody: { required: true, content: { 'application/json': { schema: jsonSchemaOf(route.schema) } } },
      responses: {
        200: {
          description: 'Command handled',
          headers: {
            ETag: { schema: { type: 'string' } },
            'Ordo-Position': { schema: { type: 'string' } },
          },
          content: { 'application/json': { schema: { $ref: '#/components/schemas/CommandAccepted' } } },
        },
        ...problemResponses({
          400: 'Schema failure or malformed JSON',
          409: 'Version conflict',
          412: 'If-Match failed',
          413: 'Body too large',
          415: 'Not JSON, or a Content-Encoding other than identity',
          422: 'Domain rejection, or an Idempotency-Key reused with another command or body',
          500: 'Unexpected failure',
        }),
      },
    },
  }));
}

/**
 * Assembles an OpenAPI 3.1 document from the operations route builders describe.
 *
 * @example
 * const document = createOpenApiDocument({ title: 'Bank', version: '1.0.0' }, commandOperations(routes));
 */
export function createOpenApiDocument(info: OpenApiInfo, operations: readonly OpenApiOperation[]): JsonObject {
  const paths: Record<string, Record<string, JsonObject>> = {};
  for (const { method, path, operation } of operations) {
    paths[path] = { ...paths[path], [method]: operation };
  }
  return {
    openapi: '3.1.0',
    info,
    paths,
    components: { schemas: { Problem: problemSchema, CommandAccepted: commandAcceptedSchema } },
  };
}

/** The operations of a projection's query routes, with filter parameters from its indexes. */
export function queryOperations(config: {
  readonly name: string;
  readonly resource: string;
  readonly indexes: Readonly<Record<string, string>>;
  readonly document?: z.ZodType;
  readonly maxLimit: number;
}): OpenApiOperation[] {
  const documentSchema = config.document === undefined ? { type: 'object' } : jsonSchemaOf(config.document, 'output');
  const after = {
    name: 'after',
    in: 'query',
    schema: { type: 'integer', minimum: 0 },
    description: 'Read-your-writes: wait until the projection has passed this position (Ordo-Position).',
  };
  const filters = Object.entries(config.indexes).flatMap(([field, type]) => [
    { name: `filter[${field}]`, in: 'query', schema: { type } },
    ...['ne', 'gt', 'gte', 'lt', 'lte', 'in'].map((op) => ({
      name: `filter[${field}][${op}]`,
      in: 'query',
      schema: { type: op === 'in' ? 'string' : type },
      ...(op === 'in' ? { description: `Comma-separated values, at most ${maxValuesPerIn}` } : {}),
    })),
  ]);
  const sortable = ['id', ...Object.keys(config.indexes)];
  const behind = problemResponses({ 503: 'The projection did not reach `after` in time (see Retry-After)' });
  return [
    {
      method: 'get',
      path: `/${config.resource}/{id}`,
      operation: {
        operationId: `${config.name}.get`,
        tags: [config.name],
        parameters: [
          { name: 'id', in: 'path', required: true, schema: idParameterSchema },
          { name: 'If-None-Match', in: 'header', schema: { type: 'string' } },
          after,
        ],
        responses: {
          200: {
            description: 'The document',
            headers: { ETag: { schema: { type: 'string' } } },
            content: { 'application/json': { schema: documentSchema } },
          },
          304: { description: 'Not modified' },
          ...problemResponses({ 404: 'No such document' }),
          ...behind,
        },
      },
    },
    {
      method: 'get',
      path: `/${config.resource}`,
      operation: {
        operationId: `${config.name}.list`,
        tags: [config.name],
        parameters: [
          ...filters,
          {
            name: 'where',
            in: 'query',
            schema: { type: 'string' },
            description: 'JSON: {"field": value | {op: value}}',
          },
          { name: 'sort', in: 'query', schema: { enum: sortable.flatMap((field) => [field, `-${field}`]) } },
          { name: 'limit', in: 'query', schema: { type: 'integer', minimum: 1, maximum: config.maxLimit } },
          { name: 'cursor', in: 'query', schema: { type: 'string' } },
          after,
        ],
        responses: {
          200: {
            description: 'A page of documents',
            content: {
              'application/json': {
                schema: {
                  type: 'object',
                  required: ['items'],
                  properties: {
                    items: {
                      type: 'array',
                      items: {
                        type: 'object',
                        properties: { id: { type: 'string' }, position: { type: 'integer' }, document: documentSchema },
                      },
                    },
                    nextCursor: { type: 'string' },
                  },
                },
              },
            },
          },
          ...problemResponses({ 400: 'Unknown field, operator or bad value' }),
          ...behind,
        },
      },
    },
  ];
}

/** Health, readiness and projection operations. */
export function operationsOperations(prefix: string): OpenApiOperation[] {
  const ok = (description: string) => ({
    description,
    content: { 'application/json': { schema: { type: 'object' } } },
  });
  const name = { name: 'name', in: 'path', required: true, schema: { type: 'string' } };
  return [
    {
      method: 'get',
      path: '/health',
      operation: { operationId: 'health', tags: ['operations'], responses: { 200: ok('Alive') } },
    },
    {
      method: 'get',
      path: '/ready',
      operation: {
        operationId: 'ready',
        tags: ['operations'],
        responses: { 200: ok('Ready'), ...problemResponses({ 503: 'A probe failed or a projection lags' }) },
      },
    },
    {
      method: 'get',
      path: '/metrics',
      operation: {
        operationId: 'metrics',
        tags: ['operations'],
        responses: {
          200: { description: 'Prometheus text format', content: { 'text/plain': { schema: { type: 'string' } } } },
        },
      },
    },
    {
      method: 'get',
      path: prefix,
      operation: { operationId: 'projections.list', tags: ['operations'], responses: { 200: ok('Projection states') } },
    },
    {
      method: 'get',
      path: `${prefix}/{name}`,
      operation: {
        operationId: 'projections.status',
        tags: ['operations'],
        parameters: [name],
        responses: { 200: ok('Status and lag per partition'), ...problemResponses({ 404: 'Unknown projection' }) },
      },
    },
    {
      method: 'get',
      path: `${prefix}/{name}/dead-letters`,
      operation: {
        operationId: 'projections.deadLetters',
        tags: ['operations'],
        parameters: [
          name,
          ...['version', 'partition', 'after', 'limit'].map((param) => ({
            name: param,
            in: 'query',
            schema: { type: 'integer' },
          })),
        ],
        responses: { 200: ok('Parked events'), ...problemResponses({ 400: 'Bad query', 404: 'Unknown projection' }) },
      },
    },
    {
      method: 'post',
      path: `${prefix}/{name}/dead-letters/retry`,
      operation: {
        operationId: 'projections.retryDeadLetters',
        tags: ['operations'],
        parameters: [name],
        requestBody: {
          required: false,
          content: {
            'application/json': {
              schema: { type: 'object', properties: { partitionKey: { type: 'string' } } },
            },
          },
        },
        responses: {
          200: ok('How many were retried'),
          ...problemResponses({ 400: 'Bad body', 404: 'Unknown projection' }),
        },
      },
    },
  ];
}
