import { EventEmitter } from 'node:events';

/**
 * An EventEmitter whose events are a map of argument tuples, e.g. `{ closed: [reason: string] }`.
 * `safeEmit` never lets a listener's exception escape into the emitter's own code path
 * (a bad listener must not break a room's closing cascade).
 */
export class TypedEmitter<Events extends Record<string, unknown[]>> {
  readonly #emitter = new EventEmitter();

  constructor() {
    this.#emitter.setMaxListeners(Infinity);
  }

  on<E extends keyof Events & string>(event: E, listener: (...args: Events[E]) => void): this {
    this.#emitter.on(event, listener as (...args: unknown[]) => void);
    return this;
  }

  once<E extends keyof Events & string>(event: E, listener: (...args: Events[E]) => void): this {
    this.#emitter.once(event, listener as (...args: unknown[]) => void);
    return this;
  }

  off<E extends keyof Events & string>(event: E, listener: (...args: Events[E]) => void): this {
    this.#emitter.off(event, listener as (...args: unknown[]) => void);
    return this;
  }

  safeEmit<E extends keyof Events & string>(event: E, ...args: Events[E]): void {
    for (const listener of this.#emitter.listeners(event)) {
      try {
        (listener as (...a: Events[E]) => void)(...args);
      } catch (error) {
        queueMicrotask(() => {
          console.error(`listener for "${event}" threw`, error);
        });
      }
    }
  }

  removeAllListeners(): void {
    this.#emitter.removeAllListeners();
  }
}
