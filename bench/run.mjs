#!/usr/bin/env node
// npm run bench [-- --quick] [-- --profile] [-- --only=echo,handshake,...,heartbeat]
//
// Three servers as separate processes (raw `ws`, a Nest 12 app on the stock WsAdapter, the
// same app on ValidatingWsAdapter), each driven by its own load-generator process. Servers
// are pinned to core 0, load generators to core 1 (when `taskset` exists). What is compared
// is the server's CPU time per operation (process.cpuUsage() deltas read over the server's
// control endpoint); rates are reported beside it. A sample taken while other processes
// used the machine is repeated, the least disturbed one kept and flagged.
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { cpus } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { analyzeProfile } from './lib/profile.mjs';
import { PROFILE_TARGETS } from './lib/profile-targets.mjs';
import { renderMarkdown, renderProfiles, renderSmoke, summarizeAll } from './lib/report.mjs';

const BENCH = dirname(fileURLToPath(import.meta.url));
const ROOT = join(BENCH, '..');
const RESULTS = join(BENCH, 'results');
const args = process.argv.slice(2);
const QUICK = args.includes('--quick');
const PROFILE = args.includes('--profile');
const ONLY = args.find(a => a.startsWith('--only='))?.slice(7).split(',');

// Samples stop at a count or a duration, whichever comes first; each scenario has a time
// budget after which no further repetition (beyond the first) or busy-machine retry starts.
const CONFIG = QUICK
  ? {
      reps: 1, handshakes: 300, handshakeWarmup: 100, concurrency: 32, sampleMs: 1_500, warmupMs: 1_000,
      echoClients: 64, echoRounds: 5, echoWarmup: 3,
      memConns: 200, memReps: 1, churn: 200,
      heartbeat: { conns: 200, windowMs: 1_500, intervalMs: 500, reps: 1 },
      maxAttempts: 1, busyCores: 0.25, slowFactor: 1.3, quietMaxMs: 0, deadlineMs: 90_000,
      budgetMs: { echo: 5_000, memory: 10_000, handshake: 5_000, reject: 5_000, churn: 8_000, echoAfterChurn: 5_000, profile: 8_000 },
      profileHandshakes: 500, profileEchoRounds: 20, profileMs: 1_500,
    }
  : {
      reps: 5, handshakes: 5000, handshakeWarmup: 3000, concurrency: 32, sampleMs: 1_500, warmupMs: 1_500,
      echoClients: 64, echoRounds: 1500, echoWarmup: 400,
      memConns: 2000, memReps: 3, churn: 2000,
      heartbeat: { conns: 2000, windowMs: 5_000, intervalMs: 1_000, reps: 2 },
      maxAttempts: 4, busyCores: 0.25, slowFactor: 1.3, quietMaxMs: 2_000, deadlineMs: 420_000,
      budgetMs: { echo: 45_000, memory: 55_000, handshake: 55_000, reject: 40_000, churn: 20_000, echoAfterChurn: 45_000, profile: 40_000 },
      profileHandshakes: 20_000, profileEchoRounds: 5000, profileMs: 4_000,
    };

const HEADERS = { 'x-token': 'bench-token', cookie: 'session=bench-session; theme=dark' };
const SERVERS = {
  raw: { args: ['bench/servers/raw-server.mjs'], items: '/items/42/ws?q=7', reject: '/items/42/ws?q=abc' },
  stock: { args: ['bench/servers/nest-server.mjs', 'stock'], items: '/items/ws?q=7', reject: null },
  ours: { args: ['bench/servers/nest-server.mjs', 'ours'], items: '/items/42/ws?q=7', reject: '/items/42/ws?q=abc' },
};
const NAMES = Object.keys(SERVERS);
// The heartbeat scenario's own pair of `ours` servers, started for it alone: the heartbeat on (pinging
// every `intervalMs`, so that a measuring window sees several rounds) and off.
const HEARTBEAT_SERVERS = {
  heartbeatOn: { args: ['bench/servers/nest-server.mjs', 'ours', `--heartbeat=${CONFIG.heartbeat.intervalMs}`] },
  heartbeatOff: { args: ['bench/servers/nest-server.mjs', 'ours', '--heartbeat=off'] },
};
const wanted = scenario => !ONLY || ONLY.includes(scenario);

