import { getTelemetry, type RecordedEvent, storedTraceContext, type TraceCarrier } from '@ordo/core';

/** The trace context the command behind an event stored with it. */
export function eventContext(event: RecordedEvent): TraceCarrier | undefined {
  return storedTraceContext(event.metadata);
}

/**
 * Runs a process manager's reaction to one event in a span whose parent is the command that caused
 * the event (so a saga's steps join its trace) and that links to the batch delivering it.
 */
export function traceProcessEvent<T>(processName: string, event: RecordedEvent, react: () => Promise<T>): Promise<T> {
  const telemetry = getTelemetry();
  if (!telemetry.enabled) return react();
  const batch = telemetry.activeContext();
  return telemetry.span(
    `process ${processName} ${event.type}`,
    {
      kind: 'consumer',
      parent: eventContext(event) ?? batch,
      ...(batch === undefined ? {} : { links: [batch] }),
      attributes: {
        'ordo.process': processName,
        'ordo.event.type': event.type,
        'ordo.stream.id': event.streamId,
        'ordo.position': event.position,
      },
    },
    react,
  );
}

/** Runs one step's command (or its compensation) in a `step <process>.<step>` span. */
export function traceProcessStep<T extends { ok: boolean }>(
  processName: string,
  step: {
    readonly name: string;
    readonly index: number;
    readonly action: 'command' | 'compensate';
    readonly processId: string;
  },
  send: () => Promise<T>,
): Promise<T> {
  const telemetry = getTelemetry();
  if (!telemetry.enabled) return send();
  return telemetry.span(
    `step ${processName}.${step.name}${step.action === 'compensate' ? ' compensate' : ''}`,
    {
      attributes: {
        'ordo.process': processName,
        'ordo.process.id': step.processId,
        'ordo.process.step': step.name,
        'ordo.process.step.index': step.index,
        'ordo.process.step.action': step.action,
      },
    },
    async (span) => {
      const outcome = await send();
      span.setAttributes({ 'ordo.process.step.outcome': outcome.ok ? 'ok' : 'failed' });
      return outcome;
    },
  );
}

/** Runs a fired deadline in a `deadline <process>` span of its own trace. */
export function traceDeadline<T>(
  processName: string,
  processId: string,
  step: number,
  expire: () => Promise<T>,
): Promise<T> {
  const telemetry = getTelemetry();
  if (!telemetry.enabled) return expire();
  return telemetry.span(
    `deadline ${processName}`,
    {
      root: true,
      attributes: { 'ordo.process': processName, 'ordo.process.id': processId, 'ordo.process.step.index': step },
    },
    expire,
  );
}
