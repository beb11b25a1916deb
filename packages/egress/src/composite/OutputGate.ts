import type { FlvTag } from '../fanout/FlvTagReader.js';
import type { EncodedOutput } from './Encoder.js';

/**
 * One encoder run's door to the composite's stream. A replacement encoder starts behind a closed
 * gate while the one before it still feeds the stream; its first output asks `admit` whether it
 * takes over (the supervisor then shuts the old run's gate and starts a new splice run), so the
 * stream never carries two runs interleaved and loses no tag of either.
 */
export class OutputGate implements EncodedOutput {
  #state: 'waiting' | 'open' | 'shut';

  /** Without `admit` the gate is open from the start (a first run, or a restart after a crash). */
  constructor(
    readonly out: EncodedOutput,
    readonly admit?: () => boolean,
  ) {
    this.#state = admit ? 'waiting' : 'open';
  }

  get open(): boolean {
    return this.#state === 'open';
  }

  /** Nothing more passes, ever. */
  shut(): void {
    this.#state = 'shut';
  }

  setHeader(header: Buffer): void {
    if (this.#pass()) this.out.setHeader(header);
  }

  push(tags: readonly FlvTag[]): void {
    if (this.#pass()) this.out.push(tags);
  }

  #pass(): boolean {
    if (this.#state === 'waiting') this.#state = this.admit!() ? 'open' : 'shut';
    return this.#state === 'open';
  }
}
