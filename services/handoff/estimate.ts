/**
 * An honest wait estimate: from recent claims we know how long each place in the queue took
 * (wait / place at entry); the median of that, times the user's place. No history → null, and the
 * bot says it cannot tell yet rather than inventing a number.
 */
export interface ServedWait {
  waitMs: number;
  positionAtEntry: number;
}

/** How many recent claims the estimate looks at. */
export const RECENT_WAITS = 50;

export function estimateWaitSeconds(recent: readonly ServedWait[], position: number): number | null {
  if (recent.length === 0) return null;
  const perPlace = recent.map((w) => w.waitMs / Math.max(1, w.positionAtEntry)).sort((a, b) => a - b);
  const median = perPlace[Math.floor(perPlace.length / 2)];
  return Math.round((median * position) / 1000);
}

/** The Redis list stores "waitMs:positionAtEntry". */
export function parseServedWait(item: string): ServedWait {
  const [waitMs, positionAtEntry] = item.split(':').map(Number);
  return { waitMs, positionAtEntry };
}
