/** Rooms the fuzz keeps for itself: generated inputs never delete or replace them (see `guardRoom`). */
export const KEEP_PREFIX = 'fuzz-keep-';
export const ROOMS = {
  /** The long-lived signaling clients. */
  signalingA: `${KEEP_PREFIX}a`,
  signalingB: `${KEEP_PREFIX}b`,
  /** REST bodies that need an existing room (tokens; a few broadcasts). */
  rest: `${KEEP_PREFIX}rest`,
  /** Genuine tokens of the ws-token category. */
  tokens: `${KEEP_PREFIX}tok`,
  /** A name no one creates: valid bodies sent here stop at "room not found", so nothing starts. */
  none: 'fuzz-none',
};

/** Stands for the current scratch room in generated paths (a room the fuzz may delete). */
export const SCRATCH = '@scratch';

/** A generated room name that happens to name a kept room is renamed, so the fuzz cannot delete its own fixtures. */
export function guardRoom(name: string): string {
  return name.startsWith(KEEP_PREFIX) ? `x${name}` : name;
}
