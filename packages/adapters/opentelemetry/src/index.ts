export { createOpenTelemetry, type OpenTelemetryOptions, registerOrdoTelemetry } from './open-telemetry.js';
export { contextFromCarrier, fromCarrier, toCarrier } from './trace-context.js';
