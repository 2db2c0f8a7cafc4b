import {
  type Attributes,
  context,
  INVALID_SPAN_CONTEXT,
  type Link,
  type Meter,
  type MeterProvider,
  metrics,
  type Observable,
  ROOT_CONTEXT,
  type Span,
  SpanKind,
  SpanStatusCode,
  type Tracer,
  type TracerProvider,
  trace,
} from '@opentelemetry/api';
import {
  type InstrumentDescription,
  setTelemetry,
  type Telemetry,
  type TelemetryAttributes,
  type TelemetryCounter,
  type TelemetryHistogram,
  type TelemetrySpan,
  type TelemetrySpanKind,
} from '@ordo/core';
import { contextFromCarrier, fromCarrier, toCarrier } from './trace-context.js';

export interface OpenTelemetryOptions {
  /** Defaults to the global tracer provider (the one the SDK registered). */
  readonly tracerProvider?: TracerProvider;
  /** Defaults to the global meter provider: register the SDK before Ordo's telemetry. */
  readonly meterProvider?: MeterProvider;
  /** Most links one span carries (a batch of events from many commands). Defaults to 32. */
  readonly maxLinks?: number;
}

const scope = { name: '@ordo', version: '0.1.0' };
// Seconds buckets from half a millisecond to ten seconds: commands and batches sit in that range.
const secondsBuckets = [0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10];
const kinds: Record<TelemetrySpanKind, SpanKind> = {
  internal: SpanKind.INTERNAL,
  server: SpanKind.SERVER,
  client: SpanKind.CLIENT,
  producer: SpanKind.PRODUCER,
  consumer: SpanKind.CONSUMER,
};

function toAttributes(attributes: TelemetryAttributes | undefined): Attributes | undefined {
  if (attributes === undefined) return undefined;
  const defined: Attributes = {};
  for (const key in attributes) {
    const value = attributes[key];
    if (value !== undefined) defined[key] = value;
  }
  return defined;
}

function handleOf(span: Span): TelemetrySpan {
  return {
    setName: (name) => span.updateName(name),
    setAttributes: (attributes) => span.setAttributes(toAttributes(attributes) ?? {}),
    addEvent: (name, attributes) => span.addEvent(name, toAttributes(attributes)),
    fail: (error) => failSpan(span, error),
    context: () => toCarrier(span.spanContext()),
  };
}

function failSpan(span: Span, error: unknown): void {
  const exception = error instanceof Error ? error : new Error(String(error));
  span.recordException(exception);
  span.setAttribute('error.type', (error as { code?: unknown }).code?.toString() ?? exception.name);
  span.setStatus({ code: SpanStatusCode.ERROR, message: exception.message });
}

const isThenable = (value: unknown): value is PromiseLike<unknown> =>
  typeof (value as PromiseLike<unknown> | undefined)?.then === 'function';

/**
 * Ordo's telemetry port on the OpenTelemetry API. Without an SDK registered the API is itself a no-op.
 *
 * @example
 * setTelemetry(createOpenTelemetry({ meterProvider }));
 */
export function createOpenTelemetry(options: OpenTelemetryOptions = {}): Telemetry {
  const tracer: Tracer = (options.tracerProvider ?? trace.getTracerProvider()).getTracer(scope.name, scope.version);
  const meter: Meter = (options.meterProvider ?? metrics.getMeterProvider()).getMeter(scope.name, scope.version);
  const maxLinks = options.maxLinks ?? 32;
  const counters = new Map<string, TelemetryCounter>();
  const histograms = new Map<string, TelemetryHistogram>();
  const gauges = new Map<string, Observable>();

  return {
    enabled: true,

    span(name, spanOptions, fn) {
      const parent = spanOptions.root
        ? ROOT_CONTEXT
        : spanOptions.parent !== undefined && fromCarrier(spanOptions.parent) !== undefined
          ? contextFromCarrier(spanOptions.parent)
          : context.active();
      const links: Link[] = [];
      for (const carrier of spanOptions.links ?? []) {
        const linked = fromCarrier(carrier);
        if (linked !== undefined) links.push({ context: linked });
        if (links.length >= maxLinks) break;
      }
      const attributes = toAttributes(spanOptions.attributes);
      const span = tracer.startSpan(
        name,
        {
          kind: kinds[spanOptions.kind ?? 'internal'],
          ...(attributes === undefined ? {} : { attributes }),
          ...(links.length === 0 ? {} : { links }),
        },
        parent,
      );
      return context.with(trace.setSpan(parent, span), () => {
        let result: ReturnType<typeof fn>;
        try {
          result = fn(handleOf(span));
        } catch (error) {
          failSpan(span, error);
          span.end();
          throw error;
        }
        if (!isThenable(result)) {
          span.end();
          return result;
        }
        return result.then(
          (value) => {
            span.end();
            return value;
          },
          (error: unknown) => {
            failSpan(span, error);
            span.end();
            throw error;
          },
        ) as typeof result;
      });
    },

    activeContext() {
      const spanContext = trace.getSpanContext(context.active());
      return spanContext === undefined ? undefined : toCarrier(spanContext);
    },

    activeSpan() {
      return handleOf(trace.getActiveSpan() ?? trace.wrapSpanContext(INVALID_SPAN_CONTEXT));
    },

    counter(description: InstrumentDescription) {
      let counter = counters.get(description.name);
      if (counter === undefined) {
        counter = meter.createCounter(description.name, describe(description));
        counters.set(description.name, counter);
      }
      return counter;
    },

    histogram(description: InstrumentDescription) {
      let histogram = histograms.get(description.name);
      if (histogram === undefined) {
        histogram = meter.createHistogram(description.name, {
          ...describe(description),
          ...(description.unit === 's' ? { advice: { explicitBucketBoundaries: secondsBuckets } } : {}),
        });
        histograms.set(description.name, histogram);
      }
      return histogram;
    },

    observeGauges(descriptions, observe) {
      const observables = descriptions.map((description) => {
        let gauge = gauges.get(description.name);
        if (gauge === undefined) {
          gauge = meter.createObservableGauge(description.name, describe(description));
          gauges.set(description.name, gauge);
        }
        return [description.name, gauge] as const;
      });
      const byName = new Map(observables);
      const callback = (result: { observe(gauge: Observable, value: number, attributes?: Attributes): void }) =>
        observe((name, value, attributes) => {
          const gauge = byName.get(name);
          if (gauge !== undefined) result.observe(gauge, value, toAttributes(attributes));
        });
      const gaugeList = observables.map(([, gauge]) => gauge);
      meter.addBatchObservableCallback(callback, gaugeList);
      return () => meter.removeBatchObservableCallback(callback, gaugeList);
    },
  };
}

function describe(description: InstrumentDescription) {
  return {
    description: description.description,
    ...(description.unit === undefined ? {} : { unit: description.unit }),
  };
}

/**
 * Makes every Ordo package emit spans and metrics through OpenTelemetry; returns the undo.
 * Call it after the SDK is registered (the meter provider is read once).
 *
 * @example
 * const sdk = new NodeSDK({ metricReader: new PrometheusExporter({ preventServerStart: true }) });
 * sdk.start();
 * registerOrdoTelemetry();
 */
export function registerOrdoTelemetry(options: OpenTelemetryOptions = {}): () => void {
  return setTelemetry(createOpenTelemetry(options));
}
