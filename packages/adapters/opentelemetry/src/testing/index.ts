export { installTestTelemetry, type TestTelemetry } from './test-telemetry.js';
