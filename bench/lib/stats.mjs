export function median(values) {
  const sorted = values.filter(v => typeof v === 'number' && Number.isFinite(v)).sort((a, b) => a - b);
  if (sorted.length === 0) return null;
  const mid = sorted.length >> 1;
  return sorted.length % 2 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
}

/** Median and spread: min, max, and half the min–max range relative to the median (±%). */
export function summarize(values) {
  const finite = values.filter(v => typeof v === 'number' && Number.isFinite(v));
  const med = median(finite);
  if (med === null) return null;
  const min = Math.min(...finite);
  const max = Math.max(...finite);
  return { median: med, min, max, spreadPct: med === 0 ? 0 : ((max - min) / 2 / Math.abs(med)) * 100, n: finite.length };
}

/** The q-quantile of a sorted Float64Array (nearest rank). */
export function quantile(sorted, q) {
  if (sorted.length === 0) return null;
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil(q * sorted.length) - 1))];
}
