import { context } from '@opentelemetry/api';
import { AsyncLocalStorageContextManager } from '@opentelemetry/context-async-hooks';
import {
  AggregationTemporality,
  type DataPoint,
  InMemoryMetricExporter,
  MeterProvider,
  type MetricData,
  PeriodicExportingMetricReader,
} from '@opentelemetry/sdk-metrics';
import {
  BasicTracerProvider,
  InMemorySpanExporter,
  type ReadableSpan,
  type Sampler,
  SimpleSpanProcessor,
} from '@opentelemetry/sdk-trace-base';
import { registerOrdoTelemetry } from '../open-telemetry.js';

export interface TestTelemetry {
  /** Spans ended so far, in the order they ended. */
  spans(): readonly ReadableSpan[];
  /** Collects every instrument now (gauge callbacks run) and returns the latest data of each metric. */
  collect(): Promise<ReadonlyMap<string, MetricData>>;
  /** The point of `name` whose attributes include `attributes`, after a collection. */
  point(
    metrics: ReadonlyMap<string, MetricData>,
    name: string,
    attributes?: Record<string, unknown>,
  ): DataPoint<unknown> | undefined;
  reset(): void;
  shutdown(): Promise<void>;
}

/**
 * The real OpenTelemetry SDK with in-memory exporters, registered for Ordo: for tests that assert spans
 * and metrics. Spans are exported synchronously; metrics when `collect()` is called.
 *
 * @example
 * const telemetry = installTestTelemetry();
 * await handler.handle('1', command);
 * expect(telemetry.spans().map((span) => span.name)).toContain('command Deposit');
 */
export function installTestTelemetry(options: { readonly sampler?: Sampler } = {}): TestTelemetry {
  const spanExporter = new InMemorySpanExporter();
  const tracerProvider = new BasicTracerProvider({
    spanProcessors: [new SimpleSpanProcessor(spanExporter)],
    ...(options.sampler === undefined ? {} : { sampler: options.sampler }),
  });
  const metricExporter = new InMemoryMetricExporter(AggregationTemporality.CUMULATIVE);
  const reader = new PeriodicExportingMetricReader({ exporter: metricExporter, exportIntervalMillis: 3_600_000 });
  const meterProvider = new MeterProvider({ readers: [reader] });
  const contextManager = new AsyncLocalStorageContextManager().enable();
  context.setGlobalContextManager(contextManager);
  const unregister = registerOrdoTelemetry({ tracerProvider, meterProvider });

  return {
    spans: () => spanExporter.getFinishedSpans(),
    async collect() {
      metricExporter.reset();
      await reader.forceFlush();
      const latest = new Map<string, MetricData>();
      for (const resource of metricExporter.getMetrics()) {
        for (const scope of resource.scopeMetrics) {
          for (const metric of scope.metrics) latest.set(metric.descriptor.name, metric);
        }
      }
      return latest;
    },
    point(metrics, name, attributes = {}) {
      const points = (metrics.get(name)?.dataPoints ?? []) as DataPoint<unknown>[];
      return points.find((point) =>
        Object.entries(attributes).every(([key, value]) => point.attributes[key] === value),
      );
    },
    reset: () => spanExporter.reset(),
    async shutdown() {
      unregister();
      await tracerProvider.shutdown();
      await meterProvider.shutdown();
      context.disable();
    },
  };
}