let started = performance.now();
const elapsed = () => performance.now() - started;
const log = (...parts) => console.log(`[${(elapsed() / 1000).toFixed(1).padStart(5)}s]`, ...parts);
const sleep = ms => new Promise(resolve => setTimeout(resolve, ms));
const children = [];

// ------------------------------------------------------------------ build

function newestMtime(dir, filter) {
  let newest = 0;
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) newest = Math.max(newest, newestMtime(path, filter));
    else if (filter(entry.name)) newest = Math.max(newest, statSync(path).mtimeMs);
  }
  return newest;
}

const mtime = path => (existsSync(path) ? statSync(path).mtimeMs : 0);

function run(cmd, cmdArgs) {
  log(`$ ${cmd} ${cmdArgs.join(' ')}`);
  const result = spawnSync(cmd, cmdArgs, { cwd: ROOT, stdio: 'inherit' });
  if (result.status !== 0) {
    console.error(`bench: \`${cmd} ${cmdArgs.join(' ')}\` failed (${result.status ?? result.signal})`);
    process.exit(1);
  }
}

function build() {
  const libBuilt = mtime(join(ROOT, 'dist/index.js'));
  const srcNewest = Math.max(newestMtime(join(ROOT, 'src'), name => name.endsWith('.ts')), mtime(join(ROOT, 'tsconfig.build.json')));
  if (!libBuilt || srcNewest > libBuilt) run('npm', ['run', '--silent', 'build']);
  const appBuilt = mtime(join(BENCH, 'dist/nest-app.js'));
  const appNewest = Math.max(mtime(join(BENCH, 'servers/nest-app.ts')), mtime(join(ROOT, 'dist/index.d.ts')), mtime(join(BENCH, 'tsconfig.json')));
  if (!appBuilt || appNewest > appBuilt) run(join(ROOT, 'node_modules/.bin/tsc'), ['-p', 'bench/tsconfig.json']);
}

// ------------------------------------------------------------------ processes

const HAS_TASKSET = spawnSync('taskset', ['-c', '0', 'true']).status === 0;

function spawnNode(core, nodeArgs, stdio) {
  const argv = [process.execPath, ...nodeArgs];
  const child = HAS_TASKSET
    ? spawn('taskset', ['-c', String(core), ...argv], { cwd: ROOT, stdio })
    : spawn(argv[0], argv.slice(1), { cwd: ROOT, stdio });
  children.push(child);
  return child;
}

function startServer(name, serverArgs = SERVERS[name].args) {
  const child = spawnNode(0, ['--expose-gc', ...serverArgs], ['ignore', 'pipe', 'inherit']);
  return new Promise((resolve, reject) => {
    let buffer = '';
    const timer = setTimeout(() => reject(new Error(`${name} server did not start within 30 s`)), 30_000);
    child.once('exit', code => reject(new Error(`${name} server exited (${code}) before it was ready`)));
    child.stdout.on('data', chunk => {
      buffer += chunk;
      const line = buffer.split('\n').find(l => l.startsWith('{'));
      if (!line) return;
      clearTimeout(timer);
      child.stdout.removeAllListeners('data');
      child.stdout.resume();
      resolve({ child, ...JSON.parse(line) });
    });
  });
}

