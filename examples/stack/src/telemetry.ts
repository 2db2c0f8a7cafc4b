import { metrics } from '@opentelemetry/api';
import { OTLPMetricExporter } from '@opentelemetry/exporter-metrics-otlp-http';
import { PrometheusExporter, PrometheusSerializer } from '@opentelemetry/exporter-prometheus';
import { OTLPTraceExporter } from '@opentelemetry/exporter-trace-otlp-http';
import { defaultResource, detectResources, envDetector, resourceFromAttributes } from '@opentelemetry/resources';
import { MeterProvider, type MetricReader, PeriodicExportingMetricReader } from '@opentelemetry/sdk-metrics';
import { BatchSpanProcessor } from '@opentelemetry/sdk-trace-base';
import { NodeTracerProvider } from '@opentelemetry/sdk-trace-node';
import { registerOrdoTelemetry } from '@ordo/opentelemetry';

export interface ExampleTelemetry {
  /** The Prometheus text of every instrument: what `GET /metrics` serves. */
  metricsText(): Promise<string>;
  /** True when spans are exported (an OTLP endpoint is configured). */
  readonly tracing: boolean;
  /** Flushes what is buffered and stops the exporters. */
  close(): Promise<void>;
}

type Env = Readonly<Record<string, string | undefined>>;

const wants = (env: Env, signal: 'TRACES' | 'METRICS') => {
  const exporter = env[`OTEL_${signal}_EXPORTER`];
  if (exporter !== undefined) return exporter.split(',').some((name) => name.trim() === 'otlp');
  return env.OTEL_EXPORTER_OTLP_ENDPOINT !== undefined || env[`OTEL_EXPORTER_OTLP_${signal}_ENDPOINT`] !== undefined;
};

/**
 * OpenTelemetry for an example, from the standard `OTEL_*` variables: metrics always (Prometheus text
 * for `/metrics`, plus OTLP when an endpoint or `OTEL_METRICS_EXPORTER=otlp` is set), spans over OTLP
 * when an endpoint or `OTEL_TRACES_EXPORTER=otlp` is set (sampler from `OTEL_TRACES_SAMPLER`).
 * `OTEL_SDK_DISABLED=true` leaves Ordo's telemetry off.
 *
 * @example
 * const telemetry = startTelemetry('ordo-banking');
 * const app = createBankingApp(infrastructure, { metrics: telemetry.metricsText });
 */
export function startTelemetry(serviceName: string, env: Env = process.env): ExampleTelemetry {
  if (env.OTEL_SDK_DISABLED === 'true') {
    return { metricsText: async () => '', tracing: false, close: async () => {} };
  }
  const resource = defaultResource()
    .merge(resourceFromAttributes({ 'service.name': serviceName }))
    .merge(detectResources({ detectors: [envDetector] }));

  const prometheus = new PrometheusExporter({ preventServerStart: true });
  // The exporter's declarations reach MetricReader through its own CommonJS typings: same class at run time.
  const readers: MetricReader[] = [prometheus as unknown as MetricReader];
  if (wants(env, 'METRICS')) readers.push(new PeriodicExportingMetricReader({ exporter: new OTLPMetricExporter() }));
  const meterProvider = new MeterProvider({ resource, readers });
  metrics.setGlobalMeterProvider(meterProvider);

  const tracing = wants(env, 'TRACES');
  const tracerProvider = tracing
    ? new NodeTracerProvider({ resource, spanProcessors: [new BatchSpanProcessor(new OTLPTraceExporter())] })
    : undefined;
  // Registers the AsyncLocalStorage context manager and the W3C propagator too.
  tracerProvider?.register();
  const unregister = registerOrdoTelemetry({ meterProvider });
  const serializer = new PrometheusSerializer();

  return {
    tracing,
    async metricsText() {
      const { resourceMetrics } = await prometheus.collect();
      return serializer.serialize(resourceMetrics);
    },
    async close() {
      unregister();
      await tracerProvider?.shutdown();
      await meterProvider.shutdown();
    },
  };
}
