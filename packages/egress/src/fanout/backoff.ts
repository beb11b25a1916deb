/** Exponential backoff with a ceiling: 1 s, 2 s, 4 s … capped, for reconnecting destinations. */
export function backoffDelayMs(attempt: number, baseMs = 1000, maxMs = 30_000): number {
  return Math.min(maxMs, baseMs * 2 ** Math.max(0, attempt - 1));
}
