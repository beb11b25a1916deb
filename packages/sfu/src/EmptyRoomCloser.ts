import type { Room } from './Room.js';

export interface EmptyRoomPolicy {
  /** How long a room may have nobody in it (joined or still connecting) before it is closed. */
  timeoutMs: number;
  /** A room this says to keep is never closed for emptiness (e.g. one whose egress is live). */
  keep?: (room: Room) => boolean;
}

/**
 * Closes rooms that stay empty, so rooms nobody uses (a demo call never followed by a join, a
 * meeting everyone left) do not hold a slot of MAX_ROOMS for ever. A room counts as empty from its
 * creation until someone connects. A periodic sweep rather than events alone: a participant
 * still connecting is in `room.participants` but announces nothing until it joins.
 */
export class EmptyRoomCloser {
  /** Every open room → since when it has been empty (undefined: occupied or kept at the last look). */
  readonly #emptySince = new Map<Room, number | undefined>();
  readonly #timer: NodeJS.Timeout;

  constructor(
    readonly policy: EmptyRoomPolicy,
    private readonly closeEmpty: (room: Room) => void,
    private readonly now: () => number = Date.now,
  ) {
    // A quarter of the timeout: a room closes between 1 and 1.25 timeouts after it emptied.
    const interval = Math.min(Math.max(Math.floor(policy.timeoutMs / 4), 50), 10_000);
    this.#timer = setInterval(() => this.sweep(), interval);
    this.#timer.unref();
  }

  track(room: Room): void {
    if (room.closed) return;
    this.#emptySince.set(room, this.now());
    room.on('participantJoined', () => this.#emptySince.set(room, undefined));
    room.on('participantLeft', () => {
      if (room.participants.size === 0 && this.#emptySince.has(room)) this.#emptySince.set(room, this.now());
    });
    room.once('closed', () => this.#emptySince.delete(room));
  }

  /** Closes every room that has been empty for the timeout or longer. Runs on the timer; public for tests. */
  sweep(): void {
    const now = this.now();
    for (const [room, since] of [...this.#emptySince]) {
      if (room.closed) {
        this.#emptySince.delete(room);
      } else if (room.participants.size > 0 || this.policy.keep?.(room) === true) {
        this.#emptySince.set(room, undefined);
      } else if (since === undefined) {
        this.#emptySince.set(room, now);
      } else if (now - since >= this.policy.timeoutMs) {
        this.#emptySince.delete(room);
        this.closeEmpty(room);
      }
    }
  }

  close(): void {
    clearInterval(this.#timer);
    this.#emptySince.clear();
  }
}