function startLoadgen() {
  const child = spawnNode(1, [join(BENCH, 'loadgen.mjs')], ['ignore', 'inherit', 'inherit', 'ipc']);
  const pending = new Map();
  let nextId = 1;
  child.on('message', msg => {
    const waiter = pending.get(msg.id);
    if (!waiter) return;
    pending.delete(msg.id);
    clearTimeout(waiter.timer);
    if (msg.ok) waiter.resolve(msg.result);
    else waiter.reject(new Error(msg.error));
  });
  child.once('exit', code => {
    for (const waiter of pending.values()) waiter.reject(new Error(`load generator exited (${code})`));
    pending.clear();
  });
  const call = (msg, timeoutMs = 120_000) =>
    new Promise((resolve, reject) => {
      const id = nextId++;
      const timer = setTimeout(() => {
        pending.delete(id);
        reject(new Error(`load generator: ${msg.cmd} timed out after ${timeoutMs} ms`));
      }, timeoutMs);
      pending.set(id, { resolve, reject, timer });
      child.send({ ...msg, id });
    });
  return { child, call };
}

function shutdown() {
  for (const child of children) if (child.exitCode === null && child.signalCode === null) child.kill('SIGTERM');
}

// ------------------------------------------------------------------ sampling

const failures = [];
const discarded = [];

function check(name, scenario, result) {
  if (!result || result.errors > 0 || !(result.ops > 0)) {
    failures.push({ server: name, scenario, errors: result?.errors, ops: result?.ops, failures: result?.failures });
  }
}

/**
 * The fastest the calibration loop ran on the servers' core: a sample during which it ran
 * more than `slowFactor` times slower came from a slowed-down machine (host contention the
 * guest cannot see in /proc/stat) and counts as busy.
 */
let calibBest = Infinity;

/** One sample; repeated while the machine was busy with something else (bounded). */
async function sample(name, scenario, lg, msg, clock) {
  let best;
  for (let attempt = 1; attempt <= CONFIG.maxAttempts; attempt++) {
    const quietMaxMs = clock.over() ? 0 : CONFIG.quietMaxMs;
    const result = await lg.call({ ...msg, busyCores: CONFIG.busyCores, quietMaxMs });
    const other = result.otherCores ?? 0;
    const steal = result.stealCores ?? 0;
    result.attempt = attempt;
    calibBest = Math.min(calibBest, result.calibUs);
    result.slowdown = result.calibUs / calibBest;
    result.busy = other > CONFIG.busyCores || steal > CONFIG.busyCores || result.slowdown > CONFIG.slowFactor;
    if (!best || other + steal < (best.otherCores ?? 0) + (best.stealCores ?? 0)) best = result;
    if (!result.busy) break;
    discarded.push({ server: name, scenario, attempt, otherCores: other, stealCores: steal, slowdown: result.slowdown });
    // A quick run measures nothing, so a busy machine is not worth a line there.
    if (!QUICK) log(`  ${name} ${scenario}: machine busy (${other.toFixed(2)} other cores, ${steal.toFixed(2)} steal, calibration ×${result.slowdown.toFixed(2)}), ${attempt < CONFIG.maxAttempts && !clock.over() ? 'repeating' : 'kept, flagged'}`);
    if (clock.over()) break;
    await sleep(300);
  }
  check(name, scenario, best);
  return best;
}

/** A scenario's clock: after its budget, only what is needed for one repetition still runs. */
function budget(key) {
  const start = performance.now();
  return { over: () => performance.now() - start > CONFIG.budgetMs[key] };
}

/** Repetition r runs the servers in a rotated order, so that drift hits each alike. */
const rotation = (names, r) => names.map((_, i) => names[(i + r) % names.length]);

// A quick run reports what was answered; its speed figures would mean nothing.
const fmtAnswered = r => `answered ${r.ops} operations, ${r.errors} errors`;
const fmtSample = r =>
  QUICK ? fmtAnswered(r) : `${(r.serverCpuUs / r.ops).toFixed(1)} µs/op, ${Math.round((r.ops / r.wallMs) * 1000)}/s, server ${(r.serverUtil * 100).toFixed(0)}% of a core, other ${(r.otherCores ?? 0).toFixed(2)}, calibration ×${r.slowdown.toFixed(2)}${r.busy ? ' BUSY' : ''}`;

