import { BYTES_PER_SAMPLE, SAMPLE_RATE } from './AudioMixer.js';

const BYTES_PER_MS = (SAMPLE_RATE * BYTES_PER_SAMPLE) / 1000;
/** Audio held while an encoder opens its display: more than its start-up ever takes. */
const MAX_HELD_MS = 5000;

interface HeldChunk {
  pcm: Buffer;
  /** Date.now() when it was written: its last sample is that instant's sound. */
  endsAt: number;
}

/**
 * Lines up an encoder's sound with pictures it grabs itself. FFmpeg starts each input's timestamps
 * at 0: for the mixed audio that is its first byte, for x11grab its first grab, which comes a few
 * hundred milliseconds after the process started (measured: the sound came 180 ms late with the
 * audio written from the start). So the audio is held until the grab's start is known (FFmpeg
 * prints it when it opens the display), and then begins with the sound of that very instant,
 * taken from what was held. With that, bench:av-offset (BENCH_LAYOUT=web) read the sound 11 and
 * 31 ms after the picture: Chromium shows a picture about as late as the mixer holds the sound
 * (AUDIO_DELAY_MS), so no further delay is added here.
 */
export class AudioStartAligner {
  #held: HeldChunk[] = [];
  #started = false;

  get started(): boolean {
    return this.#started;
  }

  /** Audio just mixed: what to write now (nothing while the start is unknown). */
  push(pcm: Buffer, now = Date.now()): Buffer {
    if (this.#started) return pcm;
    this.#held.push({ pcm, endsAt: now });
    while (this.#held.length > 1 && now - this.#held[0]!.endsAt > MAX_HELD_MS) this.#held.shift();
    return Buffer.alloc(0);
  }

  /**
   * The grab's first picture was taken at `from` (epoch ms): the held sound from that instant on,
   * to write at once; silence first if it began before anything held.
   */
  start(from: number): Buffer {
    if (this.#started) return Buffer.alloc(0);
    this.#started = true;
    const parts: Buffer[] = [];
    const first = this.#held[0];
    if (first) {
      const firstStartsAt = first.endsAt - first.pcm.length / BYTES_PER_MS;
      if (from < firstStartsAt) parts.push(Buffer.alloc(alignedBytes(Math.min(firstStartsAt - from, MAX_HELD_MS))));
    }
    for (const { pcm, endsAt } of this.#held) {
      const startsAt = endsAt - pcm.length / BYTES_PER_MS;
      if (endsAt <= from) continue;
      parts.push(startsAt >= from ? pcm : pcm.subarray(alignedBytes(from - startsAt)));
    }
    this.#held = [];
    return Buffer.concat(parts);
  }
}

/** Whole samples' worth of bytes for `ms` of sound. */
function alignedBytes(ms: number): number {
  return Math.round((ms * BYTES_PER_MS) / BYTES_PER_SAMPLE) * BYTES_PER_SAMPLE;
}

/** The start time (epoch ms) of FFmpeg's first input, from its `Duration: …, start: 1796085868.578949, …` line. */
export function inputStartMs(stderrLine: string): number | undefined {
  const match = /^\s*Duration: .*\bstart: (\d+\.\d+)/.exec(stderrLine);
  return match ? Number(match[1]) * 1000 : undefined;
}
