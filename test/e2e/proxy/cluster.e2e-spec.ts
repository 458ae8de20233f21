import cluster, { type Worker } from 'node:cluster';
import { once } from 'node:events';
import { describe, expect, it } from 'vitest';
import type { WsErrorsOptions } from '../../../src/index.js';
import { connectWs, type WsOutcome } from '../../../src/testing/index.js';
import type { FromWorker, ToWorker } from '../../fixtures/cluster/worker.js';
import { compileFixture } from '../../fixtures/compile-fixture.js';
import { startNginx, type NginxProxy } from '../../fixtures/nginx.js';
import { suiteResource } from '../../fixtures/suite-resource.js';

/**
 * Two `node:cluster` workers serve the same app on the port they share, behind nginx. One of
 * them shuts down gracefully (`app.close()`) while its clients are sending: they must hear a
 * close code that says "come back" (1001 or 1012), reconnect through nginx to the other
 * worker and resend what was not acknowledged, and across both workers every message must
 * have been handled exactly once.
 *
 * The protocol that makes "exactly once" checkable: a client numbers its messages and keeps
 * each until its ack arrives; on a close it resends the unacknowledged ones elsewhere. A
 * message is handled twice only if a worker handled it but its ack never left, i.e. the
 * worker went on handling messages after it had started closing the socket.
 */

const CLIENTS = 6;
const MESSAGES = 60;
/** Messages a client may have in flight. */
const WINDOW = 8;
/** Acks each client collects before the shutdown starts. */
const BEFORE_SHUTDOWN = 20;

class Gate {
  readonly #opened: Promise<void>;
  open!: () => void;
  constructor() {
    this.#opened = new Promise(resolve => (this.open = resolve));
  }
  get opened(): Promise<void> {
    return this.#opened;
  }
}

/** A client that numbers its messages, keeps each until acknowledged, and reconnects. */
class JobClient {
  readonly ids: number[];
  readonly ackedBy = new Map<number, string>();
  readonly duplicateAcks: number[] = [];
  /** The worker of each connection, in order. */
  readonly workers: string[] = [];
  /** How each connection that the server ended, ended. */
  readonly serverCloses: WsOutcome[] = [];
  refusedUpgrades = 0;
  #halfway?: () => void;
  readonly halfway = new Promise<void>(resolve => (this.#halfway = resolve));
  #connected?: () => void;
  /** The first connection has its hello. */
  readonly connected = new Promise<void>(resolve => (this.#connected = resolve));

  constructor(
    readonly index: number,
    private readonly url: string,
  ) {
    this.ids = Array.from({ length: MESSAGES }, (_, seq) => index * 1000 + seq);
  }

  async run(gate: Gate): Promise<void> {
    for (let attempt = 0; this.ackedBy.size < MESSAGES; attempt++) {
      if (attempt > 20) throw new Error(`client ${this.index}: ${attempt} connections without finishing`);
      const ws = connectWs(this.url, '/jobs', { timeout: 10_000 });
      try {
        await ws.opened;
      } catch {
        // Refused while a worker shuts down: that is what "refused cleanly" looks like; go again.
        this.refusedUpgrades++;
        await ws.outcome;
        continue;
      }
      const hello = (await ws.receive()) as { data: { worker: string } };
      this.workers.push(hello.data.worker);
      this.#connected!();
      const pending = this.ids.filter(id => !this.ackedBy.has(id));
      let sent = 0;
      const sendNext = () => {
        if (sent < pending.length) ws.send('job', { id: pending[sent++] });
      };
      for (let i = 0; i < WINDOW; i++) sendNext();
      let ended = false;
      while (this.ackedBy.size < MESSAGES && !ended) {
        let message: { event: string; data: { id: number; worker: string } };
        try {
          message = (await ws.receive(5_000)) as typeof message;
        } catch {
          ended = true;
          break;
        }
        if (message.event !== 'ack') continue;
        if (this.ackedBy.has(message.data.id)) this.duplicateAcks.push(message.data.id);
        this.ackedBy.set(message.data.id, message.data.worker);
        if (this.ackedBy.size === BEFORE_SHUTDOWN && this.workers.length === 1) {
          // Hold here, everything acknowledged, until every client is halfway; then send a burst.
          this.#halfway!();
          await gate.opened;
          for (let i = 0; i < WINDOW; i++) sendNext();
        }
        sendNext();
      }
      if (!ended) {
        await ws.close();
        break;
      }
      const outcome = await ws.outcome;
      this.serverCloses.push(outcome);
      // A client does what the close code advises (connectWs's allowReconnect).
      if (outcome.kind !== 'closed' || !outcome.allowReconnect) throw new Error(`client ${this.index}: told not to reconnect: ${JSON.stringify(outcome)}`);
    }
  }
}

/** The promise, or a failure that says what was awaited and where every client stands. */
async function within<T>(promise: Promise<T>, ms: number, what: string, clients: readonly JobClient[]): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => {
      const state = clients.map(client => ({
        client: client.index,
        workers: client.workers,
        acked: client.ackedBy.size,
        serverCloses: client.serverCloses,
        refusedUpgrades: client.refusedUpgrades,
      }));
      reject(new Error(`${what}: not within ${ms} ms\n${JSON.stringify(state, null, 1)}`));
    }, ms);
  });
  try {
    return await Promise.race([promise, timeout]);
  } finally {
    clearTimeout(timer);
  }
}

function onMessage(worker: Worker, type: FromWorker['type']): Promise<FromWorker> {
  return new Promise(resolve => {
    const listener = (message: FromWorker) => {
      if (message.type !== type) return;
      worker.off('message', listener);
      resolve(message);
    };
    worker.on('message', listener);
  });
}