async function echoScenario(key, servers, lgs, samples, calibration) {
  log(`${key}: ${CONFIG.echoClients} clients, up to ${CONFIG.echoRounds} round trips each or ${CONFIG.sampleMs} ms per sample`);
  const clock = budget(key);
  for (const name of servers) {
    await lgs[name].call({ cmd: 'echoOpen', path: SERVERS[name].items, headers: HEADERS, clients: CONFIG.echoClients });
    await lgs[name].call({ cmd: 'echo', rounds: CONFIG.echoWarmup, maxMs: CONFIG.warmupMs, measure: false });
  }
  await calibrate(key, servers, lgs, calibration);
  for (let r = 0; r < CONFIG.reps && (r === 0 || !clock.over()); r++) {
    for (const name of rotation(servers, r)) {
      const result = await sample(name, key, lgs[name], { cmd: 'echo', rounds: CONFIG.echoRounds, maxMs: CONFIG.sampleMs }, clock);
      samples[name][key].push(result);
      log(`  ${name.padEnd(5)} #${r + 1} ${fmtSample(result)}${QUICK ? '' : `, p50 ${result.p50Ms.toFixed(2)} ms, p99 ${result.p99Ms.toFixed(2)} ms`}`);
    }
  }
  for (const name of servers) await lgs[name].call({ cmd: 'echoClose' });
}

/** The fixed JS loop on each server's core: how fast the machine is while this scenario runs. */
async function calibrate(key, servers, lgs, calibration) {
  for (const name of servers) {
    const { cpuUs } = await lgs[name].call({ cmd: 'calibrate' });
    (calibration[key] ??= []).push({ server: name, cpuUs });
  }
}

async function handshakeScenario(key, servers, lgs, samples, pathOf, expect, calibration) {
  log(`${key}: up to ${CONFIG.handshakes} handshakes or ${CONFIG.sampleMs} ms per sample, ${CONFIG.concurrency} concurrent clients`);
  const clock = budget(key);
  const msg = name => ({ cmd: 'handshakes', path: pathOf(name), headers: HEADERS, expect, concurrency: CONFIG.concurrency });
  for (const name of servers) await lgs[name].call({ ...msg(name), total: CONFIG.handshakeWarmup, maxMs: CONFIG.warmupMs, measure: false });
  await calibrate(key, servers, lgs, calibration);
  for (let r = 0; r < CONFIG.reps && (r === 0 || !clock.over()); r++) {
    for (const name of rotation(servers, r)) {
      const result = await sample(name, key, lgs[name], { ...msg(name), total: CONFIG.handshakes, maxMs: CONFIG.sampleMs }, clock);
      samples[name][key].push(result);
      log(`  ${name.padEnd(5)} #${r + 1} ${fmtSample(result)}${result.errors ? ` ERRORS ${JSON.stringify(result.failures)}` : ''}`);
    }
  }
}

// ------------------------------------------------------------------ main

