import type { FlvTag } from './FlvTagReader.js';

/** Something that takes FLV bytes: a relay's stdin. Returns false when it is backed up. */
export interface FlvSink {
  write(bytes: Buffer): boolean;
}

interface Listener {
  sink: FlvSink;
  started: boolean;
  /** What it gets of the tags being pushed, written as one piece at the end of the push. */
  queued: Buffer[];
}

/**
 * Hands one encoded FLV stream to many destinations. A destination that joins late gets the
 * header, metadata and codec configuration, then the stream from the next keyframe: nothing is
 * re-encoded, and nobody else notices. Each push (the tags of one encoder read) reaches a listener
 * as one write: every write wakes the FFmpeg behind it, and on a small machine those wake-ups are
 * most of what a relay costs (bench/README.md, "Web layout").
 */
export class FlvFanout {
  #header: Buffer | undefined;
  #metadata: Buffer | undefined;
  readonly #sequenceHeaders = new Map<'audio' | 'video', Buffer>();
  readonly #listeners = new Set<Listener>();

  setHeader(header: Buffer): void {
    this.#header = header;
  }

  add(sink: FlvSink): () => void {
    const listener: Listener = { sink, started: false, queued: [] };
    this.#listeners.add(listener);
    return () => this.#listeners.delete(listener);
  }

  get size(): number {
    return this.#listeners.size;
  }

  push(tags: readonly FlvTag[]): void {
    for (const tag of tags) this.#queue(tag);
    for (const listener of this.#listeners) {
      const { queued } = listener;
      if (queued.length === 0) continue;
      listener.queued = [];
      listener.sink.write(queued.length === 1 ? queued[0]! : Buffer.concat(queued));
    }
  }

  #queue(tag: FlvTag): void {
    this.#remember(tag);
    if (tag.sequenceHeader || tag.type === 'script') {
      for (const l of this.#listeners) if (l.started) l.queued.push(tag.bytes);
      return;
    }
    for (const listener of this.#listeners) {
      if (!listener.started && tag.keyframe) this.#start(listener);
      if (listener.started) listener.queued.push(tag.bytes);
    }
  }

  #remember(tag: FlvTag): void {
    if (tag.type === 'script') this.#metadata = tag.bytes;
    if (tag.sequenceHeader && (tag.type === 'audio' || tag.type === 'video')) this.#sequenceHeaders.set(tag.type, tag.bytes);
  }

  #start(listener: Listener): void {
    if (!this.#header) return;
    listener.started = true;
    listener.queued.push(this.#header);
    if (this.#metadata) listener.queued.push(this.#metadata);
    for (const kind of ['video', 'audio'] as const) {
      const sequenceHeader = this.#sequenceHeaders.get(kind);
      if (sequenceHeader) listener.queued.push(sequenceHeader);
    }
  }
}
