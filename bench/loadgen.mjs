// The load generator: one process per server, driven by bench/run.mjs over IPC.
// Every command is bounded in count and has a deadline; every sample carries the server's
// CPU time (its own process.cpuUsage(), over the control endpoint) and what the rest of
// the machine used meanwhile.
import { request, Agent } from 'node:http';
import WebSocket from 'ws';
import { otherLoad, snapshotTicks } from './lib/proc.mjs';
import { quantile } from './lib/stats.mjs';

const agent = new Agent({ keepAlive: true, maxSockets: 1 });
let target; // { port, control, pid }
let ourPids = [];

const PER_OP_TIMEOUT_MS = 10_000;

function control(method, path) {
  return new Promise((resolve, reject) => {
    const req = request({ host: '127.0.0.1', port: target.control, method, path, agent, timeout: 30_000 }, res => {
      const chunks = [];
      res.on('data', chunk => chunks.push(chunk));
      res.on('end', () => {
        const body = Buffer.concat(chunks).toString();
        if (res.statusCode !== 200) reject(new Error(`control ${path}: ${res.statusCode} ${body}`));
        else resolve(JSON.parse(body));
      });
    });
    req.on('timeout', () => req.destroy(new Error(`control ${path}: timeout`)));
    req.on('error', reject);
    req.end();
  });
}

const sleep = ms => new Promise(resolve => setTimeout(resolve, ms));

/**
 * Waits (at most `maxMs`) for a 250 ms window in which other processes used less than
 * `busyCores` of a core: a sample is not started while the machine is visibly busy.
 */
async function quiet(busyCores, maxMs) {
  const until = performance.now() + maxMs;
  let waited = 0;
  for (;;) {
    const t0 = snapshotTicks(ourPids);
    await sleep(250);
    const { otherCores } = otherLoad(t0, snapshotTicks(ourPids));
    if (otherCores === null || otherCores < busyCores || performance.now() >= until) return { waitedMs: waited, otherBefore: otherCores };
    waited += 250;
  }
}

/** Runs `work` between two readings of the server's CPU and the machine's. */
async function measured(work, msg = {}) {
  const wait = msg.quietMaxMs ? await quiet(msg.busyCores ?? 0.25, msg.quietMaxMs) : {};
  const calib0 = msg.noCalibrate ? { cpuUs: null } : await control('GET', '/calibrate');
  const cpu0 = await control('GET', '/cpu');
  const self0 = process.cpuUsage();
  const ticks0 = snapshotTicks(ourPids);
  const t0 = performance.now();
  const result = await work();
  const wallMs = performance.now() - t0;
  const ticks1 = snapshotTicks(ourPids);
  const self1 = process.cpuUsage(self0);
  const cpu1 = await control('GET', '/cpu');
  const calib1 = msg.noCalibrate ? { cpuUs: null } : await control('GET', '/calibrate');
  const serverCpuUs = cpu1.user - cpu0.user + (cpu1.system - cpu0.system);
  return {
    ...result,
    wallMs,
    serverCpuUs,
    serverUserUs: cpu1.user - cpu0.user,
    serverUtil: serverCpuUs / 1000 / wallMs,
    loadgenCpuUs: self1.user + self1.system,
    ...wait,
    calibUs: msg.noCalibrate ? null : Math.max(calib0.cpuUs, calib1.cpuUs),
    ...otherLoad(ticks0, ticks1),
  };
}

function url(path) {
  return `ws://127.0.0.1:${target.port}${path}`;
}

/** One client's whole life: connect, then close (expect 'open') or be closed with `expect`. */
function handshakeOnce(path, headers, expect) {
  return new Promise(resolve => {
    const ws = new WebSocket(url(path), { perMessageDeflate: false, headers });
    let opened = false;
    const timer = setTimeout(() => {
      ws.terminate();
      resolve('timeout');
    }, PER_OP_TIMEOUT_MS);
    ws.on('open', () => {
      opened = true;
      if (expect === 'open') ws.close(1000);
    });
    ws.on('error', () => {});
    ws.on('close', code => {
      clearTimeout(timer);
      if (expect === 'open') resolve(opened && code === 1000 ? 'ok' : `closed ${code}`);
      else resolve(opened && code === expect ? 'ok' : `closed ${code}${opened ? '' : ' before open'}`);
    });
  });
}

