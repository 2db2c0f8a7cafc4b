/** Attribute values a span or a measurement carries; `undefined` entries are dropped. */
export type TelemetryAttributes = Readonly<Record<string, string | number | boolean | undefined>>;

/** W3C trace-context headers (`traceparent`, optionally `tracestate`), as stored with events and records. */
export type TraceCarrier = Readonly<Record<string, string>>;

export type TelemetrySpanKind = 'internal' | 'server' | 'client' | 'producer' | 'consumer';

export interface TelemetrySpan {
  /** Renames the span once more is known (an HTTP span's matched route). */
  setName(name: string): void;
  setAttributes(attributes: TelemetryAttributes): void;
  addEvent(name: string, attributes?: TelemetryAttributes): void;
  /** Marks the span failed and records the error. */
  fail(error: unknown): void;
  /** The span's own trace context, to propagate it explicitly; `undefined` when not sampled. */
  context(): TraceCarrier | undefined;
}

export interface TelemetrySpanOptions {
  readonly kind?: TelemetrySpanKind;
  readonly attributes?: TelemetryAttributes;
  /** Parent taken from a carrier (an incoming request, a stored event) instead of the active span. */
  readonly parent?: TraceCarrier | undefined;
  /** Starts a new trace whatever span is active. */
  readonly root?: boolean;
  /** Trace contexts this span follows from (the commands behind a batch's events). */
  readonly links?: readonly TraceCarrier[];
  /** Whether a thrown error marks the span failed (default: every error). A rejection is an answer, not a failure. */
  readonly isFailure?: (error: unknown) => boolean;
  /** Nothing starts a span inside `fn` (a pure function): the span need not become the active one. */
  readonly leaf?: boolean;
}

export interface InstrumentDescription {
  readonly name: string;
  readonly description: string;
  readonly unit?: string;
}

export interface TelemetryCounter {
  add(value: number, attributes?: TelemetryAttributes): void;
}

export interface TelemetryHistogram {
  record(value: number, attributes?: TelemetryAttributes): void;
}

/** Records one gauge value; called from an observation callback. */
export type GaugeRecorder = (name: string, value: number, attributes?: TelemetryAttributes) => void;

/**
 * The instrumentation port: what Ordo's packages emit through. `@ordo/opentelemetry` implements it
 * on the OpenTelemetry API; the default does nothing, so core keeps zod as its only dependency.
 */
export interface Telemetry {
  /** False for the default: callers skip building attributes and carriers. */
  readonly enabled: boolean;
  /** Runs `fn` inside a span that is active for its duration and ends when `fn` returns or settles. */
  span<T>(name: string, options: TelemetrySpanOptions, fn: (span: TelemetrySpan) => T): T;
  /** The active span's trace context, for storing with what it causes; `undefined` when not sampled. */
  activeContext(): TraceCarrier | undefined;
  /** The active span (a no-op one when none), to add events to it. */
  activeSpan(): TelemetrySpan;
  counter(description: InstrumentDescription): TelemetryCounter;
  histogram(description: InstrumentDescription): TelemetryHistogram;
  /** Observes several gauges with one callback at each collection; returns a function that stops it. */
  observeGauges(
    gauges: readonly InstrumentDescription[],
    observe: (record: GaugeRecorder) => void | Promise<void>,
  ): () => void;
}

const noopSpan: TelemetrySpan = {
  setName: () => {},
  setAttributes: () => {},
  addEvent: () => {},
  fail: () => {},
  context: () => undefined,
};
const noopInstrument = { add: () => {}, record: () => {} };

/** The default: no spans, no measurements, no cost beyond a function call. */
export const noopTelemetry: Telemetry = {
  enabled: false,
  span: (_name, _options, fn) => fn(noopSpan),
  activeContext: () => undefined,
  activeSpan: () => noopSpan,
  counter: () => noopInstrument,
  histogram: () => noopInstrument,
  observeGauges: () => () => {},
};

// On globalThis, so two copies of @ordo/core in one process (a bundled CLI, say) share one registration.
const slot = Symbol.for('@ordo/core.telemetry');
type TelemetryHolder = { [slot]?: Telemetry };

/** The registered telemetry, or the no-op default. */
export function getTelemetry(): Telemetry {
  return (globalThis as TelemetryHolder)[slot] ?? noopTelemetry;
}

/**
 * Registers the telemetry every Ordo package emits through (usually `registerOrdoTelemetry()` from
 * `@ordo/opentelemetry`); returns a function that restores the previous one.
 *
 * @example
 * const unregister = setTelemetry(createOpenTelemetry());
 */
export function setTelemetry(telemetry: Telemetry): () => void {
  const holder = globalThis as TelemetryHolder;
  const previous = holder[slot];
  holder[slot] = telemetry;
  return () => {
    if (previous === undefined) delete holder[slot];
    else holder[slot] = previous;
  };
}

/** The W3C trace context a command stored in an event's metadata, if any. */
export function storedTraceContext(metadata: Readonly<Record<string, unknown>>): TraceCarrier | undefined {
  const { traceparent, tracestate } = metadata;
  if (typeof traceparent !== 'string') return undefined;
  return typeof tracestate === 'string' ? { traceparent, tracestate } : { traceparent };
}

/** The distinct trace contexts stored with a batch's events: the commands that caused them. */
export function causingTraceContexts(
  events: readonly { readonly metadata: Readonly<Record<string, unknown>> }[],
  limit: number,
): TraceCarrier[] {
  const seen = new Set<string>();
  const carriers: TraceCarrier[] = [];
  for (const event of events) {
    const carrier = storedTraceContext(event.metadata);
    if (carrier?.traceparent === undefined || seen.has(carrier.traceparent)) continue;
    seen.add(carrier.traceparent);
    carriers.push(carrier);
    if (carriers.length >= limit) break;
  }
  return carriers;
}
