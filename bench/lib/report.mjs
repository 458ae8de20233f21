// Samples → medians with spread → the Markdown tables (results and targets) of a full run, or
// what a quick smoke run can say: that every server answered every scenario.
import { summarize } from './stats.mjs';

const NAMES = ['raw', 'stock', 'ours'];

function rateAndCpu(list) {
  if (!list?.length) return null;
  return {
    rate: summarize(list.map(s => (s.ops / s.wallMs) * 1000)),
    cpuPerOp: summarize(list.map(s => s.serverCpuUs / s.ops)),
    serverUtil: summarize(list.map(s => s.serverUtil)),
    p50Ms: list[0].p50Ms === undefined ? undefined : summarize(list.map(s => s.p50Ms)),
    p99Ms: list[0].p99Ms === undefined ? undefined : summarize(list.map(s => s.p99Ms)),
    otherCoresMax: Math.max(...list.map(s => s.otherCores ?? 0)),
    slowdownMax: Math.max(...list.map(s => s.slowdown ?? 1)),
    flaggedBusy: list.filter(s => s.busy).length,
    n: list.length,
  };
}

export function summarizeAll(samples) {
  const out = {};
  for (const name of NAMES) {
    const s = samples[name];
    if (!s) continue;
    out[name] = {
      handshake: rateAndCpu(s.handshake),
      reject: rateAndCpu(s.reject),
      echo: rateAndCpu(s.echo),
      echoAfterChurn: rateAndCpu(s.echoAfterChurn),
      memory: s.memory.length
        ? {
            // Heap only: an RSS delta per connection moves with when the allocator grows or
            // returns pages, and comes out negative as often as not (the raw deltas stay in the samples).
            idleHeap: summarize(s.memory.map(m => m.idle.heapBytes)),
            dtoHeap: summarize(s.memory.map(m => m.dto.heapBytes)),
            conns: s.memory[0].ops / 2,
          }
        : null,
      churn: s.churn.length ? { retainedHeapPerConn: s.churn[0].retainedHeapBytesPerConn, conns: s.churn[0].ops } : null,
    };
  }
  out.targets = targets(out);
  return out;
}

/** a ÷ b, for two positive amounts only: a ratio with a zero or a negative side (a heap delta lost to noise) means nothing. */
const ratio = (a, b) => (a > 0 && b > 0 ? a / b : null);
const med = x => x?.median ?? null;

function targets(sum) {
  const { raw, stock, ours } = sum;
  const t = [];
  const add = (label, value, limit, unit = '×') => t.push({ label, value, limit, unit, pass: value == null ? null : value <= limit });
  add('admitted handshake: ours ≤ 1.15× stock (server CPU/op)', ratio(med(ours?.handshake?.cpuPerOp), med(stock?.handshake?.cpuPerOp)), 1.15);
  add('rejection ≤ our admission (server CPU/op, rejected/admitted)', ratio(med(ours?.reject?.cpuPerOp), med(ours?.handshake?.cpuPerOp)), 1.0);
  add('echo: ours ≤ 0.75× stock (server CPU/op)', ratio(med(ours?.echo?.cpuPerOp), med(stock?.echo?.cpuPerOp)), 0.75);
  add('echo: ours ≤ 1.25× raw (server CPU/op)', ratio(med(ours?.echo?.cpuPerOp), med(raw?.echo?.cpuPerOp)), 1.25);
  add('memory per idle connection: ours ≤ 1.0× stock (heap)', ratio(med(ours?.memory?.idleHeap), med(stock?.memory?.idleHeap)), 1.0);
  const drift = n => ratio(med(n?.echoAfterChurn?.cpuPerOp), med(n?.echo?.cpuPerOp));
  add('echo after churn within 5 % of before (ours, server CPU/op, after/before)', drift(ours), 1.05);
  add("  the same, relative to raw ws's own before→after drift (ours drift ÷ raw drift)", ratio(drift(ours), drift(raw)), 1.05);
  return t;
}

// ------------------------------------------------------------------ Markdown

const int = n => (n == null ? '–' : Math.round(n).toLocaleString('en-US'));
const dec = (n, d = 1) => (n == null ? '–' : n.toFixed(d));
const spread = s => (s == null ? '–' : s.n > 1 ? ` ±${s.spreadPct.toFixed(0)}%` : '');
const withSpread = (s, fmt) => (s == null ? '–' : `${fmt(s.median)}${spread(s)}`);
const kb = b => (b == null ? '–' : `${(b / 1024).toFixed(1)} KB`);
const x = r => (r == null ? '–' : `${r.toFixed(2)}×`);

