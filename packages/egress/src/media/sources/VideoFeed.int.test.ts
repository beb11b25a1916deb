import { execFile } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { type Room, Sfu } from '@roomcast/sfu';
import { PortAllocator } from '../../rtp/PortAllocator.js';
import { SyntheticPublisher } from '../../synthetic/SyntheticPublisher.js';
import { decoderChildren, ffmpegChildren } from '../../testing/childProcesses.js';
import type { VideoFormat, VideoFrame } from '../types.js';
import { nalTypes } from './AccessUnitSplitter.js';
import { VideoFeed, type VideoFeedSource } from './VideoFeed.js';

const ffprobeBinary = process.env.FFPROBE_PATH ?? 'ffprobe';

/** ffprobe's view of the first video stream of a file, and how many frames it decodes. */
async function probe(bytes: Buffer, name: string): Promise<{ codec_name: string; width: number; height: number; profile?: string; nb_read_frames: string }> {
  const dir = await mkdtemp(join(tmpdir(), 'rtms-video-'));
  try {
    const path = join(dir, name);
    await writeFile(path, bytes);
    const out = await new Promise<string>((resolve, reject) =>
      // Concatenated JPEGs are read as raw MJPEG by name, not by content sniffing: format probing
      // of a short concatenation failed once under load ("Invalid data found") although every
      // picture in it was checked whole (SOI…EOI) and decodes on its own.
      execFile(ffprobeBinary, ['-v', 'error', ...(name.endsWith('.mjpeg') ? ['-f', 'mjpeg'] : []), '-count_frames', '-select_streams', 'v:0', '-show_entries', 'stream=codec_name,width,height,profile,nb_read_frames', '-of', 'json', path], (error, stdout) =>
        error ? reject(error) : resolve(stdout),
      ),
    );
    return (JSON.parse(out) as { streams: Array<{ codec_name: string; width: number; height: number; profile?: string; nb_read_frames: string }> }).streams[0]!;
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

describe('VideoFeed: the shown camera as H.264 or JPEG for media streams (real worker, real FFmpeg)', () => {
  let sfu: Sfu;
  let room: Room;
  let alice: SyntheticPublisher;
  let bob: SyntheticPublisher;
  const ports = new PortAllocator(43600, 43799);
  let feed: VideoFeed | undefined;
  const errors: unknown[] = [];

  const start = (format: VideoFormat, source: VideoFeedSource, frames: VideoFrame[]) =>
    (feed = VideoFeed.start({
      room,
      ports,
      format,
      source,
      onFrame: (f) => frames.push(f),
      onError: (e) => errors.push(e),
      restart: { initialDelayMs: 200, maxDelayMs: 1000, healthyAfterMs: 30_000 },
    }));

  /** What the room's ActiveSpeakerObserver does when someone speaks (these publishers send no audio). */
  const speaks = (participantId: string) => {
    room.activeSpeakerId = participantId;
    room.safeEmit('activeSpeaker', participantId);
  };

  beforeAll(async () => {
    sfu = await Sfu.create({
      workers: { size: 1, rtcMinPort: 43400, rtcMaxPort: 43599 },
      webRtc: { listenIps: [{ ip: '127.0.0.1' }], initialAvailableOutgoingBitrate: 1_000_000, mediaTimeoutMs: 60_000 },
      maxRooms: 2,
    });
    room = await sfu.createRoom('video-feed');
    const video = { width: 320, height: 240, fps: 15, bitrateKbps: 200 };
    alice = await SyntheticPublisher.start(room, { identity: 'alice', name: 'Alice', video, audio: false });
    bob = await SyntheticPublisher.start(room, { identity: 'bob', name: 'Bob', video, audio: false });
  });

  afterEach(async () => {
    const pids = feed?.pids() ?? [];
    await feed?.close();
    feed = undefined;
    expect(pids.length).toBeGreaterThan(0);
    expect(decoderChildren()).toEqual([]);
  });

  afterAll(async () => {
    await alice?.stop();
    await bob?.stop();
    sfu?.close();
    expect(ffmpegChildren()).toEqual([]);
  });

  it('sends H.264 access units of the first camera while nobody speaks: keyframe first, decodable, at the asked width', async () => {
    const frames: VideoFrame[] = [];
    start({ codec: 'h264', fps: 10, width: 160 }, 'active_speaker', frames);
    await expect.poll(() => frames.length, { timeout: 10_000 }).toBeGreaterThanOrEqual(15);
    expect(frames.every((f) => f.participantId === alice.participant.id)).toBe(true);
    expect(frames[0]!.keyFrame).toBe(true);
    expect(nalTypes(frames[0]!.data)).toEqual(expect.arrayContaining([9, 7, 8, 5]));
    expect(frames.every((f) => nalTypes(f.data)[0] === 9)).toBe(true);
    // The feed runs on while ffprobe reads: probe what had arrived.
    const got = frames.slice();
    const info = await probe(Buffer.concat(got.map((f) => f.data)), 'a.h264');
    expect(info).toMatchObject({ codec_name: 'h264', width: 160, height: 120, profile: 'Constrained Baseline' });
    expect(Number(info.nb_read_frames)).toBe(got.length);
  });

  it('switches to a new speaker at a keyframe of theirs, and not again within the debounce', async () => {
    const frames: VideoFrame[] = [];
    start({ codec: 'h264', fps: 10, width: 160 }, 'active_speaker', frames);
    await expect.poll(() => frames.length, { timeout: 10_000 }).toBeGreaterThan(3);
    const toBobAt = Date.now();
    speaks(bob.participant.id);
    await expect.poll(() => frames.some((f) => f.participantId === bob.participant.id), { timeout: 10_000 }).toBe(true);
    speaks(alice.participant.id);
    await expect.poll(() => frames.at(-1)?.participantId, { timeout: 10_000 }).toBe(alice.participant.id);
    await expect.poll(() => frames.filter((f) => f.participantId === alice.participant.id).length, { timeout: 5000 }).toBeGreaterThan(8);

    const firstBob = frames.findIndex((f) => f.participantId === bob.participant.id);
    const backToAlice = frames.findIndex((f, i) => i > firstBob && f.participantId === alice.participant.id);
    // Each run of one participant's frames starts at a keyframe, and they never interleave.
    expect(frames[firstBob]!.keyFrame).toBe(true);
    expect(frames[backToAlice]!.keyFrame).toBe(true);
    expect(frames.slice(firstBob, backToAlice).every((f) => f.participantId === bob.participant.id)).toBe(true);
    expect(frames.slice(backToAlice).every((f) => f.participantId === alice.participant.id)).toBe(true);
    // The switch back waited for the debounce after the switch to Bob began.
    expect(frames[backToAlice]!.timestamp - toBobAt).toBeGreaterThanOrEqual(1000);
    // The two streams still make one decodable H.264 stream.
    const info = await probe(Buffer.concat(frames.map((f) => f.data)), 'b.h264');
    expect(info.codec_name).toBe('h264');
    // Synthetic publishers ignore keyframe requests (one every 2 s): each switch waits for one.
  }, 60_000);

  it('shows one chosen participant whoever speaks', async () => {
    const frames: VideoFrame[] = [];
    start({ codec: 'h264', fps: 10, width: 160 }, { participant: 'bob' }, frames);
    speaks(alice.participant.id);
    await expect.poll(() => frames.length, { timeout: 10_000 }).toBeGreaterThan(5);
    expect(frames.every((f) => f.participantId === bob.participant.id)).toBe(true);
  });

  it('sends JPEG pictures that decode, at the asked width', async () => {
    const frames: VideoFrame[] = [];
    start({ codec: 'jpeg', fps: 5, width: 160 }, { participant: 'alice' }, frames);
    await expect.poll(() => frames.length, { timeout: 10_000 }).toBeGreaterThanOrEqual(3);
    expect(frames.every((f) => f.keyFrame && f.data[0] === 0xff && f.data[1] === 0xd8 && f.data.at(-1) === 0xd9)).toBe(true);
    const info = await probe(frames[1]!.data, 'one.jpg');
    expect(info).toMatchObject({ codec_name: 'mjpeg', width: 160, height: 120 });
    const got = frames.slice();
    const all = await probe(Buffer.concat(got.map((f) => f.data)), 'all.mjpeg');
    expect(Number(all.nb_read_frames)).toBe(got.length);
  });

  it('restarts a transcoder that dies, and the stream resumes at a keyframe', async () => {
    const frames: VideoFrame[] = [];
    const shown = start({ codec: 'h264', fps: 10, width: 160 }, { participant: 'alice' }, frames);
    await expect.poll(() => frames.length, { timeout: 10_000 }).toBeGreaterThan(3);
    const [victim] = shown.pids();
    process.kill(victim!, 'SIGKILL');
    await expect.poll(() => shown.pids().some((pid) => pid !== victim), { timeout: 8000 }).toBe(true);
    const before = frames.length;
    await expect.poll(() => frames.length - before, { timeout: 10_000 }).toBeGreaterThan(3);
    // The new process needs a VP8 keyframe before its first picture, so nothing of it had come out
    // when its pid appeared: its first access unit is an IDR with SPS/PPS.
    expect(frames[before]!.keyFrame).toBe(true);
    expect(nalTypes(frames[before]!.data)).toEqual(expect.arrayContaining([7, 8, 5]));
    expect(errors.length).toBeGreaterThan(0);
  }, 60_000);

  it('moves to another camera at a keyframe when the shown participant leaves', async () => {
    const frames: VideoFrame[] = [];
    speaks(bob.participant.id);
    start({ codec: 'h264', fps: 10, width: 160 }, 'active_speaker', frames);
    await expect.poll(() => frames.length, { timeout: 10_000 }).toBeGreaterThan(3);
    expect(frames.every((f) => f.participantId === bob.participant.id)).toBe(true);
    await bob.stop();
    await expect.poll(() => frames.at(-1)?.participantId, { timeout: 10_000 }).toBe(alice.participant.id);
    expect(frames.find((f) => f.participantId === alice.participant.id)!.keyFrame).toBe(true);
  }, 60_000);
});
