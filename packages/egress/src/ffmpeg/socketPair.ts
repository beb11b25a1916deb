import { rm } from 'node:fs/promises';
import { connect, createServer, type Socket } from 'node:net';
import { join } from 'node:path';
import { makeEgressTempDir } from '../tempDirs.js';

export interface ReusedBufferReader {
  /** Size of the one buffer every read lands in. */
  bufferBytes: number;
  /** The bytes of one read: a view of the reused buffer, valid only during this call. */
  onData: (bytes: Buffer) => void;
}

export interface ReaderSocketPair {
  /** Our end: read into the reused buffer. */
  reader: Socket;
  /** The other end, to hand to a child as its stdout and then destroy here. */
  childEnd: Socket;
}

/**
 * Two connected Unix stream sockets whose reading end reads into one reused buffer (net.Socket's
 * `onread`). A child's stdout pipe cannot do that: Node hands every read over as a freshly
 * allocated Buffer, which at 30 raw frames a second per decoder is tens of MB/s of garbage and,
 * under load, dozens of full-heap collections a second. Node has no socketpair(2), so the pair is
 * made by connecting to a listener in a private (0700) temporary directory, removed at once.
 */
export async function readerSocketPair(read: ReusedBufferReader): Promise<ReaderSocketPair> {
  const dir = await makeEgressTempDir('sock');
  const server = createServer({ pauseOnConnect: true });
  try {
    const path = join(dir, 's');
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(path, () => resolve());
    });
    const accepted = new Promise<Socket>((resolve) => server.once('connection', resolve));
    const buffer = Buffer.allocUnsafe(read.bufferBytes);
    const reader = connect({
      path,
      onread: {
        buffer,
        callback: (n: number) => {
          read.onData(buffer.subarray(0, n));
          return true;
        },
      },
    });
    const failed = new Promise<never>((_, reject) => reader.once('error', reject));
    try {
      return { reader, childEnd: await Promise.race([accepted, failed]) };
    } catch (error) {
      reader.destroy();
      throw error;
    }
  } finally {
    server.close();
    await rm(dir, { recursive: true, force: true });
  }
}
