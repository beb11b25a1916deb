/** Any map of event name → listener signature, e.g. `{ closed: (reason: string) => void }`. */
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export type EventCallbacks<Events> = { [E in keyof Events]: (...args: any[]) => void };

/**
 * A small browser-safe typed event emitter (no `node:events`), keyed by a callback signature map.
 * Emitting never lets a listener's exception escape: one broken UI handler must not stop the SDK's
 * own bookkeeping (or the other listeners) half-way through a state change.
 */
export class TypedEmitter<Events extends EventCallbacks<Events>> {
  readonly #listeners = new Map<keyof Events, Set<Events[keyof Events]>>();

  /** Adds a listener. Returns `this` so calls chain. */
  on<E extends keyof Events>(event: E, listener: Events[E]): this {
    let set = this.#listeners.get(event);
    if (!set) {
      set = new Set();
      this.#listeners.set(event, set);
    }
    set.add(listener);
    return this;
  }

  /** Adds a listener that is removed after its first call. */
  once<E extends keyof Events>(event: E, listener: Events[E]): this {
    const wrapper = ((...args: Parameters<Events[E]>) => {
      this.off(event, wrapper);
      listener(...args);
    }) as Events[E];
    return this.on(event, wrapper);
  }

  off<E extends keyof Events>(event: E, listener: Events[E]): this {
    this.#listeners.get(event)?.delete(listener);
    return this;
  }

  removeAllListeners(event?: keyof Events): this {
    if (event === undefined) this.#listeners.clear();
    else this.#listeners.delete(event);
    return this;
  }

  listenerCount(event: keyof Events): number {
    return this.#listeners.get(event)?.size ?? 0;
  }

  /** Calls every listener of `event` in order; a listener that throws is logged and skipped. */
  protected emit<E extends keyof Events>(event: E, ...args: Parameters<Events[E]>): void {
    const set = this.#listeners.get(event);
    if (!set) return;
    // A copy, so listeners may add or remove listeners while we iterate.
    for (const listener of [...set]) {
      try {
        listener(...args);
      } catch (error) {
        console.error(`[roomcast] listener for "${String(event)}" threw`, error);
      }
    }
  }
}
