import type { RoomView } from '@roomcast/sfu';
import { DecoderGate } from '../../composite/DecoderGate.js';
import type { RestartPolicyOptions } from '../../composite/RestartPolicy.js';
import type { PortAllocator } from '../../rtp/PortAllocator.js';
import type { AudioFormat, AudioFrame } from '../types.js';
import { ProducerAudioDecoder } from './ProducerAudioDecoder.js';
import { RoomMix } from './RoomMix.js';
import { audioProducerOwners, formatKey, normalizeFormat } from './roomAudio.js';

type ProducerFrameListener = (frame: AudioFrame, producerId: string) => void;

export interface AudioHubOptions {
  room: RoomView;
  ports: PortAllocator;
  /** A decoder or listener failed (for the log; the hub carries on). */
  onError?: (error: unknown, what: string) => void;
  /** Backoff of decoders that die by themselves. */
  restart?: RestartPolicyOptions;
}

interface Decoder {
  key: string;
  producerId: string;
  participantId: string;
  format: AudioFormat;
  running?: ProducerAudioDecoder;
}

/**
 * A room's microphones for its media streams, shared by every stream: one tap + decoder per
 * (microphone, format) that someone subscribes to, started with the first subscriber and stopped
 * with the last, and one mix per format. Decoders start only once their producer sends RTP, and
 * one that dies is restarted with backoff (DecoderGate). Frames are shared between listeners:
 * they must not modify them.
 */
export class AudioHub {
  readonly #room: RoomView;
  readonly #formats = new Map<string, { format: AudioFormat; listeners: Set<ProducerFrameListener> }>();
  readonly #decoders = new Map<string, Decoder>();
  readonly #mixes = new Map<string, { mix: RoomMix; listeners: Set<(frame: AudioFrame) => void> }>();
  readonly #gate: DecoderGate;
  /** Closing decoders and mixes: close() waits for them. */
  readonly #pending = new Set<Promise<void>>();
  readonly #onRoomChange = () => this.#reconcile();
  /** The microphones at the last reconcile: one gone since is forgotten by the mixes. */
  #mixedProducers = new Set<string>();
  #closed = false;

