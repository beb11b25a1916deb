import { describe, expect, it } from 'vitest';
import { describeFfmpegExit, FfmpegProcess } from '../ffmpeg/FfmpegProcess.js';
import { isAlive } from '../testing/isAlive.js';


describe('FfmpegProcess', () => {
  it('reports a failing FFmpeg with the tail of its stderr', async () => {
    const ffmpeg = await FfmpegProcess.spawn(['-hide_banner', '-f', 'lavfi', '-i', 'nosuchfilter', '-f', 'null', '-']);
    const exit = await ffmpeg.exited;
    expect(exit.expected).toBe(false);
    expect(exit.code).not.toBe(0);
    expect(exit.stderr.join('\n')).toMatch(/nosuchfilter|No such filter/i);
    expect(describeFfmpegExit(exit)).toMatch(/^FFmpeg exited with code \d+: /);
  });

  it('rejects when the binary cannot be started', async () => {
    await expect(FfmpegProcess.spawn([], { binary: '/nonexistent/ffmpeg' })).rejects.toThrow(/cannot run/);
  });

  it('stops a running FFmpeg with SIGTERM', async () => {
    const ffmpeg = await FfmpegProcess.spawn(['-nostdin', '-re', '-f', 'lavfi', '-i', 'sine', '-f', 'null', '-']);
    const pid = ffmpeg.pid!;
    expect(ffmpeg.running).toBe(true);
    const exit = await ffmpeg.stop();
    expect(exit.expected).toBe(true);
    expect(ffmpeg.running).toBe(false);
    expect(isAlive(pid)).toBe(false);
    expect(await ffmpeg.stop()).toBe(exit);
  });

  it('reads a high-rate stdout into one reused buffer, every byte in order', async () => {
    const frameBytes = 64 * 48 * 1.5;
    const frames = 90;
    const received: Buffer[] = [];
    const buffers = new Set<ArrayBufferLike>();
    const ffmpeg = await FfmpegProcess.spawn(
      ['-hide_banner', '-nostdin', '-f', 'lavfi', '-i', 'testsrc2=size=64x48:rate=30', '-frames:v', String(frames), '-f', 'rawvideo', '-pix_fmt', 'yuv420p', 'pipe:1'],
      {
        pipes: {
          stdout: {
            bufferBytes: 4096,
            onData: (bytes) => {
              buffers.add(bytes.buffer);
              received.push(Buffer.from(bytes)); // a copy: the view is reused by the next read
            },
          },
        },
      },
    );
    expect(() => ffmpeg.stdout).toThrow(/pipe on fd 1/);
    const exit = await ffmpeg.exited;
    expect(exit.code).toBe(0);
    const all = Buffer.concat(received);
    expect(all.length).toBe(frameBytes * frames);
    const reference = await FfmpegProcess.spawn(
      ['-hide_banner', '-nostdin', '-f', 'lavfi', '-i', 'testsrc2=size=64x48:rate=30', '-frames:v', String(frames), '-f', 'rawvideo', '-pix_fmt', 'yuv420p', 'pipe:1'],
      { pipes: { stdout: true } },
    );
    const chunks: Buffer[] = [];
    reference.stdout.on('data', (c: Buffer) => chunks.push(c));
    await reference.exited;
    expect(all.equals(Buffer.concat(chunks))).toBe(true);
    expect(received.length).toBeGreaterThan(1);
    expect(buffers.size).toBe(1);
  });

  it('escalates to SIGKILL when SIGTERM is ignored', async () => {
    // A stand-in that ignores SIGTERM (exec keeps the same pid, so nothing is orphaned).
    const stubborn = await FfmpegProcess.spawn(['-c', "trap '' TERM; echo ready >&2; exec sleep 30"], { binary: 'sh' });
    while (!stubborn.stderrTail().includes('ready')) await new Promise((r) => setTimeout(r, 20));
    const exit = await stubborn.stop(200);
    expect(exit).toMatchObject({ signal: 'SIGKILL', expected: true });
    expect(isAlive(stubborn.pid!)).toBe(false);
  });
});