/** Two workers on their shared port, nginx in front. */
interface ClusterBehindNginx {
  readonly proxy: NginxProxy;
  readonly workers: ReadonlyMap<string, Worker>;
}

async function startCluster(workerScript: string, options: WsErrorsOptions): Promise<ClusterBehindNginx> {
  // Round-robin in the primary (this process): connections alternate between the workers.
  cluster.schedulingPolicy = cluster.SCHED_RR;
  cluster.setupPrimary({ exec: workerScript, execArgv: [], silent: false });
  const workers = new Map<string, Worker>();
  try {
    const ports: number[] = [];
    for (const name of ['a', 'b']) {
      const worker = cluster.fork({ WORKER_NAME: name, WORKER_OPTIONS: JSON.stringify({ closeTimeout: 2_000, ...options }) });
      workers.set(name, worker);
      const exited = once(worker, 'exit').then(([code]) => {
        throw new Error(`worker ${name} exited (${code}) before it listened`);
      });
      const listening = (await Promise.race([onMessage(worker, 'listening'), exited])) as { port: number };
      ports.push(listening.port);
    }
    if (ports[0] !== ports[1]) throw new Error(`the workers listen on different ports: ${ports.join(', ')}`);
    return { proxy: await startNginx({ upstreamPort: ports[0]! }), workers };
  } catch (error) {
    await killWorkers(workers);
    throw error;
  }
}

async function killWorkers(workers: ReadonlyMap<string, Worker>): Promise<void> {
  for (const worker of workers.values()) {
    if (worker.isDead()) continue;
    const exited = once(worker, 'exit');
    worker.process.kill('SIGKILL');
    await exited;
  }
}

const compiled = suiteResource(() => compileFixture('test/fixtures/cluster/tsconfig.json'), fixture => fixture.remove(), 120_000);

describe.each<[number, WsErrorsOptions]>([
  [1001, {}],
  [1012, { shutdownCloseCode: 1012 }],
])('graceful shutdown (%i) of one of two cluster workers behind nginx', (code, shutdownOptions) => {
  const setup = suiteResource(
    () => startCluster(compiled.current.path('test/fixtures/cluster/worker.ts'), shutdownOptions),
    async ({ proxy, workers }) => {
      await proxy.stop();
      await killWorkers(workers);
    },
    60_000,
  );

  it(`its clients hear ${code}, move to the other worker, and no message is handled twice or lost`, async () => {
    const gate = new Gate();
    const clients = Array.from({ length: CLIENTS }, (_, index) => new JobClient(index, setup.current.proxy.url));
    // One connection at a time, so that round-robin alternates them strictly between the workers.
    const runs: Promise<void>[] = [];
    for (const client of clients) {
      const run = client.run(gate);
      runs.push(run);
      await within(Promise.race([client.connected, run]), 10_000, `client ${client.index} connected`, clients);
    }
    const failed = Promise.all(runs).then(() => new Promise<never>(() => undefined));
    await within(Promise.race([Promise.all(clients.map(client => client.halfway)), failed]), 20_000, 'every client halfway', clients);

    // Round-robin put half the clients on each worker; a test where 'a' had none would prove nothing.
    const onA = clients.filter(client => client.workers[0] === 'a');
    expect(onA.length).toBe(CLIENTS / 2);

    const a = setup.current.workers.get('a')!;
    const closed = onMessage(a, 'closed');
    const exited = once(a, 'exit');
    a.send({ type: 'shutdown' } satisfies ToWorker);
    gate.open();
    await within(Promise.all(runs), 30_000, 'every client done', clients);
    const { handled: handledByA, resources } = (await within(closed, 10_000, "worker 'a' closed", clients)) as { handled: number[]; resources: string[] };
    // Nothing of the app's keeps the worker alive once app.close() has resolved and IPC is gone.
    a.send({ type: 'exit' } satisfies ToWorker);
    await within(exited, 10_000, `worker 'a' exited (active after app.close(): ${resources.join(', ')})`, clients);

    const b = setup.current.workers.get('b')!;
    const report = onMessage(b, 'report');
    b.send({ type: 'report' } satisfies ToWorker);
    const handledByB = ((await within(report, 10_000, "worker 'b' reported", clients)) as { handled: number[] }).handled;

    for (const client of onA) {
      // Exactly one ending from the server, readable, and a reconnect that landed on 'b'.
      expect(client.serverCloses).toHaveLength(1);
      expect(client.serverCloses[0]).toMatchObject({ kind: 'closed', code, wasClean: true, allowReconnect: true });
      expect(client.workers.slice(1).every(worker => worker === 'b')).toBe(true);
      expect(client.workers.length).toBeGreaterThanOrEqual(2);
    }
    for (const client of clients) {
      expect(client.duplicateAcks).toEqual([]);
      expect(client.ackedBy.size).toBe(MESSAGES);
      if (!onA.includes(client)) expect(client.serverCloses).toEqual([]);
    }

    // Server side: every id handled exactly once across both workers.
    const counts = new Map<number, number>();
    for (const id of [...handledByA, ...handledByB]) counts.set(id, (counts.get(id) ?? 0) + 1);
    const expected = clients.flatMap(client => client.ids);
    expect(expected.filter(id => counts.get(id) !== 1).map(id => [id, counts.get(id) ?? 0])).toEqual([]);
    expect(counts.size).toBe(expected.length);
    // 'a' did work before it went: the shutdown happened under load, not after it.
    expect(handledByA.length).toBeGreaterThanOrEqual(onA.length * BEFORE_SHUTDOWN);
  }, 60_000);
});