async function main() {
  build();
  // The time limits are for the benchmark itself; a build comes on top.
  started = performance.now();
  const watchdog = setTimeout(() => {
    console.error(`bench: over the ${CONFIG.deadlineMs / 1000} s limit, stopping`);
    shutdown();
    process.exit(2);
  }, CONFIG.deadlineMs);
  watchdog.unref();
  mkdirSync(RESULTS, { recursive: true });
  log(`servers on core 0, load generators on core 1${HAS_TASKSET ? '' : ' (no taskset: not pinned)'}; ${QUICK ? 'quick' : 'full'} run`);
  const servers = {};
  await Promise.all(NAMES.map(async name => (servers[name] = await startServer(name))));
  const lgs = {};
  for (const name of NAMES) lgs[name] = startLoadgen();
  const pids = [process.pid, ...NAMES.map(n => servers[n].pid), ...NAMES.map(n => lgs[n].child.pid)];
  for (const name of NAMES) {
    await lgs[name].call({ cmd: 'init', target: { port: servers[name].port, control: servers[name].control, pid: servers[name].pid }, pids });
  }
  for (let i = 0; i < 5; i++) for (const name of NAMES) calibBest = Math.min(calibBest, (await lgs[name].call({ cmd: 'calibrate' })).cpuUs);
  log(`started: ${NAMES.map(n => `${n} pid ${servers[n].pid} :${servers[n].port}`).join(', ')}`);

  const samples = Object.fromEntries(NAMES.map(n => [n, { echo: [], handshake: [], reject: [], memory: [], churn: [], echoAfterChurn: [] }]));
  const rejecting = NAMES.filter(n => SERVERS[n].reject);

  const calibration = {};
  if (wanted('echo')) await echoScenario('echo', NAMES, lgs, samples, calibration);
  if (wanted('memory')) {
    log(`memory: ${CONFIG.memConns} idle connections (/plain/ws), then ${CONFIG.memConns} admitted ones holding their handshake`);
    const clock = budget('memory');
    for (let r = 0; r < CONFIG.memReps && (r === 0 || !clock.over()); r++) {
      for (const name of rotation(NAMES, r)) {
        const result = await lgs[name].call({ cmd: 'memory', idlePath: '/plain/ws', dtoPath: SERVERS[name].items, headers: HEADERS, n: CONFIG.memConns });
        check(name, 'memory', result);
        samples[name].memory.push(result);
        const kb = b => `${(b / 1024).toFixed(1)} KB`;
        log(`  ${name.padEnd(5)} #${r + 1} ${QUICK ? fmtAnswered(result) : `idle: heap ${kb(result.idle.heapBytes)}; admitted: heap ${kb(result.dto.heapBytes)} per connection`}`);
      }
    }
  }
  if (wanted('handshake')) await handshakeScenario('handshake', NAMES, lgs, samples, n => SERVERS[n].items, 'open', calibration);
  if (wanted('reject')) await handshakeScenario('reject', rejecting, lgs, samples, n => SERVERS[n].reject, 1008, calibration);
  if (wanted('churn')) {
    log(`churn: ${CONFIG.churn} connections opened and closed, then echo again`);
    for (const name of NAMES) {
      const result = await lgs[name].call({ cmd: 'churn', path: SERVERS[name].items, headers: HEADERS, n: CONFIG.churn });
      check(name, 'churn', result);
      samples[name].churn.push(result);
      log(`  ${name.padEnd(5)} ${QUICK ? fmtAnswered(result) : `retained after churn: heap ${result.retainedHeapBytesPerConn.toFixed(0)} B/conn`}`);
    }
    await echoScenario('echoAfterChurn', NAMES, lgs, samples, calibration);
  }

  let heartbeat;
  // Its own two servers start only now (all servers share core 0): they do not idle beside the other scenarios.
  if (wanted('heartbeat')) heartbeat = await heartbeatScenario(await startHeartbeatServers(), pids);

  let profiles;
  if (PROFILE) profiles = await profileOurs(lgs, samples);

  const finalStats = {};
  for (const name of NAMES) finalStats[name] = await lgs[name].call({ cmd: 'stats' });
  shutdown();

  const summary = summarizeAll(samples);
  const meta = machine();
  const result = {
    meta: { ...meta, quick: QUICK, config: CONFIG, headers: HEADERS, servers: Object.fromEntries(NAMES.map(n => [n, { items: SERVERS[n].items, reject: SERVERS[n].reject }])), durationS: elapsed() / 1000, pinned: HAS_TASKSET, wsServer: servers.raw?.ws },
    summary,
    samples,
    discarded,
    calibration: { bestUs: calibBest, atScenarioStart: calibration },
    failures,
    finalStats,
    heartbeat,
    profiles,
  };
  // A quick run keeps its own files, so that it never overwrites a full run's tables.
  const stem = QUICK ? 'latest-quick' : 'latest';
  writeFileSync(join(RESULTS, `${stem}.json`), `${JSON.stringify(result, null, 2)}\n`);
  const markdown =
    (QUICK ? renderSmoke(result) : renderMarkdown(result) + (heartbeat ? `\n${renderHeartbeat(heartbeat)}` : '')) +
    (profiles ? `\n${renderProfiles(profiles)}` : '');
  writeFileSync(join(RESULTS, `${stem}.md`), markdown);
  console.log(`\n${markdown}`);
  log(`results: bench/results/${stem}.json, bench/results/${stem}.md`);
  if (failures.length) {
    console.error(`bench: ${failures.length} scenario(s) did not get the answers they expected:\n${JSON.stringify(failures, null, 2)}`);
    process.exitCode = 1;
  }
}