  constructor(readonly options: AudioHubOptions) {
    this.#room = options.room;
    this.#gate = new DecoderGate({
      bytesReceived: (key) => this.#room.producerBytesReceived(producerOf(key)),
      onChange: () => this.#reconcile(),
      restart: options.restart,
    });
    for (const event of ['producerAdded', 'producerRemoved', 'participantLeft'] as const) this.#room.on(event, this.#onRoomChange);
    this.#room.on('closed', this.#onRoomClosed);
  }

  /** Every audio producer of the room (present and future), in `format`, as 20 ms frames. */
  subscribe(format: AudioFormat, listener: (frame: AudioFrame) => void): () => void {
    return this.#subscribeProducers(normalizeFormat(format), (frame) => listener(frame));
  }

  /** The room's mix (participantId null) in `format`, one frame every 20 ms while subscribed. */
  subscribeMix(format: AudioFormat, listener: (frame: AudioFrame) => void): () => void {
    if (this.#closed) return () => {};
    const normalized = normalizeFormat(format);
    const key = formatKey(normalized);
    let entry = this.#mixes.get(key);
    if (!entry) {
      const listeners = new Set<(frame: AudioFrame) => void>();
      const mix = new RoomMix({
        format: normalized,
        subscribePcm: (sampleRate, l) => this.#subscribeProducers({ codec: 'pcm_s16le', sample_rate: sampleRate }, l),
        onFrame: (frame) => this.#deliver(listeners, frame, ''),
        onError: (error) => this.#report(error, 'mix encoder'),
      });
      entry = { mix, listeners };
      this.#mixes.set(key, entry);
    }
    const wrapper = (frame: AudioFrame) => listener(frame);
    const { mix, listeners } = entry;
    listeners.add(wrapper);
    return once(() => {
      listeners.delete(wrapper);
      if (listeners.size > 0 || this.#mixes.get(key)?.mix !== mix) return;
      this.#mixes.delete(key);
      this.#track(mix.close());
    });
  }

  /** Pids of the running decoders (tests check none outlives its last subscriber). */
  decoderPids(): number[] {
    return [...this.#decoders.values()].flatMap((d) => (d.running?.pid === undefined ? [] : [d.running.pid]));
  }

  async close(): Promise<void> {
    if (!this.#closed) {
      this.#closed = true;
      for (const event of ['producerAdded', 'producerRemoved', 'participantLeft'] as const) this.#room.off(event, this.#onRoomChange);
      this.#room.off('closed', this.#onRoomClosed);
      this.#gate.close();
      for (const { mix } of this.#mixes.values()) this.#track(mix.close());
      this.#mixes.clear();
      this.#formats.clear();
      for (const key of [...this.#decoders.keys()]) this.#stop(key);
    }
    while (this.#pending.size > 0) await Promise.all(this.#pending);
  }

  readonly #onRoomClosed = () => this.#track(this.close());

  #subscribeProducers(format: AudioFormat, listener: ProducerFrameListener): () => void {
    if (this.#closed) return () => {};
    const key = formatKey(format);
    let entry = this.#formats.get(key);
    if (!entry) {
      entry = { format, listeners: new Set() };
      this.#formats.set(key, entry);
    }
    // A wrapper per call: the same function subscribed twice counts twice.
    const wrapper: ProducerFrameListener = (frame, producerId) => listener(frame, producerId);
    const { listeners } = entry;
    listeners.add(wrapper);
    this.#reconcile();
    return once(() => {
      listeners.delete(wrapper);
      if (listeners.size === 0 && this.#formats.get(key)?.listeners === listeners) this.#formats.delete(key);
      this.#reconcile();
    });
  }

  /** Starts the decoders someone wants and whose producer sends, stops the others. */
  #reconcile(): void {
    if (this.#closed) return;
    const owners = audioProducerOwners(this.#room);
    const wanted = new Map<string, Decoder>();
    for (const [fk, { format, listeners }] of this.#formats) {
      if (listeners.size === 0) continue;
      for (const [producerId, participantId] of owners) {
        const key = `${producerId}|${fk}`;
        wanted.set(key, { key, producerId, participantId, format });
      }
    }
    for (const key of [...this.#decoders.keys()]) if (!wanted.has(key)) this.#stop(key);
    this.#gate.retain(new Set(wanted.keys()));
    for (const [key, decoder] of wanted) {
      if (!this.#decoders.has(key) && this.#gate.mayStart(key)) this.#start(decoder);
    }
    for (const { mix } of this.#mixes.values()) {
      // A microphone that left: its queued audio goes with it.
      for (const producerId of this.#mixedProducers) if (!owners.has(producerId)) mix.forget(producerId);
    }
    this.#mixedProducers = new Set(owners.keys());
  }

  #start(decoder: Decoder): void {
    this.#decoders.set(decoder.key, decoder);
    const listeners = this.#formats.get(formatKey(decoder.format))?.listeners;
    const started = ProducerAudioDecoder.start({
      room: this.#room,
      producerId: decoder.producerId,
      ports: this.options.ports,
      format: decoder.format,
      onFrame: (data, speech) => {
        if (this.#decoders.get(decoder.key) !== decoder || !listeners) return;
        this.#deliver(listeners, { participantId: decoder.participantId, data, timestamp: Date.now(), speech }, decoder.producerId);
      },
      onExit: (stderr) => this.#onDied(decoder, new Error(`audio decoder died: ${stderr.slice(-3).join(' | ')}`)),
    });
    this.#track(
      started.then(
        async (running) => {
          decoder.running = running;
          // Stopped (or dead) while it started: nothing else will close it.
          if (this.#decoders.get(decoder.key) !== decoder) await running.close();
          else this.#gate.started(decoder.key);
        },
        (error: unknown) => this.#onDied(decoder, error),
      ),
    );
  }

  #onDied(decoder: Decoder, error: unknown): void {
    if (this.#decoders.get(decoder.key) !== decoder) return;
    this.#decoders.delete(decoder.key);
    if (decoder.running) this.#track(decoder.running.close());
    if (this.#closed) return;
    this.#report(error, `decoder of producer ${decoder.producerId}`);
    // The gate calls back (#reconcile) once the backoff has run out and RTP flows again.
    this.#gate.exited(decoder.key);
  }

  #stop(key: string): void {
    const decoder = this.#decoders.get(key);
    this.#decoders.delete(key);
    // Still starting: #start's continuation closes it.
    if (decoder?.running) this.#track(decoder.running.close());
  }

  #deliver<L extends (frame: AudioFrame, producerId: string) => void>(listeners: Set<L>, frame: AudioFrame, producerId: string): void {
    for (const listener of [...listeners]) {
      try {
        listener(frame, producerId);
      } catch (error) {
        this.#report(error, 'audio frame listener');
      }
    }
  }

  #track(task: Promise<void>): void {
    const owned = task.catch((error: unknown) => this.#report(error, 'closing an audio source'));
    this.#pending.add(owned);
    void owned.finally(() => this.#pending.delete(owned));
  }

  #report(error: unknown, what: string): void {
    try {
      this.options.onError?.(error, what);
    } catch {
      // A failing logger must not break the audio.
    }
  }
}

function producerOf(key: string): string {
  return key.slice(0, key.indexOf('|'));
}

function once(f: () => void): () => void {
  let done = false;
  return () => {
    if (done) return;
    done = true;
    f();
  };
}
