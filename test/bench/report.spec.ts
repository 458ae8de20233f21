import { describe, expect, it } from 'vitest';
// @ts-expect-error: the benchmark harness is plain JavaScript, without types.
import { renderMarkdown, renderSmoke, summarizeAll } from '../../bench/lib/report.mjs';

/** Samples shaped as bench/loadgen.mjs returns them, with the noise a quick run on a shared machine gives. */
function samples() {
  const timed = (cpuUs: number) => [{ ops: 300, errors: 0, wallMs: 500, serverCpuUs: cpuUs * 300, serverUtil: 0.9, p50Ms: 2, p99Ms: 5 }];
  const memory = (heap: number, rss: number) => [
    { ops: 400, errors: 0, idle: { heapBytes: heap, rssBytes: rss }, dto: { heapBytes: heap, rssBytes: -rss } },
  ];
  return {
    raw: { echo: timed(30), handshake: timed(250), reject: timed(240), memory: memory(2800, 6000), churn: [{ ops: 200, retainedHeapBytesPerConn: -800 }], echoAfterChurn: timed(31) },
    // A stock heap delta lost to a collection, and RSS deltas below zero, as printed once as "-23.91×".
    stock: { echo: timed(35), handshake: timed(200), reject: [], memory: memory(-300, -3700), churn: [{ ops: 200, retainedHeapBytesPerConn: 10 }], echoAfterChurn: timed(60) },
    ours: { echo: timed(40), handshake: timed(400), reject: timed(500), memory: memory(5400, -8300), churn: [{ ops: 200, retainedHeapBytesPerConn: -300 }], echoAfterChurn: timed(90) },
  };
}

function result(failures: object[] = []) {
  const s = samples();
  return {
    meta: { quick: true, date: '2026-11-25T21:00:00.000Z', commit: 'abc1234', config: { reps: 1, memReps: 1, concurrency: 32, echoClients: 64, churn: 200, memConns: 200, busyCores: 0.25, slowFactor: 1.3 }, versions: {}, nproc: 2 },
    summary: summarizeAll(s),
    samples: s,
    discarded: [],
    calibration: { bestUs: 10_000, atScenarioStart: {} },
    failures,
  };
}

describe('the benchmark report', () => {
  it('says of a quick run only that the servers answered: no ratio, no target, no "Met: no"', () => {
    const text: string = renderSmoke(result());
    expect(text).toContain('Every server answered every scenario it serves, with no error.');
    expect(text).not.toMatch(/×|\*\*no\*\*|Met|µs|KB|\s-\d/);
    expect(text).toContain('| rejected handshake (1008) | 300 rejections | – | 300 rejections |');
  });

  it('names a quick run that did not get its answers', () => {
    const text: string = renderSmoke(result([{ server: 'ours', scenario: 'echo', errors: 3, ops: 317 }]));
    expect(text).toContain('1 scenario(s) did not get the answers they expected');
    expect(text).toContain('**did not answer** (300 round trips)');
  });

  it('prints no negative ratio and no RSS figure in a full report', () => {
    const text: string = renderMarkdown({ ...result(), meta: { ...result().meta, quick: false } });
    expect(text).not.toMatch(/-\d+(\.\d+)?×/);
    expect(text).not.toContain('RSS');
    // The heap ratio with a negative side is left blank rather than computed.
    expect(text).toMatch(/\| \*\*idle conn, heap\*\* \| 2\.7 KB \| -0\.3 KB \| 5\.3 KB \| – \| 1\.93× \|/);
  });
});
