import { type ChildProcess, spawn, type StdioOptions } from 'node:child_process';
import type { Socket } from 'node:net';
import type { Readable, Writable } from 'node:stream';
import { TypedEmitter } from '@roomcast/sfu';
import { ffmpegPath } from '../ffmpeg/ffmpegPath.js';
import { type ReusedBufferReader, readerSocketPair } from './socketPair.js';

export interface FfmpegExit {
  code: number | null;
  signal: NodeJS.Signals | null;
  /** True when stop() or finish() asked for it; false means FFmpeg died or finished on its own. */
  expected: boolean;
  /** The last lines FFmpeg wrote to stderr: what went wrong, usually. */
  stderr: string[];
}

export interface FfmpegProcessEvents extends Record<string, unknown[]> {
  /** FFmpeg exited, for whatever reason. Emitted once. */
  exit: [exit: FfmpegExit];
  /** One line FFmpeg wrote to stderr (a decoder that lost sync says so here). */
  stderrLine: [line: string];
}

export interface FfmpegSpawnOptions {
  /** Defaults to ffmpegPath(). */
  binary?: string;
  /** How many stderr lines to keep for error messages. */
  stderrLines?: number;
  /**
   * Pipes to open: stdin to feed FFmpeg, stdout to read it (as a stream, or into one reused
   * buffer for high-rate raw output), and extra input pipes from fd 3 on.
   */
  pipes?: { stdin?: boolean; stdout?: boolean | ReusedBufferReader; extraInputs?: number };
  /** Open files FFmpeg inherits after the extra input pipes (it reads one as `/dev/fd/N`, which a pipe here cannot be). */
  files?: number[];
  /** Variables added to this process's environment for FFmpeg (an X display's XAUTHORITY for x11grab). */
  env?: Record<string, string>;
}

/**
 * One FFmpeg child: started with an argument list, its stderr tail kept, stopped with SIGTERM and
 * then SIGKILL. The owner must call stop(); nothing here outlives it.
 */
export class FfmpegProcess extends TypedEmitter<FfmpegProcessEvents> {
  readonly exited: Promise<FfmpegExit>;
  readonly #child: ChildProcess;
  readonly #stderr: string[] = [];
  readonly #maxLines: number;
  #partialLine = '';
  #stopRequested = false;
  #exit: FfmpegExit | undefined;

