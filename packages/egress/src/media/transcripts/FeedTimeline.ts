/**
 * Maps the time of one recognizer process's audio (its pts, which counts only what it was fed)
 * to session time (which counts everything written): the process started `baseMs` into the
 * session, and audio dropped while it was behind shifts everything fed after the drop.
 */
export class FeedTimeline {
  readonly #baseMs: number;
  #fedMs = 0;
  #droppedMs = 0;
  /** From `atMs` of fed audio on, add `offsetMs`. Ascending; one entry per overload episode. */
  #shifts: Array<{ atMs: number; offsetMs: number }> = [];

  constructor(baseMs: number) {
    this.#baseMs = baseMs;
  }

  fed(ms: number): void {
    this.#fedMs += ms;
  }

  dropped(ms: number): void {
    this.#droppedMs += ms;
    const last = this.#shifts.at(-1);
    if (last && last.atMs === this.#fedMs) last.offsetMs = this.#droppedMs;
    else this.#shifts.push({ atMs: this.#fedMs, offsetMs: this.#droppedMs });
  }

  /** Session ms of the process's `ptsMs`; forgets the shifts before it (results come in order). */
  toSessionMs(ptsMs: number): number {
    let offset = 0;
    let keepFrom = 0;
    for (const [i, shift] of this.#shifts.entries()) {
      if (shift.atMs > ptsMs) break;
      offset = shift.offsetMs;
      keepFrom = i;
    }
    this.#shifts = this.#shifts.slice(keepFrom);
    return this.#baseMs + ptsMs + offset;
  }
}
