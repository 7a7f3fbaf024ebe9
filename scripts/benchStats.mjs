// Figures shared by the bench scripts: medians, percentiles, and how noisy a series of timings was.

export function median(values) {
  const s = [...values].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
}

/** The `p`th percentile, nearest rank. */
export function percentile(values, p) {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1))];
}

/** Median absolute deviation as a share of the median: 0.05 means most runs were within 5 % of it. */
export function relativeMad(values) {
  const m = median(values);
  return m === 0 ? 0 : median(values.map((v) => Math.abs(v - m))) / m;
}

/** `median ms (MAD x %, min–max, n runs)`: a timing with the noise it was taken in. */
export function describe(values) {
  return `${median(values).toFixed(1)} ms (MAD ${(100 * relativeMad(values)).toFixed(1)} %, ${Math.min(...values).toFixed(1)}–${Math.max(...values).toFixed(1)}, n=${values.length})`;
}

/** Milliseconds since `t0` (from `performance.now()`). */
export const since = (t0) => performance.now() - t0;