async function handshakes({ path, headers, expect, total, concurrency, maxMs = 60_000 }) {
  let started = 0;
  let errors = 0;
  const failures = {};
  const deadline = performance.now() + maxMs;
  const worker = async () => {
    while (started < total && performance.now() < deadline) {
      started++;
      const outcome = await handshakeOnce(path, headers, expect);
      if (outcome !== 'ok') {
        errors++;
        failures[outcome] = (failures[outcome] ?? 0) + 1;
      }
    }
  };
  await Promise.all(Array.from({ length: Math.min(concurrency, total) }, worker));
  return { ops: started, errors, failures };
}

/** Opens `n` clients, `concurrency` at a time; every one must open. */
async function openMany(path, headers, n, concurrency = 50) {
  const clients = [];
  let next = 0;
  let errors = 0;
  const openOne = () =>
    new Promise(resolve => {
      const ws = new WebSocket(url(path), { perMessageDeflate: false, headers });
      const timer = setTimeout(() => {
        ws.terminate();
        resolve(null);
      }, PER_OP_TIMEOUT_MS);
      ws.on('error', () => {});
      ws.once('open', () => {
        clearTimeout(timer);
        resolve(ws);
      });
      ws.once('close', () => {
        clearTimeout(timer);
        resolve(null);
      });
    });
  const worker = async () => {
    while (next < n) {
      next++;
      const ws = await openOne();
      if (ws) clients.push(ws);
      else errors++;
    }
  };
  await Promise.all(Array.from({ length: Math.min(concurrency, n) }, worker));
  return { clients, errors };
}

async function closeAll(clients) {
  await Promise.all(
    clients.map(
      ws =>
        new Promise(resolve => {
          if (ws.readyState === WebSocket.CLOSED) return resolve();
          const timer = setTimeout(() => {
            ws.terminate();
            resolve();
          }, PER_OP_TIMEOUT_MS);
          ws.once('close', () => {
            clearTimeout(timer);
            resolve();
          });
          ws.close(1000);
        }),
    ),
  );
}

/** Waits (bounded) until the server counts no open connection. */
async function serverDrained(deadlineMs = 15_000) {
  const until = performance.now() + deadlineMs;
  let stats;
  while (performance.now() < until) {
    stats = await control('GET', '/stats');
    if (stats.open === 0) return true;
    await sleep(50);
  }
  return false;
}

// ------------------------------------------------------------------ echo

let echoClients = [];

async function echoOpen({ path, headers, clients }) {
  await echoClose();
  const { clients: opened, errors } = await openMany(path, headers, clients);
  echoClients = opened;
  if (errors) throw new Error(`echo: ${errors} of ${clients} clients did not open`);
  return { clients: opened.length };
}

async function echoClose() {
  const clients = echoClients;
  echoClients = [];
  await closeAll(clients);
  return {};
}

/** Every client sends, waits for its echo, and sends again: `rounds` times each, or until `maxMs`. */
async function echoRounds(rounds, maxMs = 60_000) {
  const deadline = performance.now() + maxMs;
  const latencies = new Float64Array(echoClients.length * rounds);
  let index = 0;
  let errors = 0;
  await Promise.all(
    echoClients.map(
      (ws, clientNo) =>
        new Promise((resolve, reject) => {
          let seq = 0;
          let sentAt = 0;
          const timer = setTimeout(() => {
            ws.off('message', onMessage);
            reject(new Error(`echo: client ${clientNo} stalled at round ${seq} of ${rounds}`));
          }, PER_OP_TIMEOUT_MS + Math.min(maxMs, rounds * 100));
          const send = () => {
            sentAt = performance.now();
            ws.send(`{"event":"echo","data":{"seq":${seq},"text":"hello from client ${clientNo}"}}`);
          };
          const onMessage = data => {
            latencies[index++] = performance.now() - sentAt;
            const reply = JSON.parse(data.toString());
            if (reply.event !== 'echo' || reply.data?.seq !== seq) errors++;
            if (++seq < rounds && performance.now() < deadline) send();
            else {
              clearTimeout(timer);
              ws.off('message', onMessage);
              resolve();
            }
          };
          ws.on('message', onMessage);
          send();
        }),
    ),
  );
  const sorted = latencies.subarray(0, index).sort();
  return { ops: index, errors, p50Ms: quantile(sorted, 0.5), p99Ms: quantile(sorted, 0.99) };
}

