import { execFile } from 'node:child_process';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type ms, type Room, Sfu } from '@roomcast/sfu';
import { SyntheticPublisher } from './SyntheticPublisher.js';
import { isAlive } from '../testing/isAlive.js';

let sfu: Sfu;

beforeAll(async () => {
  sfu = await Sfu.create({
    workers: { size: 1, rtcMinPort: 47000, rtcMaxPort: 47999 },
    webRtc: { listenIps: [{ ip: '127.0.0.1' }], initialAvailableOutgoingBitrate: 1_000_000, mediaTimeoutMs: 10_000 },
    maxRooms: 10,
  });
});

afterAll(() => sfu?.close());

/** Pids of processes whose command line contains `marker` (pgrep exits 1 when there are none). */
function pgrep(marker: string): Promise<number[]> {
  return new Promise((resolve, reject) => {
    execFile('pgrep', ['-f', marker], (error, stdout) => {
      if (error && error.code !== 1) reject(error);
      else resolve(stdout.split('\n').filter(Boolean).map(Number));
    });
  });
}


/** Polls the producer's stats until RTP has arrived and mediasoup scores the stream. */
async function waitForMedia(producer: ms.Producer, timeoutMs = 8000): Promise<ms.ProducerStat> {
  const deadline = Date.now() + timeoutMs;
  let last: ms.ProducerStat | undefined;
  while (Date.now() < deadline) {
    [last] = await producer.getStats();
    if (last && last.byteCount > 0 && last.score > 0) return last;
    await new Promise((r) => setTimeout(r, 250));
  }
  throw new Error(`no media on ${producer.kind} producer: ${JSON.stringify(last)}`);
}

describe('SyntheticPublisher', () => {
  let room: Room;

  beforeAll(async () => {
    room = await sfu.createRoom('synthetic');
  });

  it('publishes VP8 and Opus that mediasoup receives, and leaves nothing behind on stop()', async () => {
    const publisher = await SyntheticPublisher.start(room, { identity: 'bot-1', name: 'Bot One' });
    const pid = publisher.pid;
    try {
      expect(pid).toBeGreaterThan(0);
      expect(await pgrep(publisher.marker)).toEqual([pid]);
      expect(publisher.drawsText).toBe(true); // Debian's FFmpeg has drawtext and fonts-dejavu is installed.
      const info = room.info().participants.find((p) => p.identity === 'bot-1');
      expect(info?.producers.map((p) => `${p.kind}:${p.source}`).sort()).toEqual(['audio:synthetic', 'video:synthetic']);

      const [video, audio] = await Promise.all([waitForMedia(publisher.videoProducer!), waitForMedia(publisher.audioProducer!)]);
      expect(video.mimeType).toBe('video/VP8');
      expect(audio.mimeType).toBe('audio/opus');
      const first = video.byteCount;
      await new Promise((r) => setTimeout(r, 1000));
      const [later] = await publisher.videoProducer!.getStats();
      expect(later!.byteCount).toBeGreaterThan(first);
    } finally {
      await publisher.stop();
    }

    expect(isAlive(pid!)).toBe(false);
    expect(await pgrep(publisher.marker)).toEqual([]);
    expect(room.participants.size).toBe(0);
    expect(publisher.videoProducer!.closed).toBe(true);
    const exit = await publisher.exited;
    expect(exit.expected).toBe(true);
    await publisher.stop(); // twice is harmless
  });

  it('stops FFmpeg when its participant is removed from the room', async () => {
    const publisher = await SyntheticPublisher.start(room, { identity: 'bot-2', name: 'Bot Two', video: false, audio: { frequency: 1000 } });
    try {
      expect(publisher.videoProducer).toBeUndefined();
      await waitForMedia(publisher.audioProducer!);
    } finally {
      room.removeParticipant(publisher.participant);
    }
    const exit = await publisher.exited;
    expect(exit.expected).toBe(true);
    expect(await pgrep(publisher.marker)).toEqual([]);
  });

  it('reports an FFmpeg that dies by itself', async () => {
    const publisher = await SyntheticPublisher.start(room, { identity: 'bot-3', name: 'Bot Three', video: { width: 160, height: 120, fps: 10 } });
    const reported = new Promise((resolve) => publisher.once('ffmpegExit', resolve));
    try {
      process.kill(publisher.pid!, 'SIGKILL');
      expect(await reported).toMatchObject({ expected: false, signal: 'SIGKILL' });
    } finally {
      await publisher.stop();
    }
    expect(room.participants.size).toBe(0);
  });
});
