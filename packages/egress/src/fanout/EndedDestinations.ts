import type { RtmpBroadcastInfo } from '@roomcast/protocol';

/**
 * RTMP destinations of composites that have ended, per room: they stay listed (`failed`, with
 * their reason) until stopped by name, replaced by a new destination of that name, or cleared.
 */
export class EndedDestinations {
  readonly #byRoom = new Map<string, RtmpBroadcastInfo[]>();

  list(room: string): RtmpBroadcastInfo[] {
    return this.#byRoom.get(room) ?? [];
  }

  /** Adds these, replacing any listed under the same names. */
  record(room: string, infos: RtmpBroadcastInfo[]): void {
    const names = new Set(infos.map((info) => info.name));
    this.#byRoom.set(room, [...this.list(room).filter((info) => !names.has(info.name)), ...infos]);
  }

  /** Removes one by name; true if there was one. */
  drop(room: string, name: string): boolean {
    const ended = this.list(room);
    const kept = ended.filter((info) => info.name !== name);
    if (kept.length === ended.length) return false;
    if (kept.length > 0) this.#byRoom.set(room, kept);
    else this.#byRoom.delete(room);
    return true;
  }

  clear(room?: string): void {
    if (room === undefined) this.#byRoom.clear();
    else this.#byRoom.delete(room);
  }
}
