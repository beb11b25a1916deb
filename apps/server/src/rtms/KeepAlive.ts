export interface KeepAliveOptions {
  intervalMs: number;
  /** Requests left unanswered before the peer counts as gone. */
  maxMissed: number;
  /** Sends `{msg_type: 12, timestamp}`. */
  sendRequest: (timestamp: number) => void;
  onTimeout: () => void;
}

/**
 * RTMS keep-alive (issue 11, point 5): while no data flows to the app, one request every interval;
 * after `maxMissed` unanswered ones, `onTimeout`. Data written to the socket proves the app reads
 * (the send queue only writes while the socket's buffer drains), so it resets the count too.
 */
export class KeepAlive {
  readonly #options: KeepAliveOptions;
  #timer: NodeJS.Timeout | undefined;
  #outstanding = 0;
  #dataFlowed = false;

  constructor(options: KeepAliveOptions) {
    this.#options = options;
  }

  start(): void {
    if (this.#timer) return;
    this.#timer = setInterval(() => this.#tick(), this.#options.intervalMs);
  }

  /** Media went out on the socket since the last tick. */
  dataSent(): void {
    this.#dataFlowed = true;
  }

  /** The app answered (msg 13). */
  answered(): void {
    this.#outstanding = 0;
  }

  get outstanding(): number {
    return this.#outstanding;
  }

  stop(): void {
    clearInterval(this.#timer);
    this.#timer = undefined;
  }

  #tick(): void {
    if (this.#dataFlowed) {
      this.#dataFlowed = false;
      this.#outstanding = 0;
      return;
    }
    if (this.#outstanding >= this.#options.maxMissed) {
      this.stop();
      this.#options.onTimeout();
      return;
    }
    this.#outstanding++;
    this.#options.sendRequest(Date.now());
  }
}