export function renderMarkdown(result) {
  const { summary: s, meta } = result;
  const rows = [];
  const row = (scenario, metric, get, fmt, compare = true) => {
    const v = Object.fromEntries(NAMES.map(n => [n, s[n] ? get(s[n]) : null]));
    const val = n => (v[n] && typeof v[n] === 'object' ? v[n].median : v[n]);
    const cell = n => (v[n] == null ? '–' : typeof v[n] === 'object' ? withSpread(v[n], fmt) : fmt(v[n]));
    rows.push(
      `| ${scenario} | ${metric} | ${cell('raw')} | ${cell('stock')} | ${cell('ours')} | ${compare ? x(ratio(val('ours'), val('stock'))) : '–'} | ${compare ? x(ratio(val('ours'), val('raw'))) : '–'} |`,
    );
  };
  const c = meta.config;
  const hs = `Admitted handshake (${c.concurrency} clients)`;
  row(hs, 'rate, handshakes/s', n => n.handshake?.rate, int);
  row(hs, '**server CPU µs/op**', n => n.handshake?.cpuPerOp, dec);
  const rj = `Rejected handshake, 1008 (${c.concurrency} clients)`;
  row(rj, 'rate, rejections/s', n => n.reject?.rate, int);
  row(rj, '**server CPU µs/op**', n => n.reject?.cpuPerOp, dec);
  for (const [key, label] of [
    ['echo', `Echo (${c.echoClients} clients)`],
    ['echoAfterChurn', `Echo after churn of ${int(s.ours?.churn?.conns ?? c.churn)} conns`],
  ]) {
    row(label, 'rate, round trips/s', n => n[key]?.rate, int);
    row(label, '**server CPU µs/op**', n => n[key]?.cpuPerOp, dec);
    row(label, 'latency p50 / p99, ms', n => (n[key] ? `${dec(n[key].p50Ms?.median, 2)} / ${dec(n[key].p99Ms?.median, 2)}` : null), v => v, false);
  }
  const mem = `Memory at ${int(s.ours?.memory?.conns ?? c.memConns)} open conns`;
  row(mem, '**idle conn, heap**', n => n.memory?.idleHeap, kb);
  row(mem, 'admitted conn + handshake, heap', n => n.memory?.dtoHeap, kb);
  row(`Churn of ${int(s.ours?.churn?.conns ?? c.churn)} conns`, 'heap retained per conn after close', n => n.churn?.retainedHeapPerConn, b => `${Math.round(b)} B`, false);

  const busy = result.discarded.length;
  const calib = Object.entries(result.calibration?.atScenarioStart ?? {}).map(([k, list]) => `${k} ${(Math.min(...list.map(c => c.cpuUs)) / 1000).toFixed(0)}–${(Math.max(...list.map(c => c.cpuUs)) / 1000).toFixed(0)}`);
  const lines = [
    `### Results (${meta.quick ? 'quick' : 'full'} run, ${meta.date.slice(0, 16).replace('T', ' ')} UTC, commit ${meta.commit}${meta.dirtySrc ? ' + uncommitted src' : ''})`,
    '',
    `Medians of ${c.reps} sample(s) per cell (memory: ${c.memReps}), ± half the min–max range. Server CPU = the server process's user+system time (\`process.cpuUsage()\`) over the sample ÷ operations. "stock" cannot validate: it serves a static path, validates nothing, and has no rejection.`,
    '',
    '| Scenario | Metric | raw ws | Nest stock WsAdapter | Nest ValidatingWsAdapter | ours/stock | ours/raw |',
    '|---|---|--:|--:|--:|--:|--:|',
    ...rows,
    '',
    '| Target (same run) | Measured | Limit | Met |',
    '|---|--:|--:|:-:|',
    ...s.targets.map(t => `| ${t.label} | ${x(t.value)} | ${t.limit}× | ${t.pass == null ? '–' : t.pass ? 'yes' : '**no**'} |`),
    '',
    `Machine: ${meta.nproc} × ${meta.cpuModel}, Node ${meta.node}, ${meta.pinned ? 'servers pinned to core 0 and load generators to core 1 (taskset)' : 'not pinned'}; @nestjs/core ${meta.versions['@nestjs/core']}, @nestjs/platform-ws ${meta.versions['@nestjs/platform-ws']}, ws ${meta.wsServer ?? meta.versions.ws} (servers; the load generators use ${meta.versions.ws}), class-validator ${meta.versions['class-validator']}, class-transformer ${meta.versions['class-transformer']}. Run took ${dec(meta.durationS, 0)} s; ${busy} sample(s) repeated because other processes used more than ${c.busyCores} of a core${flagged(s) ? `; ${flagged(s)} kept although busy (flagged in latest.json)` : ''}. A sample also counts as busy when a fixed JS loop, run on the servers' core just before and after it, took more than ${c.slowFactor}× its fastest time in the run (${result.calibration?.bestUs} µs): the host slowing the VM down, which /proc/stat inside it does not show.`,
    '',
  ];
  return lines.join('\n');
}

