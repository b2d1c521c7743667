/** The nearest-rank percentile of values already sorted ascending (NaN when there are none). */
export function percentileOfSorted(sorted: readonly number[], p: number): number {
  return sorted.length ? sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)] : Number.NaN;
}

/** The nearest-rank percentile of values in any order. */
export function percentile(values: readonly number[], p: number): number {
  return percentileOfSorted([...values].sort((a, b) => a - b), p);
}
