import { execFile } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { type Room, Sfu } from '@roomcast/sfu';
import { ffmpegPath } from '../../ffmpeg/ffmpegPath.js';
import { PortAllocator } from '../../rtp/PortAllocator.js';
import { SyntheticPublisher } from '../../synthetic/SyntheticPublisher.js';
import { decoderChildren, ffmpegChildren } from '../../testing/childProcesses.js';
import { isAlive } from '../../testing/isAlive.js';
import { oggOpusFile } from '../../testing/oggOpus.js';
import { toneLevel, zeroCrossingHz } from '../../testing/tones.js';
import type { AudioFormat, AudioFrame } from '../types.js';
import { AudioHub } from './AudioHub.js';
import { opusPacketDurationMs } from './OggPacketReader.js';

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const PCM16: AudioFormat = { codec: 'pcm_s16le', sample_rate: 16000 };
const PCM48: AudioFormat = { codec: 'pcm_s16le', sample_rate: 48000 };
const OPUS: AudioFormat = { codec: 'opus', sample_rate: 48000 };

/** Frames from `subscribe` until `count` of them have arrived for every key `keyOf` is asked to cover. */
async function collect(subscribe: (l: (f: AudioFrame) => void) => () => void, wanted: (frames: AudioFrame[]) => boolean, timeoutMs = 10_000): Promise<AudioFrame[]> {
  const frames: AudioFrame[] = [];
  const unsubscribe = subscribe((f) => frames.push(f));
  const deadline = Date.now() + timeoutMs;
  try {
    while (!wanted(frames) && Date.now() < deadline) await sleep(50);
  } finally {
    unsubscribe();
  }
  return frames;
}

const countOf = (frames: AudioFrame[], id: string | null) => frames.filter((f) => f.participantId === id).length;
/** The last `n` frames of one participant, concatenated. */
const tail = (frames: AudioFrame[], id: string | null, n: number) => Buffer.concat(frames.filter((f) => f.participantId === id).slice(-n).map((f) => f.data));

