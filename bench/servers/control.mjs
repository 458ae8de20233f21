// The control endpoint every bench server runs beside its WebSocket port, on 127.0.0.1:
// CPU and memory of this process, app counters, and an in-process CPU profiler.
import { createServer } from 'node:http';
import { Session } from 'node:inspector';
import { writeFileSync } from 'node:fs';

/**
 * @param {() => Record<string, unknown>} stats app counters (open connections, messages, …)
 * @returns {Promise<number>} the control port
 */
export function startControl(stats) {
  for (let i = 0; i < 40; i++) spin(2e6);
  let session;
  const routes = {
    'GET /cpu': () => {
      const { user, system } = process.cpuUsage();
      return { user, system, ...stats() };
    },
    'GET /stats': () => stats(),
    // A fixed piece of pure JS on the server's core (warmed up at start): the CPU µs it
    // takes says how fast this shared, virtual machine runs right now.
    'GET /calibrate': () => ({ cpuUs: calibrate() }),
    'GET /mem': () => {
      if (typeof globalThis.gc === 'function') {
        globalThis.gc();
        globalThis.gc();
      }
      return { ...process.memoryUsage(), ...stats() };
    },
    // Profiler.start/stop through the inspector, what `node --cpu-prof` does, scoped to one scenario.
    'POST /profile/start': async query => {
      session ??= new Session();
      session.connect?.();
      await post(session, 'Profiler.enable');
      await post(session, 'Profiler.setSamplingInterval', { interval: Number(query.get('interval') ?? 100) });
      await post(session, 'Profiler.start');
      return { ok: true };
    },
    'POST /profile/stop': async query => {
      const { profile } = await post(session, 'Profiler.stop');
      await post(session, 'Profiler.disable');
      session.disconnect();
      session = undefined;
      writeFileSync(query.get('file'), JSON.stringify(profile));
      return { ok: true, samples: profile.samples.length };
    },
    'POST /exit': () => {
      setImmediate(() => process.exit(0));
      return { ok: true };
    },
  };
  const server = createServer(async (req, res) => {
    const url = new URL(req.url, 'http://control');
    const route = routes[`${req.method} ${url.pathname}`];
    try {
      if (!route) throw Object.assign(new Error('not found'), { status: 404 });
      const body = JSON.stringify(await route(url.searchParams));
      res.writeHead(200, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(body) });
      res.end(body);
    } catch (error) {
      res.writeHead(error.status ?? 500, { 'content-type': 'text/plain' });
      res.end(String(error?.stack ?? error));
    }
  });
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => resolve(server.address().port));
  });
}

let sink = 0;
function spin(steps) {
  let x = sink;
  for (let i = 0; i < steps; i++) x = (x * 31 + i) | 0;
  sink = x;
}

/** The fastest of three runs of a fixed loop, in CPU µs. */
function calibrate() {
  let best = Infinity;
  for (let run = 0; run < 3; run++) {
    const before = process.cpuUsage();
    spin(2e6);
    const used = process.cpuUsage(before);
    best = Math.min(best, used.user + used.system);
  }
  return best;
}

function post(session, method, params) {
  return new Promise((resolve, reject) => session.post(method, params, (err, result) => (err ? reject(err) : resolve(result))));
}

/** One stdout line the orchestrator waits for. */
export function announce(info) {
  process.stdout.write(`${JSON.stringify({ ready: true, pid: process.pid, ...info })}\n`);
}

process.on('SIGTERM', () => process.exit(0));
process.on('SIGINT', () => process.exit(0));
