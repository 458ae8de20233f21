// Reads a .cpuprofile (Chrome DevTools format, what `node --cpu-prof` and the inspector's
// Profiler.stop write): self time per function, inclusive time of chosen functions, and
// self time per package.
import { readFileSync } from 'node:fs';
import { relative } from 'node:path';
import { fileURLToPath } from 'node:url';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));

function shortUrl(url) {
  if (!url) return '';
  const path = url.startsWith('file://') ? fileURLToPath(url) : url;
  if (path.startsWith('node:')) return path;
  const rel = relative(ROOT, path);
  return rel.replace(/^node_modules\//, '');
}

/** Which package a frame belongs to. */
export function category(url, functionName) {
  if (!url) {
    if (functionName === '(garbage collector)') return 'GC';
    if (functionName === '(program)' || functionName === '(idle)' || functionName === '(root)') return functionName;
    return 'native (V8 builtins, C++)';
  }
  const path = shortUrl(url);
  if (path.startsWith('node:')) return 'node core';
  if (path.startsWith('dist/')) return 'nestjs-ws-errors (dist)';
  if (path.startsWith('bench/')) return 'bench app';
  const m = /^(@[^/]+\/[^/]+|[^/]+)\//.exec(path);
  return m ? m[1] : path;
}

/**
 * @param {string} file a .cpuprofile
 * @param {string[]} inclusiveOf function names whose inclusive (self + callees) time to report
 */
export function analyzeProfile(file, inclusiveOf = []) {
  const profile = JSON.parse(readFileSync(file, 'utf8'));
  const byId = new Map();
  const parent = new Map();
  for (const node of profile.nodes) {
    byId.set(node.id, node);
    for (const child of node.children ?? []) parent.set(child, node.id);
  }
  const selfUs = new Map(); // node id → µs
  const { samples, timeDeltas } = profile;
  for (let i = 0; i < samples.length; i++) {
    // timeDeltas[i] is the time before sample i; the sample's own duration is the next delta.
    const dt = timeDeltas[i + 1] ?? 0;
    selfUs.set(samples[i], (selfUs.get(samples[i]) ?? 0) + Math.max(0, dt));
  }
  const key = node => {
    const { functionName, url, lineNumber } = node.callFrame;
    const name = functionName || '(anonymous)';
    return url ? `${name} ${shortUrl(url)}:${lineNumber + 1}` : name;
  };
  let totalUs = 0;
  let idleUs = 0;
  const functions = new Map();
  const categories = new Map();
  for (const [id, us] of selfUs) {
    const node = byId.get(id);
    const name = node.callFrame.functionName;
    if (name === '(idle)') {
      idleUs += us;
      continue;
    }
    totalUs += us;
    const k = key(node);
    functions.set(k, (functions.get(k) ?? 0) + us);
    const c = category(node.callFrame.url, name);
    categories.set(c, (categories.get(c) ?? 0) + us);
  }
  // Inclusive: each sample counts once for every wanted function on its stack.
  const wanted = new Set(inclusiveOf);
  const inclusive = new Map();
  if (wanted.size) {
    for (const [id, us] of selfUs) {
      if (byId.get(id).callFrame.functionName === '(idle)') continue;
      const seen = new Set();
      for (let cur = id; cur !== undefined; cur = parent.get(cur)) {
        const name = byId.get(cur).callFrame.functionName;
        if (wanted.has(name) && !seen.has(name)) {
          seen.add(name);
          inclusive.set(name, (inclusive.get(name) ?? 0) + us);
        }
      }
    }
  }
  const share = us => (totalUs ? us / totalUs : 0);
  const sortDesc = map => [...map].sort((a, b) => b[1] - a[1]);
  return {
    busyMs: totalUs / 1000,
    idleMs: idleUs / 1000,
    top: sortDesc(functions).map(([fn, us]) => ({ fn, share: share(us) })),
    categories: sortDesc(categories).map(([name, us]) => ({ name, share: share(us) })),
    inclusive: inclusiveOf.map(name => ({ fn: name, share: share(inclusive.get(name) ?? 0) })),
  };
}
