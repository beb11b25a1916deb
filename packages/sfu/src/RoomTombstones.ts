/**
 * Names of rooms an admin deleted, so a participant token minted before the delete cannot bring
 * the room back through auto-create. Bounded both ways: a name is forgotten after `ttlMs`, and
 * past `maxSize` names the oldest go first (a flood of deletes cannot grow memory without end).
 */
export class RoomTombstones {
  /** name → deleted at (ms); a Map iterates in insertion order, so the oldest come first. */
  readonly #deletedAt = new Map<string, number>();

  constructor(
    readonly options: { ttlMs: number; maxSize: number },
    private readonly now: () => number = Date.now,
  ) {}

  add(name: string): void {
    this.#deletedAt.delete(name); // re-inserted at the end: it is the newest now
    this.#deletedAt.set(name, this.now());
    this.#prune();
    while (this.#deletedAt.size > this.options.maxSize) this.#deletedAt.delete(this.#deletedAt.keys().next().value!);
  }

  has(name: string): boolean {
    this.#prune();
    return this.#deletedAt.has(name);
  }

  /** An admin created the room again on purpose: participants may auto-create it again. */
  clear(name: string): void {
    this.#deletedAt.delete(name);
  }

  get size(): number {
    return this.#deletedAt.size;
  }

  #prune(): void {
    const oldest = this.now() - this.options.ttlMs;
    for (const [name, at] of this.#deletedAt) {
      if (at > oldest) break;
      this.#deletedAt.delete(name);
    }
  }
}
