import { rename, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { parseMediaName } from './names.js';

/** Fixed phrases for why a rendition could not write its files (users see these). */
export const WRITE_FAILURES = {
  diskFull: 'the disk is full: cannot write the HLS files',
  notWritable: 'the HLS directory is not writable',
  writeFailed: 'cannot write the HLS files',
} as const;

/** The fixed phrase for a failed write, from its errno code. */
export function writeFailureOf(error: unknown): string {
  const code = (error as NodeJS.ErrnoException | undefined)?.code;
  if (code === 'ENOSPC' || code === 'EDQUOT') return WRITE_FAILURES.diskFull;
  if (code === 'EACCES' || code === 'EPERM' || code === 'EROFS' || code === 'ENOENT' || code === 'ENOTDIR') return WRITE_FAILURES.notWritable;
  return WRITE_FAILURES.writeFailed;
}

/**
 * The files of one rendition's directory. A name is served (`path`) only once its file is
 * completely written and until it is removed, and only names the rendition makes: nothing a
 * request could use to reach outside the directory.
 */
export class RenditionFiles {
  readonly #written = new Set<string>();

  constructor(readonly dir: string) {}

  has(name: string): boolean {
    return this.#written.has(name);
  }

  path(name: string): string | undefined {
    return parseMediaName(name) && this.#written.has(name) ? join(this.dir, name) : undefined;
  }

  /** Files an earlier run wrote that are served again (a resumed rendition's earlier segments). */
  adopt(names: string[]): void {
    for (const name of names) this.#written.add(name);
  }

  async write(name: string, data: Buffer | string): Promise<void> {
    await writeFile(join(this.dir, name), data);
    this.#written.add(name);
  }

  /** Replaces the file whole (write then rename): a reader never sees half a playlist. */
  async replace(name: string, data: string): Promise<void> {
    const temp = join(this.dir, `.${name}.tmp`);
    await writeFile(temp, data);
    await rename(temp, join(this.dir, name));
    this.#written.add(name);
  }

  /** Stops serving the names at once, then deletes their files. */
  async remove(names: string[]): Promise<void> {
    for (const name of names) this.#written.delete(name);
    await Promise.all(names.map((name) => rm(join(this.dir, name), { force: true })));
  }
}