/**
 * Heartbeat on vs off with idle connections (/plain/ws): server memory per connection, and the
 * server's CPU per second while the connections sit idle (the pings are the only traffic).
 */
async function startHeartbeatServers() {
  const servers = {};
  await Promise.all(Object.keys(HEARTBEAT_SERVERS).map(async name => (servers[name] = await startServer(name, HEARTBEAT_SERVERS[name].args))));
  return servers;
}

async function heartbeatScenario(servers, pids) {
  const { conns, windowMs, intervalMs, reps } = CONFIG.heartbeat;
  log(`heartbeat: ${conns} idle connections, heartbeat every ${intervalMs} ms vs off, ${windowMs} ms of idle CPU`);
  const names = Object.keys(HEARTBEAT_SERVERS);
  const allPids = [...pids, ...names.map(n => servers[n].pid)];
  const lgs = {};
  for (const name of names) {
    lgs[name] = startLoadgen();
    allPids.push(lgs[name].child.pid);
  }
  for (const name of names) {
    await lgs[name].call({ cmd: 'init', target: { port: servers[name].port, control: servers[name].control, pid: servers[name].pid }, pids: allPids });
  }
  const out = { conns, windowMs, intervalMs, on: [], off: [] };
  for (let r = 0; r < reps; r++) {
    for (const name of rotation(names, r)) {
      const result = await lgs[name].call({ cmd: 'idle', path: '/plain/ws', n: conns, windowMs });
      check(name, 'heartbeat', result);
      out[name === 'heartbeatOn' ? 'on' : 'off'].push(result);
      log(`  ${name.padEnd(12)} #${r + 1} heap ${(result.heapBytesPerConn / 1024).toFixed(2)} KB, rss ${(result.rssBytesPerConn / 1024).toFixed(2)} KB per connection; idle CPU ${(result.idleCpuUsPerSec / 1000).toFixed(2)} ms/s; ${result.stillOpen}/${result.ops} still open`);
    }
  }
  for (const name of names) {
    lgs[name].child.kill('SIGTERM');
    servers[name].child.kill('SIGTERM');
  }
  return out;
}

function renderHeartbeat(hb) {
  const med = (list, key) => median(list.map(r => r[key]));
  const kb = v => (v === null ? '—' : `${(v / 1024).toFixed(2)} KB`);
  const ms = v => (v === null ? '—' : `${(v / 1000).toFixed(2)} ms`);
  const row = (label, list) => `| ${label} | ${kb(med(list, 'heapBytesPerConn'))} | ${kb(med(list, 'rssBytesPerConn'))} | ${ms(med(list, 'idleCpuUsPerSec'))} | ${list.length} |`;
  return [
    `## Heartbeat: ${hb.conns} idle connections, on (ping every ${hb.intervalMs} ms) vs off`,
    '',
    '| ours | heap / connection | rss / connection | server CPU per second idle | samples |',
    '|---|---|---|---|---|',
    row('heartbeat on', hb.on),
    row('heartbeat off', hb.off),
    '',
  ].join('\n');
}

