import { afterEach, describe, expect, it } from 'vitest';
import { FfmpegProcess } from '@roomcast/egress';
import { probeStream } from './support/ffprobe.js';
import { waitFor } from './support/ports.js';
import { findMediaProcesses, waitForNoMediaProcesses } from './support/processes.js';
import { type RtmpServer, startRtmpServer } from './support/rtmpServer.js';

/** A 3-second realtime H.264 + AAC test source pushed to `url`, as a broadcaster would. */
function pushTestSource(url: string): Promise<FfmpegProcess> {
  return FfmpegProcess.spawn([
    '-hide_banner', '-nostdin', '-nostats', '-loglevel', 'warning',
    '-re', '-f', 'lavfi', '-i', 'testsrc2=size=320x240:rate=15',
    '-re', '-f', 'lavfi', '-i', 'sine=frequency=440:sample_rate=44100',
    '-t', '3',
    '-c:v', 'libx264', '-preset', 'veryfast', '-tune', 'zerolatency', '-g', '15', '-pix_fmt', 'yuv420p',
    '-c:a', 'aac', '-b:a', '64k',
    '-f', 'flv', url,
  ]);
}

describe('RTMP test harness', () => {
  let server: RtmpServer | undefined;
  let push: FfmpegProcess | undefined;

  afterEach(async () => {
    await push?.stop();
    await server?.stop();
    expect(await waitForNoMediaProcesses()).toEqual([]);
  });

  it('receives a live RTMP push that ffprobe can read, and leaves no process behind', async () => {
    server = await startRtmpServer();
    expect(await server.liveStreams()).toEqual([]);

    push = await pushTestSource(server.rtmpUrl('check'));
    const live = await waitFor(async () => (await server!.liveStreams()).includes('check'), 5000);
    expect(live, push.stderrTail().join('\n')).toBe(true);
    // The process listing sees what we started (so the final "nothing left" check means something).
    const running = findMediaProcesses();
    expect(running.filter((p) => p.name === 'nginx').length).toBeGreaterThanOrEqual(2); // master + worker
    expect(running.map((p) => p.pid)).toContain(push.pid);

    const probe = await probeStream(server.rtmpUrl('check'), { timeoutMs: 10_000 });
    expect(probe.video).toMatchObject({ codec: 'h264', width: 320, height: 240 });
    expect(probe.video?.fps).toBeCloseTo(15, 0);
    expect(probe.audio).toMatchObject({ codec: 'aac', sampleRate: 44100 });

    const exit = await push.exited;
    expect(exit.code, exit.stderr.join('\n')).toBe(0);
    await server.stop();
    expect(await waitForNoMediaProcesses({ marker: server.prefix })).toEqual([]);
  });

  it('times a probe out cleanly when nothing is published', async () => {
    server = await startRtmpServer();
    const started = Date.now();
    await expect(probeStream(server.rtmpUrl('nobody'), { timeoutMs: 1500 })).rejects.toThrow(/timed out/);
    expect(Date.now() - started).toBeLessThan(4000);
    expect(findMediaProcesses({ names: ['ffprobe'] })).toEqual([]);
  });
});
