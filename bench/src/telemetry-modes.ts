import { context } from '@opentelemetry/api';
import { AsyncLocalStorageContextManager } from '@opentelemetry/context-async-hooks';
import { MeterProvider, PeriodicExportingMetricReader, type PushMetricExporter } from '@opentelemetry/sdk-metrics';
import {
  AlwaysOnSampler,
  BasicTracerProvider,
  BatchSpanProcessor,
  type SpanExporter,
  TraceIdRatioBasedSampler,
} from '@opentelemetry/sdk-trace-base';
import { registerOrdoTelemetry } from '@ordo/opentelemetry';

/** `off`: nothing registered. `api`: Ordo's OpenTelemetry port without an SDK. `sdk-0` / `sdk-100`: the SDK sampling 0 % / 100 %. */
export const telemetryModes = ['off', 'api', 'sdk-0', 'sdk-100'] as const;
export type TelemetryMode = (typeof telemetryModes)[number];

// Exporters that drop what they get: the bench measures recording, batching and serialising, not a network.
const droppingSpans: SpanExporter = { export: (_spans, done) => done({ code: 0 }), shutdown: async () => {} };
const droppingMetrics: PushMetricExporter = {
  export: (_metrics, done) => done({ code: 0 }),
  forceFlush: async () => {},
  shutdown: async () => {},
};

/** Installs one mode in this process; returns what flushes and removes it. */
export function installTelemetryMode(mode: TelemetryMode): () => Promise<void> {
  if (mode === 'off') return async () => {};
  if (mode === 'api') {
    const unregister = registerOrdoTelemetry();
    return async () => unregister();
  }
  context.setGlobalContextManager(new AsyncLocalStorageContextManager().enable());
  const tracerProvider = new BasicTracerProvider({
    sampler: mode === 'sdk-0' ? new TraceIdRatioBasedSampler(0) : new AlwaysOnSampler(),
    spanProcessors: [new BatchSpanProcessor(droppingSpans)],
  });
  const meterProvider = new MeterProvider({
    readers: [new PeriodicExportingMetricReader({ exporter: droppingMetrics, exportIntervalMillis: 1_000 })],
  });
  const unregister = registerOrdoTelemetry({ tracerProvider, meterProvider });
  return async () => {
    unregister();
    await tracerProvider.shutdown();
    await meterProvider.shutdown();
  };
}