/** CPU profiles of ValidatingWsAdapter's server, one per scenario, taken through the inspector. */
async function profileOurs(lgs, samples) {
  const lg = lgs.ours;
  const out = {};
  const dir = join(RESULTS, 'profiles');
  mkdirSync(dir, { recursive: true });
  const inclusive = PROFILE_TARGETS.flatMap(target => (target.or ? [target.fn, target.or] : [target.fn]));
  const runs = [
    ['handshake', { cmd: 'handshakes', path: SERVERS.ours.items, headers: HEADERS, expect: 'open', concurrency: CONFIG.concurrency, total: CONFIG.profileHandshakes, maxMs: CONFIG.profileMs }],
    ['reject', { cmd: 'handshakes', path: SERVERS.ours.reject, headers: HEADERS, expect: 1008, concurrency: CONFIG.concurrency, total: CONFIG.profileHandshakes, maxMs: CONFIG.profileMs }],
    ['echo', { cmd: 'echo', rounds: CONFIG.profileEchoRounds, maxMs: CONFIG.profileMs }],
  ];
  for (const [scenario, msg] of runs) {
    if (scenario === 'echo') {
      await lg.call({ cmd: 'echoOpen', path: SERVERS.ours.items, headers: HEADERS, clients: CONFIG.echoClients });
      await lg.call({ cmd: 'echo', rounds: CONFIG.echoWarmup, maxMs: CONFIG.warmupMs, measure: false });
    }
    const file = join(dir, `ours-${scenario}.cpuprofile`);
    log(`profile: ours ${scenario} → ${file}`);
    await lg.call({ cmd: 'profileStart', interval: 100 });
    const result = await lg.call({ ...msg, noCalibrate: true });
    await lg.call({ cmd: 'profileStop', file });
    if (scenario === 'echo') await lg.call({ cmd: 'echoClose' });
    check('ours', `profile ${scenario}`, result);
    const analysis = analyzeProfile(file, inclusive);
    const key = scenario === 'handshake' ? 'handshake' : scenario;
    // Per-op µs from the unprofiled median (the profiler itself adds overhead).
    const cpuPerOp = median(samples.ours[key].map(s => s.serverCpuUs / s.ops)) ?? result.serverCpuUs / result.ops;
    out[scenario] = { file: `bench/results/profiles/ours-${scenario}.cpuprofile`, ops: result.ops, cpuPerOpUs: cpuPerOp, profiledCpuPerOpUs: result.serverCpuUs / result.ops, ...analysis };
  }
  return out;
}

function median(values) {
  const sorted = values.filter(Number.isFinite).sort((a, b) => a - b);
  if (!sorted.length) return null;
  const mid = sorted.length >> 1;
  return sorted.length % 2 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
}

function machine() {
  let cpuModel = cpus()[0]?.model;
  try {
    cpuModel = /^model name\s*:\s*(.*)$/m.exec(readFileSync('/proc/cpuinfo', 'utf8'))?.[1] ?? cpuModel;
  } catch {}
  const git = (...a) => spawnSync('git', a, { cwd: ROOT, encoding: 'utf8' }).stdout?.trim();
  const version = pkg => {
    try {
      return JSON.parse(readFileSync(join(ROOT, 'node_modules', pkg, 'package.json'), 'utf8')).version;
    } catch {
      return undefined;
    }
  };
  return {
    date: new Date().toISOString(),
    nproc: cpus().length,
    cpuModel,
    node: process.version,
    commit: git('rev-parse', '--short', 'HEAD'),
    dirtySrc: Boolean(git('status', '--porcelain', '--', 'src')),
    versions: { '@nestjs/core': version('@nestjs/core'), '@nestjs/platform-ws': version('@nestjs/platform-ws'), ws: version('ws'), 'class-validator': version('class-validator'), 'class-transformer': version('class-transformer') },
  };
}

process.on('SIGINT', () => {
  shutdown();
  process.exit(130);
});

main()
  .catch(error => {
    console.error(error);
    process.exitCode = 1;
  })
  .finally(() => {
    shutdown();
    // Children end on SIGTERM; nothing else keeps the loop alive.
    setTimeout(() => process.exit(process.exitCode ?? 0), 500).unref();
  });
