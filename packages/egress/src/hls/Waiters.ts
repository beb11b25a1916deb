interface Waiter {
  ready: () => boolean;
  resolve: (ok: boolean) => void;
  timer: NodeJS.Timeout;
}

/**
 * Promises that resolve true once a condition holds (checked whenever the owner says something
 * changed), false on timeout or when the owner closes. The blocking playlist reloads of LL-HLS
 * wait here, so they are answered in the same tick the part is recorded.
 */
export class Waiters {
  readonly #waiters = new Set<Waiter>();
  #closed = false;

  get size(): number {
    return this.#waiters.size;
  }

  wait(ready: () => boolean, timeoutMs: number): Promise<boolean> {
    if (ready()) return Promise.resolve(true);
    if (this.#closed) return Promise.resolve(false);
    return new Promise((resolve) => {
      const waiter: Waiter = { ready, resolve, timer: setTimeout(() => this.#settle(waiter, false), Math.max(0, timeoutMs)) };
      this.#waiters.add(waiter);
    });
  }

  /** Resolves every waiter whose condition holds now. */
  check(): void {
    for (const waiter of this.#waiters) if (waiter.ready()) this.#settle(waiter, true);
  }

  /** Resolves the waiters whose condition holds, the others false; later waits resolve at once. */
  close(): void {
    this.check();
    this.#closed = true;
    for (const waiter of this.#waiters) this.#settle(waiter, false);
  }

  #settle(waiter: Waiter, ok: boolean): void {
    if (!this.#waiters.delete(waiter)) return;
    clearTimeout(waiter.timer);
    waiter.resolve(ok);
  }
}
