import type { ReadableSpan } from '@opentelemetry/sdk-trace-base';
import { startServer } from '@ordo/http';
import { installTestTelemetry, type TestTelemetry } from '@ordo/opentelemetry/testing';
import { openEmbeddedInfrastructure } from '@ordo-examples/stack';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type BankingApp, createBankingApp } from './banking-app.js';
import { getJsonAfter, postCommand } from './test-support/banking-process.js';
import { settledTransfer, temporaryDataDirs } from './test-support/banking-scenario.js';

// The caller's trace: the HTTP span must continue it, and everything the transfer causes must join it.
const callerTraceId = '4bf92f3577b34da6a3ce929d0e0e4736';
const callerSpanId = '00f067aa0ba902b7';

const dirs = temporaryDataDirs('ordo-banking-telemetry-');
let telemetry: TestTelemetry;
let app: BankingApp;
let url: string;
let close: () => Promise<void>;

beforeAll(async () => {
  telemetry = installTestTelemetry();
  app = createBankingApp(openEmbeddedInfrastructure({ dataDir: dirs.of('sqlite'), name: 'banking' }));
  await app.start();
  const server = await startServer(app.http, { port: 0, hostname: '127.0.0.1' });
  url = `http://localhost:${server.port}`;
  close = async () => {
    await server.close();
    await app.close();
  };
});
afterAll(async () => {
  await close?.();
  await telemetry?.shutdown();
  dirs.remove();
});

const one = (spans: readonly ReadableSpan[], predicate: (span: ReadableSpan) => boolean, what: string) => {
  const found = spans.filter(predicate);
  if (found.length !== 1) throw new Error(`expected one ${what}, found ${found.length}`);
  return found[0] as ReadableSpan;
};
const named = (spans: readonly ReadableSpan[], name: string, attributes: Record<string, unknown> = {}) =>
  one(
    spans,
    (span) => span.name === name && Object.entries(attributes).every(([key, value]) => span.attributes[key] === value),
    `${name} ${JSON.stringify(attributes)}`,
  );
const parentOf = (span: ReadableSpan) => span.parentSpanContext?.spanId;
const idOf = (span: ReadableSpan) => span.spanContext().spanId;
const linksTo = (span: ReadableSpan, target: ReadableSpan) =>
  span.links.some((link) => link.context.spanId === idOf(target));

/** Span names from the root down to `span`, following parent ids within the finished spans. */
function ancestry(spans: readonly ReadableSpan[], span: ReadableSpan): string[] {
  const byId = new Map(spans.map((each) => [idOf(each), each]));
  const names = [span.name];
  for (let parent = byId.get(parentOf(span) ?? ''); parent !== undefined; parent = byId.get(parentOf(parent) ?? '')) {
    names.unshift(parent.name);
  }
  return names;
}

describe('banking example traced with the OpenTelemetry SDK', () => {
  it('follows a transfer from the HTTP request through the process manager to the read models in one trace', async () => {
    await postCommand(url, '/accounts/tr-a/commands/open-account', { owner: 'A', currency: 'EUR' });
    await postCommand(url, '/accounts/tr-b/commands/open-account', { owner: 'B', currency: 'EUR' });
    await postCommand(url, '/accounts/tr-a/commands/deposit', { amount: 5_000, currency: 'EUR' });
    const requested = await postCommand(
      url,
      '/transfers/tr-1/commands/request-transfer',
      { from: 'tr-a', to: 'tr-b', amount: 1_200, currency: 'EUR' },
      { traceparent: `00-${callerTraceId}-${callerSpanId}-01` },
    );
    expect(requested.status).toBe(200);
    const { doc, position } = await settledTransfer(url, 'tr-1');
    expect(doc.status).toBe('completed');
    await getJsonAfter(url, '/accounts/tr-b', position);
    await getJsonAfter(url, '/transactions?filter[accountId]=tr-b', position);

    const spans = telemetry.spans().filter((span) => span.spanContext().traceId === callerTraceId);

    // HTTP → command → its steps, under the caller's span.
    const http = named(spans, 'POST /transfers/:id/commands/request-transfer');
    expect(parentOf(http)).toBe(callerSpanId);
    expect(http.attributes).toMatchObject({ 'http.request.method': 'POST', 'http.response.status_code': 200 });
    const command = named(spans, 'command RequestTransfer');
    expect(parentOf(command)).toBe(idOf(http));
    const children = spans.filter((span) => parentOf(span) === idOf(command)).map((span) => span.name);
    expect(children.filter((name) => name.startsWith('ordo.'))).toEqual([
      'ordo.validate',
      'ordo.load',
      'ordo.decide',
      'ordo.append',
    ]);

    // The process manager's batch links to the command; its reaction continues the command's trace.
    const reaction = named(spans, 'process transfers TransferRequested');
    expect(parentOf(reaction)).toBe(idOf(command));
    const managerBatch = telemetry
      .spans()
      .find((span) => span.name === 'project transfers' && linksTo(span, command)) as ReadableSpan;
    expect(managerBatch.attributes).toMatchObject({
      'ordo.projection': 'transfers',
      'ordo.projection.role': 'serving',
    });
    expect(linksTo(reaction, managerBatch)).toBe(true);

    // A process-manager step: its command runs under the step span. The manager acts on the
    // transitions it records inline, so the steps sit under the reaction to the starting event.
    const debit = named(spans, 'step transfers.debit', { 'ordo.process.id': 'tr-1' });
    expect(debit.attributes['ordo.process.step.outcome']).toBe('ok');
    expect(ancestry(spans, debit)).toEqual([
      'POST /transfers/:id/commands/request-transfer',
      'command RequestTransfer',
      'process transfers TransferRequested',
      'step transfers.debit',
    ]);
    const withdraw = named(spans, 'command Withdraw', { 'ordo.entity.id': 'tr-a' });
    expect(parentOf(withdraw)).toBe(idOf(debit));
    const deposit = named(spans, 'command Deposit', { 'ordo.entity.id': 'tr-b' });
    expect(parentOf(deposit)).toBe(idOf(named(spans, 'step transfers.credit', { 'ordo.process.id': 'tr-1' })));

    // The read models: a batch span per partition linked to the step's command, with its write inside.
    const all = telemetry.spans();
    const accountsBatch = all.find(
      (span) => span.name === 'project accounts' && linksTo(span, deposit),
    ) as ReadableSpan;
    expect(accountsBatch.kind).toBe(4); // CONSUMER
    const write = all.find((span) => parentOf(span) === idOf(accountsBatch)) as ReadableSpan;
    expect(write.name).toBe('write accounts_v1');
    expect(all.some((span) => span.name === 'project transactions' && linksTo(span, withdraw))).toBe(true);
  });
});
