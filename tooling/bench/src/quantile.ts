/**
 * The value at quantile `q` (0–1) of ascending `sorted` values; NaN when there are none.
 * Kept here rather than imported from @bottango/eval so each benchmark child loads only what it measures.
 */
export function quantile(sorted: ArrayLike<number>, q: number): number {
  if (sorted.length === 0) return Number.NaN;
  return sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))] as number;
}
