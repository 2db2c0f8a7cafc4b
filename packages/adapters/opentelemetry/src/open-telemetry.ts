import {
  type Attributes,
  context,
  createNoopMeter,
  INVALID_SPAN_CONTEXT,
  type Link,
  type Meter,
  type MeterProvider,
  metrics,
  type Observable,
  ProxyTracerProvider,
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
  type TraceCarrier,
} from '@ordo/core';
import { fromCarrier, toCarrier } from './trace-context.js';

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

/** The port's view of an OpenTelemetry span; a class, so a span costs one small object. */
class SpanHandle implements TelemetrySpan {
  constructor(readonly span: Span) {}
  setName(name: string): void {
    this.span.updateName(name);
  }
  setAttributes(attributes: TelemetryAttributes): void {
    if (this.span.isRecording()) this.span.setAttributes(toAttributes(attributes) ?? {});
  }
  addEvent(name: string, attributes?: TelemetryAttributes): void {
    if (this.span.isRecording()) this.span.addEvent(name, toAttributes(attributes));
  }
  fail(error: unknown): void {
    failSpan(this.span, error);
  }
  context(): TraceCarrier | undefined {
    return toCarrier(this.span.spanContext());
  }
}

const noopHandle = new SpanHandle(trace.wrapSpanContext(INVALID_SPAN_CONTEXT));

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
  // Without a tracer provider registered the API hands out no-op spans: skip them altogether.
  let tracingOn = options.tracerProvider !== undefined;
  const tracing = () => {
    if (tracingOn) return true;
    const global = trace.getTracerProvider();
    tracingOn = !(global instanceof ProxyTracerProvider) || global.getDelegateTracer(scope.name) !== undefined;
    return tracingOn;
  };
  const counters = new Map<string, TelemetryCounter>();
  const histograms = new Map<string, TelemetryHistogram>();
  const gauges = new Map<string, Observable>();

  // The API's no-op meter (no SDK registered first) records nothing: no reason to measure for it.
  const metering = meter.constructor !== createNoopMeter().constructor;

  return {
    /** Off while neither a tracer provider nor a meter provider is registered: then nothing costs anything. */
    get enabled() {
      return metering || tracing();
    },

    span(name, spanOptions, fn) {
      if (!tracing()) return fn(noopHandle);
      const explicit = spanOptions.parent === undefined ? undefined : fromCarrier(spanOptions.parent);
      const parent = spanOptions.root
        ? ROOT_CONTEXT
        : explicit !== undefined
          ? trace.setSpanContext(ROOT_CONTEXT, explicit)
          : context.active();
      // Under a sampled-out parent a child would be sampled out too: skip it (and its context switch).
      const active = parent === ROOT_CONTEXT ? undefined : trace.getSpan(parent);
      if (active !== undefined && explicit === undefined && !active.isRecording()) return fn(noopHandle);
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
      const handle = new SpanHandle(span);
      const failed = (error: unknown) => {
        if (spanOptions.isFailure?.(error) ?? true) failSpan(span, error);
        span.end();
      };
      const run = () => {
        let result: ReturnType<typeof fn>;
        try {
          result = fn(handle);
        } catch (error) {
          failed(error);
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
            failed(error);
            throw error;
          },
        ) as typeof result;
      };
      // A leaf starts nothing inside, so it need not become the active span.
      return spanOptions.leaf ? run() : context.with(trace.setSpan(parent, span), run);
    },

    activeContext() {
      const spanContext = trace.getSpanContext(context.active());
      return spanContext === undefined ? undefined : toCarrier(spanContext);
    },

    activeSpan() {
      const span = trace.getActiveSpan();
      return span === undefined ? noopHandle : new SpanHandle(span);
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