  private constructor(child: ChildProcess, maxLines: number, stdoutReader?: Socket) {
    super();
    this.#child = child;
    this.#maxLines = maxLines;
    child.stderr?.setEncoding('utf8').on('data', (chunk: string) => this.#onStderr(chunk));
    const stdoutRead = stdoutReader ? readToTheEnd(child, stdoutReader) : Promise.resolve();
    this.exited = new Promise((resolve) => {
      // 'close', not 'exit': it comes after stderr is drained, so the tail is complete.
      child.once('close', (code, signal) => {
        void stdoutRead.then(() => {
          this.#flushPartialLine();
          this.#exit = { code, signal, expected: this.#stopRequested, stderr: this.stderrTail() };
          this.safeEmit('exit', this.#exit);
          resolve(this.#exit);
        });
      });
    });
  }

  /** Resolves once the process is running; rejects if it cannot start (e.g. binary not found). */
  static async spawn(args: string[], options: FfmpegSpawnOptions = {}): Promise<FfmpegProcess> {
    const binary = options.binary ?? ffmpegPath();
    const pipes = options.pipes ?? {};
    const pair = typeof pipes.stdout === 'object' ? await readerSocketPair(pipes.stdout) : undefined;
    const stdio: StdioOptions = [
      pipes.stdin ? 'pipe' : 'ignore',
      pair ? pair.childEnd : pipes.stdout ? 'pipe' : 'ignore',
      'pipe',
      ...Array.from({ length: pipes.extraInputs ?? 0 }, () => 'pipe' as const),
      ...(options.files ?? []),
    ];
    let child: ChildProcess;
    try {
      child = spawn(binary, args, { stdio, env: options.env ? { ...process.env, ...options.env } : process.env });
    } finally {
      // The child has its own copy of that socket now; ours would keep the reader from seeing EOF.
      pair?.childEnd.destroy();
    }
    // A pipe to an FFmpeg that just died raises EPIPE: the exit event reports the death instead.
    for (const stream of [...child.stdio, pair?.reader]) stream?.on('error', () => undefined);
    const ffmpeg = new FfmpegProcess(child, options.stderrLines ?? 40, pair?.reader);
    return new Promise((resolve, reject) => {
      child.once('spawn', () => resolve(ffmpeg));
      child.once('error', (error) => reject(new Error(`cannot run ${binary}: ${error.message}`, { cause: error })));
    });
  }

  get pid(): number | undefined {
    return this.#child.pid;
  }

  /** FFmpeg's stdin, when opened with `pipes.stdin`. */
  get stdin(): Writable {
    return this.#pipe(0) as Writable;
  }

  /** FFmpeg's stdout, when opened with `pipes.stdout: true`. */
  get stdout(): Readable {
    return this.#pipe(1) as Readable;
  }

  /** An extra input pipe: fd 3 is the first. */
  inputPipe(fd: number): Writable {
    return this.#pipe(fd) as Writable;
  }

  #pipe(fd: number): Writable | Readable {
    const stream = this.#child.stdio[fd];
    if (!stream) throw new Error(`FFmpeg was not started with a pipe on fd ${fd}`);
    return stream;
  }

  get running(): boolean {
    return this.#exit === undefined;
  }

  stderrTail(): string[] {
    return [...this.#stderr];
  }

  /**
   * Ends FFmpeg's input pipes so it flushes its outputs and exits by itself (a clean end of stream
   * at the destination), then `stop()`s it if it has not within `drainMs`.
   */
  async finish(drainMs = 2000): Promise<FfmpegExit> {
    if (this.#exit) return this.#exit;
    this.#stopRequested = true;
    for (const [fd, stream] of this.#child.stdio.entries()) {
      if (fd !== 1 && fd !== 2 && stream && 'end' in stream) (stream as Writable).end();
    }
    let timer: NodeJS.Timeout | undefined;
    await Promise.race([this.exited, new Promise((resolve) => (timer = setTimeout(resolve, drainMs)))]);
    clearTimeout(timer);
    return this.stop(1000);
  }

  /** SIGTERM (FFmpeg finishes its outputs), SIGKILL if it has not exited after `graceMs`. Safe twice. */
  async stop(graceMs = 2000): Promise<FfmpegExit> {
    if (this.#exit) return this.#exit;
    this.#stopRequested = true;
    this.#child.kill('SIGTERM');
    const timer = setTimeout(() => this.#child.kill('SIGKILL'), graceMs);
    try {
      return await this.exited;
    } finally {
      clearTimeout(timer);
    }
  }

  #onStderr(chunk: string): void {
    const lines = (this.#partialLine + chunk).split(/\r?\n|\r/);
    this.#partialLine = lines.pop() ?? '';
    for (const line of lines) this.#keep(line);
  }

  #flushPartialLine(): void {
    if (this.#partialLine) this.#keep(this.#partialLine);
    this.#partialLine = '';
  }

  #keep(line: string): void {
    if (!line.trim()) return;
    this.safeEmit('stderrLine', line);
    this.#stderr.push(line);
    if (this.#stderr.length > this.#maxLines) this.#stderr.shift();
  }
}

/** Settles when the socket has delivered FFmpeg's last bytes, or a second after FFmpeg is gone. */
function readToTheEnd(child: ChildProcess, reader: Socket): Promise<void> {
  const closed = new Promise<void>((resolve) => reader.once('close', () => resolve()));
  child.once('close', () => setTimeout(() => reader.destroy(), 1000).unref());
  return closed;
}

/** A one-line description of an exit, for error messages and logs. */
export function describeFfmpegExit(exit: FfmpegExit): string {
  const how = exit.signal ? `was killed by ${exit.signal}` : `exited with code ${exit.code}`;
  const tail = exit.stderr.slice(-5).join(' | ');
  return tail ? `FFmpeg ${how}: ${tail}` : `FFmpeg ${how}`;
}