/** Decodes Ogg Opus bytes to mono s16le at 16 kHz with FFmpeg. */
async function decodeOpus(packets: Buffer[]): Promise<Buffer> {
  const dir = await mkdtemp(join(tmpdir(), 'rtms-opus-'));
  try {
    const path = join(dir, 'a.opus');
    await writeFile(path, oggOpusFile(packets));
    return await new Promise((resolve, reject) => {
      execFile(ffmpegPath(), ['-v', 'error', '-i', path, '-f', 's16le', '-ac', '1', '-ar', '16000', 'pipe:1'], { encoding: 'buffer', maxBuffer: 1 << 24 }, (error, stdout) =>
        error ? reject(error) : resolve(stdout),
      );
    });
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

describe('AudioHub: per-microphone and mixed audio for media streams (real worker, real FFmpeg)', () => {
  let sfu: Sfu;
  let room: Room;
  let hub: AudioHub;
  let low: SyntheticPublisher;
  let high: SyntheticPublisher;
  const errors: unknown[] = [];

  beforeAll(async () => {
    sfu = await Sfu.create({
      workers: { size: 1, rtcMinPort: 43000, rtcMaxPort: 43199 },
      webRtc: { listenIps: [{ ip: '127.0.0.1' }], initialAvailableOutgoingBitrate: 1_000_000, mediaTimeoutMs: 60_000 },
      maxRooms: 2,
    });
    room = await sfu.createRoom('audio-hub');
    low = await SyntheticPublisher.start(room, { identity: 'low', name: 'Low', video: false, audio: { frequency: 440 } });
    high = await SyntheticPublisher.start(room, { identity: 'high', name: 'High', video: false, audio: { frequency: 1000 } });
    hub = new AudioHub({ room, ports: new PortAllocator(43200, 43399), restart: { initialDelayMs: 200, maxDelayMs: 1000, healthyAfterMs: 30_000 }, onError: (e) => errors.push(e) });
  });

  afterEach(async () => {
    // Whatever a test subscribed, nothing decodes once it has unsubscribed.
    await expect.poll(() => decoderChildren(), { timeout: 5000 }).toEqual([]);
    expect(hub.decoderPids()).toEqual([]);
  });

  afterAll(async () => {
    await hub?.close();
    await low?.stop();
    await high?.stop();
    sfu?.close();
    expect(ffmpegChildren()).toEqual([]);
  });

  it('delivers 20 ms PCM frames per participant, each its own tone, and stops the decoders with the last listener', async () => {
    const both = (frames: AudioFrame[]) => countOf(frames, low.participant.id) >= 75 && countOf(frames, high.participant.id) >= 75;
    let pids: number[] = [];
    const frames = await collect((l) => {
      const unsubscribe = hub.subscribe(PCM16, l);
      // A second listener of the same format shares the decoders.
      const second = hub.subscribe(PCM16, () => (pids = hub.decoderPids()));
      return () => {
        second();
        unsubscribe();
      };
    }, both);
    expect(both(frames)).toBe(true);
    expect(new Set(frames.map((f) => f.participantId))).toEqual(new Set([low.participant.id, high.participant.id]));
    expect(frames.every((f) => f.data.length === 640)).toBe(true);
    expect(pids).toHaveLength(2);
    expect(zeroCrossingHz(tail(frames, low.participant.id, 50), 16000)).toBeCloseTo(440, -1);
    expect(zeroCrossingHz(tail(frames, high.participant.id, 50), 16000)).toBeCloseTo(1000, -1);
    // A steady tone is speech for the energy detector; timestamps are wall-clock and ordered.
    expect(frames.slice(-20).every((f) => f.speech)).toBe(true);
    expect(frames.every((f, i) => i === 0 || f.timestamp >= frames[i - 1]!.timestamp)).toBe(true);
    await expect.poll(() => pids.some(isAlive), { timeout: 5000 }).toBe(false);
  });

  it('delivers 48 kHz PCM to one format while another format has its own decoders', async () => {
    const frames16: AudioFrame[] = [];
    const off16 = hub.subscribe(PCM16, (f) => frames16.push(f));
    try {
      const frames = await collect((l) => hub.subscribe(PCM48, l), (f) => countOf(f, high.participant.id) >= 50);
      expect(frames.every((f) => f.data.length === 1920)).toBe(true);
      expect(zeroCrossingHz(tail(frames, high.participant.id, 25), 48000)).toBeCloseTo(1000, -1);
      // 16 kHz frames kept flowing beside them.
      expect(frames16.length).toBeGreaterThan(50);
    } finally {
      off16();
    }
  });

  it('passes the publishers\' 20 ms Opus packets on, labelled, and they decode to each tone', async () => {
    const frames = await collect((l) => hub.subscribe(OPUS, l), (f) => countOf(f, low.participant.id) >= 75 && countOf(f, high.participant.id) >= 75);
    expect(frames.every((f) => opusPacketDurationMs(f.data) === 20)).toBe(true);
    for (const [publisher, hz] of [[low, 440], [high, 1000]] as const) {
      const packets = frames.filter((f) => f.participantId === publisher.participant.id).map((f) => f.data);
      const pcm = await decodeOpus(packets);
      expect(pcm.length).toBeGreaterThan(16000);
      expect(zeroCrossingHz(pcm.subarray(-16000), 16000)).toBeCloseTo(hz, -1);
    }
    // Speech is judged from the decoded audio beside the packets.
    expect(frames.slice(-20).every((f) => f.speech)).toBe(true);
  });

  it('mixes both tones into one frame every 20 ms, PCM and Opus', async () => {
    const pcm = await collect((l) => hub.subscribeMix(PCM48, l), (f) => f.length >= 100);
    expect(pcm.every((f) => f.participantId === null && f.data.length === 1920)).toBe(true);
    // One frame per 20 ms of wall clock, on average over the run (the mix has its own clock).
    expect((pcm.at(-1)!.timestamp - pcm[0]!.timestamp) / (pcm.length - 1)).toBeGreaterThan(18);
    expect((pcm.at(-1)!.timestamp - pcm[0]!.timestamp) / (pcm.length - 1)).toBeLessThan(22);
    const mixed = tail(pcm, null, 25);
    const control = toneLevel(mixed, 48000, 700);
    expect(toneLevel(mixed, 48000, 440)).toBeGreaterThan(10 * control);
    expect(toneLevel(mixed, 48000, 1000)).toBeGreaterThan(10 * control);

    const opus = await collect((l) => hub.subscribeMix(OPUS, l), (f) => f.length >= 100);
    expect(opus.every((f) => f.participantId === null && opusPacketDurationMs(f.data) === 20)).toBe(true);
    const decoded = (await decodeOpus(opus.map((f) => f.data))).subarray(-16000);
    expect(toneLevel(decoded, 16000, 440)).toBeGreaterThan(10 * toneLevel(decoded, 16000, 700));
    expect(toneLevel(decoded, 16000, 1000)).toBeGreaterThan(10 * toneLevel(decoded, 16000, 700));
    // The mix's encoder went with its last listener.
    await expect.poll(() => ffmpegChildren().filter((c) => c.argv.includes('libopus') && c.argv.includes('pipe:0')), { timeout: 5000 }).toEqual([]);
  });

  it('restarts a decoder that dies, with backoff, and the frames come back', async () => {
    const frames: AudioFrame[] = [];
    const unsubscribe = hub.subscribe(PCM16, (f) => frames.push(f));
    try {
      await expect.poll(() => hub.decoderPids().length, { timeout: 8000 }).toBe(2);
      const [victim] = hub.decoderPids();
      process.kill(victim!, 'SIGKILL');
      await expect.poll(() => hub.decoderPids().length === 2 && !hub.decoderPids().includes(victim!), { timeout: 8000 }).toBe(true);
      const before = frames.length;
      await expect.poll(() => frames.length - before, { timeout: 5000 }).toBeGreaterThan(100);
      expect(errors.length).toBeGreaterThan(0);
    } finally {
      unsubscribe();
    }
  });

  it('stops a producer\'s decoder when it leaves, and picks up a new producer', async () => {
    const frames: AudioFrame[] = [];
    const unsubscribe = hub.subscribe(PCM16, (f) => frames.push(f));
    try {
      await expect.poll(() => decoderChildren().length, { timeout: 8000 }).toBe(2);
      await high.stop();
      await expect.poll(() => decoderChildren().length, { timeout: 5000 }).toBe(1);
      high = await SyntheticPublisher.start(room, { identity: 'high', name: 'High', video: false, audio: { frequency: 1000 } });
      await expect.poll(() => countOf(frames, high.participant.id), { timeout: 8000 }).toBeGreaterThan(10);
      expect(decoderChildren()).toHaveLength(2);
    } finally {
      unsubscribe();
    }
  });
});
