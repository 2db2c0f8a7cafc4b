export {
  IncompleteStackError,
  openInfrastructure,
  productionSettings,
  type StackOptions,
} from './choose-infrastructure.js';
export { type EmbeddedOptions, openEmbeddedInfrastructure } from './embedded.js';
export type { Infrastructure } from './infrastructure.js';
export { type Closable, failToStart, stopOnSignals } from './process-lifecycle.js';
export type { ProductionSettings } from './production.js';
export { type ExampleTelemetry, startTelemetry } from './telemetry.js';
