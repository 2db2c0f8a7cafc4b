import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import {
  type BankingProcess,
  getJson,
  killHard,
  listAll,
  postCommand,
  runRebuild,
  startBankingProcess,
} from './test-support/banking-process.js';

const dataDir = mkdtempSync(join(tmpdir(), 'ordo-banking-e2e-'));
const running: BankingProcess[] = [];
afterAll(async () => {
  await Promise.all(running.map(killHard));
  rmSync(dataDir, { recursive: true, force: true });
});

async function start(dir = dataDir): Promise<BankingProcess> {
  const banking = await startBankingProcess(dir);
  running.push(banking);
  return banking;
}

describe('banking example over HTTP (a real process on a free port)', () => {
  it('seeds the demo on first start and answers queries', async () => {
    const { url } = await start();
    const alice = await getJson(url, '/accounts/alice');
    expect(alice.status).toBe(200);
    expect(alice.body).toMatchObject({ owner: 'Alice Martin', currency: 'EUR', balance: 1_174_50, status: 'open' });
  });

  it('answers commands with version, position and ETag, and rejections with problem+json', async () => {
    const { url } = await start();
    const opened = await postCommand(url, '/accounts/dora/commands/open-account', { owner: 'Dora', currency: 'EUR' });
    expect(opened.status).toBe(200);
    expect(opened.headers.get('etag')).toBe('"1"');
    const position = Number(opened.headers.get('ordo-position'));
    expect(position).toBeGreaterThan(0);

    const afterWrite = await getJson(url, '/accounts/dora', { 'ordo-after-position': String(position) });
    expect(afterWrite.body).toMatchObject({ owner: 'Dora', balance: 0, version: 1 });

    const invalid = await postCommand(url, '/accounts/dora/commands/deposit', { amount: -1, currency: 'EUR' });
    expect(invalid.status).toBe(400);
    expect(invalid.headers.get('content-type')).toContain('application/problem+json');
    expect(invalid.body).toMatchObject({ code: 'INVALID_COMMAND' });

    const overdrawn = await postCommand(url, '/accounts/dora/commands/withdraw', { amount: 1, currency: 'EUR' });
    expect(overdrawn).toMatchObject({ status: 422, body: { code: 'INSUFFICIENT_FUNDS' } });
    const wrongCurrency = await postCommand(url, '/accounts/dora/commands/deposit', { amount: 1, currency: 'USD' });
    expect(wrongCurrency).toMatchObject({ status: 422, body: { code: 'CURRENCY_MISMATCH' } });

    const stale = await postCommand(
      url,
      '/accounts/dora/commands/deposit',
      { amount: 5, currency: 'EUR' },
      { 'if-match': '"7"' },
    );
    expect(stale.status).toBe(412);
    const current = await postCommand(
      url,
      '/accounts/dora/commands/deposit',
      { amount: 5, currency: 'EUR' },
      { 'if-match': '"1"' },
    );
    expect(current.status).toBe(200);
    expect(current.headers.get('etag')).toBe('"2"');
  });

  it('moves money with a transfer, and refunds the source when the credit is rejected', async () => {
    const { url } = await start();
    const open = (id: string, currency: string) =>
      postCommand(url, `/accounts/${id}/commands/open-account`, { owner: id, currency });
    await open('tx-a', 'EUR');
    await open('tx-b', 'EUR');
    await open('tx-usd', 'USD');
    await postCommand(url, '/accounts/tx-a/commands/deposit', { amount: 10_000, currency: 'EUR' });

    const completed = await postCommand(url, '/transfers/tr-1/commands/request-transfer', {
      from: 'tx-a',
      to: 'tx-b',
      amount: 2_500,
      currency: 'EUR',
    });
    expect(completed.status).toBe(200);
    expect(await settledTransfer(url, 'tr-1')).toMatchObject({ status: 'completed', failure: null });

    const refunded = await postCommand(url, '/transfers/tr-2/commands/request-transfer', {
      from: 'tx-a',
      to: 'tx-usd',
      amount: 1_000,
      currency: 'EUR',
    });
    expect(refunded.status).toBe(200);
    expect(await settledTransfer(url, 'tr-2')).toMatchObject({
      status: 'compensated',
      failure: { step: 1, code: 'CURRENCY_MISMATCH' },
    });

    const [a, b, usd] = await Promise.all(['tx-a', 'tx-b', 'tx-usd'].map((id) => getJson(url, `/accounts/${id}`)));
    expect([a?.body.balance, b?.body.balance, usd?.body.balance]).toEqual([7_500, 2_500, 0]);
    const history = await getJson(url, '/transactions?filter[accountId]=tx-a&sort=version');
    const kinds = (history.body.items as { document: { kind: string; transferId?: string } }[]).map(
      (item) => `${item.document.kind}:${item.document.transferId ?? '-'}`,
    );
    expect(kinds).toEqual(['deposit:-', 'withdrawal:tr-1', 'withdrawal:tr-2', 'deposit:tr-2']);

    const again = await postCommand(url, '/transfers/tr-1/commands/request-transfer', {
      from: 'tx-a',
      to: 'tx-b',
      amount: 1,
      currency: 'EUR',
    });
    expect(again).toMatchObject({ status: 422, body: { code: 'TRANSFER_EXISTS' } });
  });

  it('rebuilds every projection while the server keeps answering, to the same documents', async () => {
    const { url } = await start();
    for (let i = 0; i < 20; i += 1) {
      await postCommand(url, '/accounts/alice/commands/deposit', { amount: i + 1, currency: 'EUR' });
    }
    const last = await postCommand(url, '/accounts/bob/commands/deposit', { amount: 1, currency: 'EUR' });
    const settled = { 'ordo-after-position': String(last.body.position) };
    const resources = ['accounts', 'transactions', 'daily-totals'];
    for (const resource of resources) await getJson(url, `/${resource}/alice`, settled);
    const before = await Promise.all(resources.map((resource) => listAll(url, resource)));

    let answering = true;
    let queries = 0;
    const rebuilding = runRebuild(url);
    const reads = (async () => {
      for (let done = false; !done; ) {
        const alice = await getJson(url, '/accounts/alice');
        answering &&= alice.status === 200;
        queries += 1;
        done = await Promise.race([
          rebuilding.then(() => true),
          new Promise<boolean>((resolve) => setImmediate(() => resolve(false))),
        ]);
      }
    })();
    const { code, output } = await rebuilding;
    await reads;

    expect(code).toBe(0);
    expect(output).toMatch(/accounts: now serving accounts_v1_r/);
    expect(answering).toBe(true);
    expect(queries).toBeGreaterThan(0);
    const after = await Promise.all(resources.map((resource) => listAll(url, resource)));
    expect(after).toEqual(before);
    expect(before[1]?.length).toBeGreaterThanOrEqual(20);
  });

  it('refuses to rebuild an unknown projection with a one-line reason', async () => {
    const { url } = await start();
    const { code, output } = await runRebuild(url, ['nope']);
    expect(code).toBe(1);
    expect(output).toMatch(/rebuild failed: unknown projection nope/);
  });

  it('stops cleanly on SIGINT and keeps its data for the next start', async () => {
    const first = await start();
    await postCommand(first.url, '/accounts/erin/commands/open-account', { owner: 'Erin', currency: 'EUR' });
    first.child.kill('SIGINT');
    const code = await new Promise((resolve) => first.child.once('exit', (exitCode) => resolve(exitCode)));
    expect(code).toBe(0);
    const second = await start();
    expect((await getJson(second.url, '/accounts/erin')).body).toMatchObject({ owner: 'Erin' });
    expect(second.output()).not.toContain('demo accounts created');
  });

  it('loses no acknowledged command when killed with SIGKILL during a burst', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'ordo-banking-kill-'));
    try {
      const first = await start(dir);
      const ids = Array.from({ length: 8 }, (_, i) => `k${i}`);
      for (const id of ids)
        await postCommand(first.url, `/accounts/${id}/commands/open-account`, {
          owner: id,
          currency: 'EUR',
          overdraftLimit: 1_000_000,
        });

      const acknowledged: {
        id: string;
        kind: 'deposit' | 'withdraw';
        amount: number;
        position: number;
        version: number;
      }[] = [];
      let killed = false;
      // 20 concurrent clients; the server is killed mid-burst, once 80 commands were acknowledged.
      const burst = Array.from({ length: 20 }, async (_, worker) => {
        for (let i = 0; !killed; i += 1) {
          const id = ids[(worker + i) % ids.length] as string;
          const kind = (worker + i) % 3 === 0 ? 'withdraw' : 'deposit';
          const amount = ((worker * 31 + i) % 17) + 1;
          try {
            const result = await postCommand(first.url, `/accounts/${id}/commands/${kind}`, {
              amount,
              currency: 'EUR',
            });
            if (result.status === 200) {
              acknowledged.push({
                id,
                kind,
                amount,
                position: result.body.position as number,
                version: result.body.streamVersion as number,
              });
            }
          } catch {
            return; // The connection died with the process: not acknowledged, so either outcome is allowed.
          }
          if (acknowledged.length >= 80 && !killed) {
            killed = true;
            await killHard(first);
          }
        }
      });
      await Promise.all(burst);
      await killHard(first);
      expect(killed).toBe(true);
      expect(acknowledged.length).toBeGreaterThanOrEqual(80);

      const second = await start(dir);
      const lastPosition = Math.max(...acknowledged.map((a) => a.position));
      for (const ack of acknowledged) {
        const movement = await getJson(second.url, `/transactions/account-${ack.id}:${ack.version}`, {
          'ordo-after-position': String(lastPosition),
        });
        expect(movement.status).toBe(200);
        expect(movement.body).toMatchObject({
          kind: ack.kind === 'deposit' ? 'deposit' : 'withdrawal',
          amount: ack.amount,
        });
      }

      let balances = 0;
      let netMovements = 0;
      for (const id of ids) {
        const summary = await getJson(second.url, `/accounts/${id}`, { 'ordo-after-position': String(lastPosition) });
        balances += summary.body.balance as number;
        let cursor: string | undefined;
        do {
          const page = await getJson(
            second.url,
            `/transactions?filter[accountId]=${id}&limit=100${cursor ? `&cursor=${cursor}` : ''}`,
          );
          for (const item of page.body.items as { document: { kind: string; amount: number } }[]) {
            netMovements += item.document.kind === 'deposit' ? item.document.amount : -item.document.amount;
          }
          cursor = page.body.nextCursor as string | undefined;
        } while (cursor !== undefined);
      }
      expect(balances).toBe(netMovements);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

/** Polls a transfer's status document until the process has ended (bounded: 10 s). */
async function settledTransfer(url: string, id: string): Promise<Record<string, unknown>> {
  const deadline = Date.now() + 10_000;
  while (Date.now() < deadline) {
    const { status, body } = await getJson(url, `/transfers/${id}`);
    if (status === 200 && ['completed', 'compensated', 'needs-attention'].includes(body.status as string)) return body;
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
  throw new Error(`transfer ${id} did not settle within 10 s`);
}
