import { mkdir, readdir, rm } from 'node:fs/promises';
import { join } from 'node:path';
import type { z } from 'zod';
import { readJson, writeJsonAtomically } from '../recordings/recordingState.js';

const RECORD = /^([A-Za-z0-9_-]{1,64})\.json$/;

/**
 * One `<id>.json` per record in a directory, so that a restarted egress still knows what it ran.
 * Each write replaces the whole record atomically (temp + rename); writes of one id run in order,
 * so an older state never overwrites a newer one. Never rejects: a failed write is logged and the
 * work goes on (a record is a history, not the output itself). Reading skips what does not parse.
 */
export class JsonRecords<T extends { id: string }> {
  readonly #queues = new Map<string, Promise<void>>();

  constructor(
    readonly dir: string,
    readonly schema: z.ZodType<T>,
    readonly log?: (error: unknown, what: string) => void,
    /** For the log: what a record is ("a live stream record"). */
    readonly what = 'a record',
  ) {}

  save(record: T): Promise<void> {
    return this.#enqueue(record.id, `write ${this.what}`, async () => {
      await mkdir(this.dir, { recursive: true, mode: 0o700 });
      await writeJsonAtomically(this.#path(record.id), record);
    });
  }

  remove(id: string): Promise<void> {
    return this.#enqueue(id, `remove ${this.what}`, () => rm(this.#path(id), { force: true }));
  }

  /** Every valid record on disk (unreadable or foreign files, and one named for another id, are skipped). */
  async load(): Promise<T[]> {
    const names = await readdir(this.dir).catch(() => [] as string[]);
    const found: T[] = [];
    for (const name of names) {
      const id = RECORD.exec(name)?.[1];
      const parsed = id === undefined ? undefined : this.schema.safeParse(await readJson(this.#path(id)));
      if (parsed?.success && parsed.data.id === id) found.push(parsed.data);
    }
    return found;
  }

  /** Settles once every write queued so far is on disk (graceful shutdown). */
  async flush(): Promise<void> {
    await Promise.all([...this.#queues.values()]);
  }

  #path(id: string): string {
    return join(this.dir, `${id}.json`);
  }

  #enqueue(id: string, what: string, work: () => Promise<void>): Promise<void> {
    const next: Promise<void> = (this.#queues.get(id) ?? Promise.resolve())
      .then(work)
      .catch((error: unknown) => this.log?.(error, what))
      .then(() => {
        if (this.#queues.get(id) === next) this.#queues.delete(id);
      });
    this.#queues.set(id, next);
    return next;
  }
}
