import {
  type Context,
  createTraceState,
  isSpanContextValid,
  ROOT_CONTEXT,
  type SpanContext,
  TraceFlags,
  trace,
} from '@opentelemetry/api';
import type { TraceCarrier } from '@ordo/core';

// version-traceid-parentid-flags, lower-case hex (W3C Trace Context, level 1)
const traceparentPattern = /^00-([0-9a-f]{32})-([0-9a-f]{16})-([0-9a-f]{2})$/;

/** The W3C headers of a span context; `undefined` for an invalid (non-recording, unsampled) one. */
export function toCarrier(spanContext: SpanContext): TraceCarrier | undefined {
  if (!isSpanContextValid(spanContext)) return undefined;
  const flags = (spanContext.traceFlags & TraceFlags.SAMPLED).toString(16).padStart(2, '0');
  const traceparent = `00-${spanContext.traceId}-${spanContext.spanId}-${flags}`;
  const tracestate = spanContext.traceState?.serialize();
  return tracestate ? { traceparent, tracestate } : { traceparent };
}

/** Parses stored or received W3C headers; `undefined` when absent or malformed. */
export function fromCarrier(carrier: TraceCarrier | undefined): SpanContext | undefined {
  const match = carrier?.traceparent === undefined ? null : traceparentPattern.exec(carrier.traceparent);
  if (match === null) return undefined;
  const [, traceId, spanId, flags] = match as unknown as [string, string, string, string];
  const spanContext: SpanContext = {
    traceId,
    spanId,
    traceFlags: Number.parseInt(flags, 16) & TraceFlags.SAMPLED,
    isRemote: true,
    ...(carrier?.tracestate ? { traceState: createTraceState(carrier.tracestate) } : {}),
  };
  return isSpanContextValid(spanContext) ? spanContext : undefined;
}

/** A context whose parent is the carrier's span (or no parent when it holds none). */
export function contextFromCarrier(carrier: TraceCarrier | undefined): Context {
  const spanContext = fromCarrier(carrier);
  return spanContext === undefined ? ROOT_CONTEXT : trace.setSpanContext(ROOT_CONTEXT, spanContext);
}