// ------------------------------------------------------------------ memory and churn

async function memory({ idlePath, dtoPath, headers, n }) {
  const base = await control('GET', '/mem');
  const idle = await openMany(idlePath, undefined, n);
  await sleep(300);
  const afterIdle = await control('GET', '/mem');
  const dto = await openMany(dtoPath, headers, n);
  await sleep(300);
  const afterDto = await control('GET', '/mem');
  await closeAll([...idle.clients, ...dto.clients]);
  const drained = await serverDrained();
  const per = (a, b, count) => ({
    rssBytes: (b.rss - a.rss) / count,
    heapBytes: (b.heapUsed - a.heapUsed) / count,
    externalBytes: (b.external - a.external) / count,
  });
  return {
    ops: idle.clients.length + dto.clients.length,
    errors: idle.errors + dto.errors + (drained ? 0 : 1),
    drained,
    serverOpenAtPeak: afterDto.open,
    idle: per(base, afterIdle, Math.max(1, idle.clients.length)),
    dto: per(afterIdle, afterDto, Math.max(1, dto.clients.length)),
    base: { rss: base.rss, heapUsed: base.heapUsed },
  };
}

/** `n` idle connections: server memory per connection, then the server's CPU per second while they sit idle. */
async function idle({ path, n, windowMs }) {
  const base = await control('GET', '/mem');
  const opened = await openMany(path, undefined, n);
  await sleep(300);
  const afterOpen = await control('GET', '/mem');
  const cpu0 = await control('GET', '/cpu');
  const t0 = performance.now();
  await sleep(windowMs);
  const cpu1 = await control('GET', '/cpu');
  const wallMs = performance.now() - t0;
  const stillOpen = opened.clients.filter(ws => ws.readyState === WebSocket.OPEN).length;
  await closeAll(opened.clients);
  const drained = await serverDrained();
  const count = Math.max(1, opened.clients.length);
  const cpuUs = cpu1.user - cpu0.user + (cpu1.system - cpu0.system);
  return {
    ops: opened.clients.length,
    errors: opened.errors + (drained ? 0 : 1) + (opened.clients.length - stillOpen),
    stillOpen,
    heapBytesPerConn: (afterOpen.heapUsed - base.heapUsed) / count,
    rssBytesPerConn: (afterOpen.rss - base.rss) / count,
    idleCpuUsPerSec: (cpuUs / wallMs) * 1000,
    wallMs,
  };
}

async function churn({ path, headers, n }) {
  const before = await control('GET', '/mem');
  const opened = await openMany(path, headers, n);
  await closeAll(opened.clients);
  const drained = await serverDrained();
  await sleep(200);
  const after = await control('GET', '/mem');
  return {
    ops: opened.clients.length,
    errors: opened.errors + (drained ? 0 : 1),
    drained,
    retainedHeapBytesPerConn: (after.heapUsed - before.heapUsed) / Math.max(1, n),
    retainedRssBytesPerConn: (after.rss - before.rss) / Math.max(1, n),
  };
}

// ------------------------------------------------------------------ IPC

const commands = {
  init: async msg => {
    target = msg.target;
    ourPids = msg.pids;
    return control('GET', '/stats');
  },
  handshakes: msg => (msg.measure === false ? handshakes(msg) : measured(() => handshakes(msg), msg)),
  echoOpen,
  echoClose,
  echo: msg => (msg.measure === false ? echoRounds(msg.rounds, msg.maxMs) : measured(() => echoRounds(msg.rounds, msg.maxMs), msg)),
  memory,
  idle,
  churn,
  stats: () => control('GET', '/stats'),
  calibrate: () => control('GET', '/calibrate'),
  profileStart: msg => control('POST', `/profile/start?interval=${msg.interval ?? 100}`),
  profileStop: msg => control('POST', `/profile/stop?file=${encodeURIComponent(msg.file)}`),
};

process.on('message', async msg => {
  try {
    const command = commands[msg.cmd];
    if (!command) throw new Error(`unknown command ${msg.cmd}`);
    const result = await command(msg);
    process.send({ id: msg.id, ok: true, result });
  } catch (error) {
    process.send({ id: msg.id, ok: false, error: String(error?.stack ?? error) });
  }
});
process.on('disconnect', () => process.exit(0));
