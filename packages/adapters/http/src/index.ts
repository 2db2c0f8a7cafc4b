export {
  type AnyCommandHandler,
  type CommandRoute,
  type CommandRoutesOptions,
  createCommandRoutes,
  defaultBodyLimit,
  describeCommandRoutes,
  positionHeader,
  registerCommandRoutes,
} from './command-routes.js';
export { ConsoleAssetsMissingError } from './console/console-assets.js';
export { ConsoleActionRefusedError, consoleActionHeader } from './console/console-csrf.js';
export type { ConsoleEventReader, ConsoleOptions, ConsoleProcessManager } from './console/console-options.js';
export { consolePath, createConsoleRoutes } from './console/console-routes.js';
export { type CommandsConfig, createOrdoApp, type OrdoAppOptions } from './create-ordo-app.js';
export { expectedVersionFromIfMatch, formatEntityTag, ifNoneMatchHits } from './entity-tag.js';
export {
  HttpError,
  InvalidBodyError,
  InvalidHeaderError,
  MalformedJsonError,
  NotFoundError,
  NotReadyError,
  PayloadTooLargeError,
  PreconditionFailedError,
  ProjectionBehindError,
  RebuildInProgressError,
  UnsupportedMediaTypeError,
} from './http-errors.js';
export { httpInstruments, httpTelemetry } from './http-telemetry.js';
export { isJsonContentType, readJsonBody } from './json-body.js';
export { kebabCase } from './kebab-case.js';
export {
  commandOperations,
  createOpenApiDocument,
  type JsonObject,
  jsonSchemaOf,
  type OpenApiInfo,
  type OpenApiOperation,
  operationsOperations,
  pathParameters,
  queryOperations,
  toOpenApiPath,
} from './openapi-document.js';
export { createOperationsRoutes, type OperationsRoutesOptions, registerOperationsRoutes } from './operations-routes.js';
export {
  createProblemHandler,
  type Problem,
  type ProblemHandlerOptions,
  problem,
  problemContentType,
  problemResponse,
  problemType,
  toProblem,
} from './problem-response.js';
export type {
  DocumentReader,
  ProjectionOperator,
  ProjectionProgress,
  QueryableProjection,
} from './projection-ports.js';
export { projectionMetrics } from './prometheus-metrics.js';
export {
  afterPositionHeader,
  createQueryRoutes,
  defaultMaxLimit,
  type QueryRoutesOptions,
  queryResourceOf,
  registerQueryRoutes,
} from './query-routes.js';
export {
  type ListQuery,
  type ListQueryLimits,
  parseListQuery,
  type QueryableFields,
  whereSchema,
} from './query-string.js';
export { type RunningServer, type StartServerOptions, startServer } from './start-server.js';
