import { existsSync } from 'node:fs';
import { type FileHandle, mkdtemp, open, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/** RAM-backed when the system has it: the text never reaches a disk. */
const BASE_DIR = existsSync('/dev/shm') ? '/dev/shm' : tmpdir();

/**
 * An open, already unlinked file holding `text`, for a child process to read as `/dev/fd/N`.
 * Secrets handed to FFmpeg this way are not in its command line (world-readable in /proc); the
 * file has a name only for the moment between creating and unlinking it, in a directory only we
 * can enter. Node's stdio "pipes" are socket pairs, which `/dev/fd/N` cannot open, hence a file.
 * The caller closes the handle once the child has been spawned (the child keeps its own copy).
 */
export async function unlinkedFileWith(text: string): Promise<FileHandle> {
  const dir = await mkdtemp(join(BASE_DIR, 'roomcast-relay-'));
  try {
    const handle = await open(join(dir, 'options'), 'wx+', 0o600);
    try {
      await handle.writeFile(text);
    } catch (error) {
      await handle.close();
      throw error;
    }
    return handle;
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}
