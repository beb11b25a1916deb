import type { FlvTag } from './FlvTagReader.js';

/** Something that takes FLV bytes: a relay's stdin. Returns false when it is backed up. */
export interface FlvSink {
  write(bytes: Buffer): boolean;
}

interface Listener {
  sink: FlvSink;
  started: boolean;
}

/**
 * Hands one encoded FLV stream to many destinations. A destination that joins late gets the
 * header, metadata and codec configuration, then the stream from the next keyframe: nothing is
 * re-encoded, and nobody else notices.
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
    const listener: Listener = { sink, started: false };
    this.#listeners.add(listener);
    return () => this.#listeners.delete(listener);
  }

  get size(): number {
    return this.#listeners.size;
  }

  push(tag: FlvTag): void {
    this.#remember(tag);
    if (tag.sequenceHeader || tag.type === 'script') {
      for (const l of this.#listeners) if (l.started) l.sink.write(tag.bytes);
      return;
    }
    for (const listener of this.#listeners) {
      if (!listener.started && tag.keyframe) this.#start(listener);
      if (listener.started) listener.sink.write(tag.bytes);
    }
  }

  #remember(tag: FlvTag): void {
    if (tag.type === 'script') this.#metadata = tag.bytes;
    if (tag.sequenceHeader && (tag.type === 'audio' || tag.type === 'video')) this.#sequenceHeaders.set(tag.type, tag.bytes);
  }

  #start(listener: Listener): void {
    if (!this.#header) return;
    listener.started = true;
    listener.sink.write(this.#header);
    if (this.#metadata) listener.sink.write(this.#metadata);
    for (const kind of ['video', 'audio'] as const) {
      const sequenceHeader = this.#sequenceHeaders.get(kind);
      if (sequenceHeader) listener.sink.write(sequenceHeader);
    }
  }
}