const SMOKE_SCENARIOS = [
  ['echo', 'echo', 'round trips'],
  ['memory', 'memory', 'connections'],
  ['handshake', 'admitted handshake', 'handshakes'],
  ['reject', 'rejected handshake (1008)', 'rejections'],
  ['churn', 'churn', 'connections'],
  ['echoAfterChurn', 'echo after churn', 'round trips'],
];

/**
 * A quick run has too few samples, on a machine other tests share, for any speed or memory
 * figure to mean something: it says which server answered which scenario, and nothing else.
 */
export function renderSmoke(result) {
  const { samples, failures, meta } = result;
  const ran = SMOKE_SCENARIOS.filter(([key]) => NAMES.some(name => samples[name]?.[key]?.length));
  const cell = (name, key, unit) => {
    const list = samples[name]?.[key] ?? [];
    if (!list.length) return '–';
    const ops = list.reduce((sum, s) => sum + (s.ops ?? 0), 0);
    const failed = failures.some(f => f.server === name && f.scenario === key);
    return failed ? `**did not answer** (${ops} ${unit})` : `${ops} ${unit}`;
  };
  const verdict = failures.length
    ? `**${failures.length} scenario(s) did not get the answers they expected** (see below and latest-quick.json).`
    : 'Every server answered every scenario it serves, with no error.';
  return [
    `### Benchmark smoke run (quick, ${meta.date.slice(0, 16).replace('T', ' ')} UTC, commit ${meta.commit})`,
    '',
    verdict,
    '',
    `| Scenario | raw ws | Nest stock WsAdapter | Nest ValidatingWsAdapter |`,
    '|---|--:|--:|--:|',
    ...ran.map(([key, label, unit]) => `| ${label} | ${NAMES.map(name => cell(name, key, unit)).join(' | ')} |`),
    '',
    'A quick run checks only that the servers answer: its few samples say nothing about speed or memory. `npm run bench` measures those.',
    '',
  ].join('\n');
}

function flagged(s) {
  let n = 0;
  for (const name of NAMES) for (const k of ['handshake', 'reject', 'echo', 'echoAfterChurn']) n += s[name]?.[k]?.flaggedBusy ?? 0;
  return n;
}

export function renderProfiles(profiles) {
  const lines = ['### CPU profile of ValidatingWsAdapter (inspector sampling profiler, 100 µs interval)', ''];
  for (const [scenario, p] of Object.entries(profiles)) {
    const perOp = share => `${(share * p.cpuPerOpUs).toFixed(1)}`;
    lines.push(
      `**${scenario}** (${p.ops} ops; ${p.cpuPerOpUs.toFixed(1)} µs/op unprofiled, ${p.profiledCpuPerOpUs.toFixed(1)} µs/op while profiled; ${p.file})`,
      '',
      '| Self time: function | % server CPU | µs/op |',
      '|---|--:|--:|',
      ...p.top.slice(0, 25).map(f => `| \`${f.fn}\` | ${(f.share * 100).toFixed(1)} | ${perOp(f.share)} |`),
      '',
      '| By package (self time) | % | µs/op |',
      '|---|--:|--:|',
      ...p.categories.slice(0, 12).map(cat => `| ${cat.name} | ${(cat.share * 100).toFixed(1)} | ${perOp(cat.share)} |`),
      '',
      '| Inclusive (self + callees, synchronous part) | % | µs/op |',
      '|---|--:|--:|',
      ...p.inclusive.filter(f => f.share >= 0.005).sort((a, b) => b.share - a.share).map(f => `| \`${f.fn}\` | ${(f.share * 100).toFixed(1)} | ${perOp(f.share)} |`),
      '',
    );
  }
  return lines.join('\n');
}
