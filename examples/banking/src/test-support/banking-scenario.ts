import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, expect, it } from 'vitest';
import {
  type BankingProcess,
  getJson,
  getJsonAfter,
  headPosition,
  killHard,
  listAll,
  positionOfEntityTag,
  postCommand,
  runRebuild,
  startBankingProcess,
  stopGracefully,
} from './banking-process.js';

/** What the scenario runs on: the embedded default or the production stack. */
export interface BankingStack {
  /** The environment of a process on store `store`; the same for every call with the same name. */
  env(store: string): Record<string, string>;
  /** The id an account or transfer of the scenario gets: runs that share an EventStoreDB need their own. */
  id(name: string): string;
  /** The event store starts empty, so the demo's balances are known exactly. */
  readonly freshEventStore: boolean;
}

/**
 * The banking example's end-to-end scenario over real HTTP, for the embedded default
 * (`banking.e2e.test.ts`) and the production stack (`banking.int.test.ts`). Call it inside a `describe`.
 */
export function bankingScenario(stack: BankingStack): void {
  const running: BankingProcess[] = [];
  afterAll(async () => {
    await Promise.all(running.map(killHard));
  });

  /**
   * Stops every earlier process first: two on one Kafka topic would share out its partitions, and
   * on a shared EventStoreDB each would run the other's transfers.
   */
  async function start(store = 'main'): Promise<BankingProcess> {
    await Promise.all(running.map(stopGracefully));
    const banking = await startBankingProcess(stack.env(store));
    running.push(banking);
    return banking;
  }
  const { id } = stack;

  it('seeds the demo on first start and answers queries', async () => {
    const { url } = await start();
    const alice = await getJsonAfter(url, '/accounts/alice', await headPosition(url));
    expect(alice.status).toBe(200);
    expect(alice.body).toMatchObject({ owner: 'Alice Martin', currency: 'EUR', status: 'open' });
    if (stack.freshEventStore) expect(alice.body).toMatchObject({ balance: 1_174_50 });
  });

  it('answers commands with version, position and ETag, and rejections with problem+json', async () => {
    const { url } = await start();
    const dora = id('dora');
    const opened = await postCommand(url, `/accounts/${dora}/commands/open-account`, {
      owner: 'Dora',
      currency: 'EUR',
    });
    expect(opened.status).toBe(200);
    expect(opened.headers.get('etag')).toBe('"1"');
    const position = Number(opened.headers.get('ordo-position'));
    expect(position).toBeGreaterThan(0);

    const afterWrite = await getJsonAfter(url, `/accounts/${dora}`, position);
    expect(afterWrite.body).toMatchObject({ owner: 'Dora', balance: 0, version: 1 });

    const invalid = await postCommand(url, `/accounts/${dora}/commands/deposit`, { amount: -1, currency: 'EUR' });
    expect(invalid.status).toBe(400);
    expect(invalid.headers.get('content-type')).toContain('application/problem+json');
    expect(invalid.body).toMatchObject({ code: 'INVALID_COMMAND' });

    const overdrawn = await postCommand(url, `/accounts/${dora}/commands/withdraw`, { amount: 1, currency: 'EUR' });
    expect(overdrawn).toMatchObject({ status: 422, body: { code: 'INSUFFICIENT_FUNDS' } });
    const wrongCurrency = await postCommand(url, `/accounts/${dora}/commands/deposit`, { amount: 1, currency: 'USD' });
    expect(wrongCurrency).toMatchObject({ status: 422, body: { code: 'CURRENCY_MISMATCH' } });

    const stale = await postCommand(
      url,
      `/accounts/${dora}/commands/deposit`,
      { amount: 5, currency: 'EUR' },
      { 'if-match': '"7"' },
    );
    expect(stale.status).toBe(412);
    const current = await postCommand(
      url,
      `/accounts/${dora}/commands/deposit`,
      { amount: 5, currency: 'EUR' },
      { 'if-match': '"1"' },
    );
    expect(current.status).toBe(200);
    expect(current.headers.get('etag')).toBe('"2"');

    // The account document's ETag is its stream version: what If-Match on its commands takes.
    const read = await getJsonAfter(url, `/accounts/${dora}`, Number(current.headers.get('ordo-position')));
    expect(read.headers.get('etag')).toBe('"2"');
    const guarded = await postCommand(
      url,
      `/accounts/${dora}/commands/withdraw`,
      { amount: 5, currency: 'EUR' },
      { 'if-match': read.headers.get('etag') ?? '' },
    );
    expect(guarded.status).toBe(200);
    const replayedEtag = await postCommand(
      url,
      `/accounts/${dora}/commands/withdraw`,
      { amount: 5, currency: 'EUR' },
      { 'if-match': read.headers.get('etag') ?? '' },
    );
    expect(replayedEtag).toMatchObject({ status: 412, body: { code: 'PRECONDITION_FAILED', currentVersion: 3 } });

    // A key sent again with another command is refused, and nothing is withdrawn.
    const key = { 'idempotency-key': `${dora}-deposit-1` };
    await postCommand(url, `/accounts/${dora}/commands/deposit`, { amount: 40, currency: 'EUR' }, key);
    const reused = await postCommand(url, `/accounts/${dora}/commands/withdraw`, { amount: 40, currency: 'EUR' }, key);
    expect(reused).toMatchObject({
      status: 422,
      body: { code: 'IDEMPOTENCY_KEY_REUSED', idempotencyKey: key['idempotency-key'] },
    });
    const afterReuse = await getJsonAfter(url, `/accounts/${dora}`, await headPosition(url));
    expect(afterReuse.body).toMatchObject({ balance: 40, version: 4 });

    // One id rule everywhere: an id too long to take part in a transfer cannot be opened either.
    const tooLong = await postCommand(url, `/accounts/${'x'.repeat(101)}/commands/open-account`, {
      owner: 'Long',
      currency: 'EUR',
    });
    expect(tooLong).toMatchObject({ status: 400, body: { code: 'INVALID_ID' } });
  });

  it('moves money with a transfer, and refunds the source when the credit is rejected', async () => {
    const { url } = await start();
    const [a, b, usd, tr1, tr2] = ['tx-a', 'tx-b', 'tx-usd', 'tr-1', 'tr-2'].map(id) as [
      string,
      string,
      string,
      string,
      string,
    ];
    const open = (account: string, currency: string) =>
      postCommand(url, `/accounts/${account}/commands/open-account`, { owner: account, currency });
    await open(a, 'EUR');
    await open(b, 'EUR');
    await open(usd, 'USD');
    await postCommand(url, `/accounts/${a}/commands/deposit`, { amount: 10_000, currency: 'EUR' });

    const completed = await postCommand(url, `/transfers/${tr1}/commands/request-transfer`, {
      from: a,
      to: b,
      amount: 2_500,
      currency: 'EUR',
    });
    expect(completed.status).toBe(200);
    expect((await settledTransfer(url, tr1)).doc).toMatchObject({ status: 'completed', failure: null });

    const refunded = await postCommand(url, `/transfers/${tr2}/commands/request-transfer`, {
      from: a,
      to: usd,
      amount: 1_000,
      currency: 'EUR',
    });
    expect(refunded.status).toBe(200);
    const second = await settledTransfer(url, tr2);
    expect(second.doc).toMatchObject({ status: 'compensated', failure: { step: 1, code: 'CURRENCY_MISMATCH' } });

    // The status document's position follows every account event of the transfer: read after it.
    const balances = await Promise.all(
      [a, b, usd].map((account) => getJsonAfter(url, `/accounts/${account}`, second.position)),
    );
    expect(balances.map((answer) => answer.body.balance)).toEqual([7_500, 2_500, 0]);
    const history = await getJsonAfter(url, `/transactions?filter[accountId]=${a}&sort=version`, second.position);
    const kinds = (history.body.items as { document: { kind: string; transferId?: string } }[]).map(
      (item) => `${item.document.kind}:${item.document.transferId ?? '-'}`,
    );
    expect(kinds).toEqual(['deposit:-', `withdrawal:${tr1}`, `withdrawal:${tr2}`, `deposit:${tr2}`]);

    // A debit the source refuses moves nothing: the transfer is rejected, not compensated.
    const tr3 = id('tr-3');
    await postCommand(url, `/transfers/${tr3}/commands/request-transfer`, {
      from: b,
      to: a,
      amount: 1_000_000,
      currency: 'EUR',
    });
    expect((await settledTransfer(url, tr3)).doc).toMatchObject({
      status: 'rejected',
      failure: { step: 0, reason: 'rejected', code: 'INSUFFICIENT_FUNDS' },
    });

    const again = await postCommand(url, `/transfers/${tr1}/commands/request-transfer`, {
      from: a,
      to: b,
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
    const resources = ['accounts', 'transactions', 'daily-totals'];
    for (const resource of resources) await getJsonAfter(url, `/${resource}/alice`, String(last.body.position));
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
    const erin = id('erin');
    const opened = await postCommand(first.url, `/accounts/${erin}/commands/open-account`, {
      owner: 'Erin',
      currency: 'EUR',
    });
    first.child.kill('SIGINT');
    const code = await new Promise((resolve) => first.child.once('exit', (exitCode) => resolve(exitCode)));
    expect(code).toBe(0);
    const second = await start();
    expect((await getJsonAfter(second.url, `/accounts/${erin}`, String(opened.body.position))).body).toMatchObject({
      owner: 'Erin',
    });
    expect(second.output()).not.toContain('demo accounts created');
  });

  it('loses no acknowledged command when killed with SIGKILL during a burst', async () => {
    const first = await start('kill');
    const ids = Array.from({ length: 8 }, (_, i) => id(`k${i}`));
    for (const account of ids)
      await postCommand(first.url, `/accounts/${account}/commands/open-account`, {
        owner: account,
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
        const account = ids[(worker + i) % ids.length] as string;
        const kind = (worker + i) % 3 === 0 ? 'withdraw' : 'deposit';
        const amount = ((worker * 31 + i) % 17) + 1;
        try {
          const result = await postCommand(first.url, `/accounts/${account}/commands/${kind}`, {
            amount,
            currency: 'EUR',
          });
          if (result.status === 200) {
            acknowledged.push({
              id: account,
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

    const second = await start('kill');
    const lastPosition = Math.max(...acknowledged.map((a) => a.position));
    for (const ack of acknowledged) {
      const movement = await getJsonAfter(second.url, `/transactions/account-${ack.id}:${ack.version}`, lastPosition);
      expect(movement.status).toBe(200);
      expect(movement.body).toMatchObject({
        kind: ack.kind === 'deposit' ? 'deposit' : 'withdrawal',
        amount: ack.amount,
      });
    }

    let balances = 0;
    let netMovements = 0;
    for (const account of ids) {
      const summary = await getJsonAfter(second.url, `/accounts/${account}`, lastPosition);
      balances += summary.body.balance as number;
      let cursor: string | undefined;
      do {
        const page = await getJson(
          second.url,
          `/transactions?filter[accountId]=${account}&limit=100${cursor ? `&cursor=${cursor}` : ''}`,
        );
        for (const item of page.body.items as { document: { kind: string; amount: number } }[]) {
          netMovements += item.document.kind === 'deposit' ? item.document.amount : -item.document.amount;
        }
        cursor = page.body.nextCursor as string | undefined;
      } while (cursor !== undefined);
    }
    expect(balances).toBe(netMovements);
  });
}

/**
 * Polls a transfer's status document until the process has ended (bounded: 30 s). Resolves with
 * the document and the position in its weak ETag, that of the last event applied to it.
 */
export async function settledTransfer(
  url: string,
  id: string,
): Promise<{ doc: Record<string, unknown>; position: string }> {
  const deadline = Date.now() + 30_000;
  while (Date.now() < deadline) {
    const { status, body, headers } = await getJson(url, `/transfers/${id}`);
    if (status === 200 && ['completed', 'compensated', 'rejected', 'needs-attention'].includes(body.status as string)) {
      return { doc: body, position: positionOfEntityTag(headers.get('etag')) };
    }
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
  throw new Error(`transfer ${id} did not settle within 30 s`);
}

/** A temporary data folder per store name, for the embedded default; `remove()` deletes them all. */
export function temporaryDataDirs(prefix: string) {
  const dirs = new Map<string, string>();
  return {
    of(store: string): string {
      const existing = dirs.get(store);
      if (existing !== undefined) return existing;
      const dir = mkdtempSync(join(tmpdir(), `${prefix}${store}-`));
      dirs.set(store, dir);
      return dir;
    },
    remove(): void {
      for (const dir of dirs.values()) rmSync(dir, { recursive: true, force: true });
    },
  };
}
