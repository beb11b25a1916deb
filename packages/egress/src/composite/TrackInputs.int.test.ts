import { normalizeLayout } from '@roomcast/protocol';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { type ms, type Participant, Sfu, type Room } from '@roomcast/sfu';
import type { TrackSource } from '@roomcast/protocol';
import { PortAllocator } from '../rtp/PortAllocator.js';
import { SyntheticPublisher } from '../synthetic/SyntheticPublisher.js';
import { decoderChildren } from '../testing/childProcesses.js';
import { type CompositeSink, Compositor, type CompositorOptions } from './Compositor.js';
import { qualityPreset } from './presets.js';

class NullSink implements CompositeSink {
  writeVideo(_frame: Buffer, written: () => void): void {
    written();
  }
  writeAudio(): void {}
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const SILENT_TRACKS: Array<{ kind: ms.MediaKind; source: TrackSource }> = [
  { kind: 'video', source: 'camera' },
  { kind: 'audio', source: 'microphone' },
  { kind: 'video', source: 'screen' },
  { kind: 'audio', source: 'screen-audio' },
];

/** A participant with every track a client may publish, on transports nothing ever sends to. */
async function silentParticipant(room: Room, identity: string, ssrcBase: number): Promise<Participant> {
  const participant = room.addParticipant({ identity, name: identity, role: 'participant', notify: () => {} });
  room.join(participant, room.router.rtpCapabilities);
  for (const [i, { kind, source }] of SILENT_TRACKS.entries()) {
    const transport = await room.router.createPlainTransport({ listenIp: { ip: '127.0.0.1' }, comedia: true, appData: { direction: 'send', participantId: participant.id } });
    room.adoptTransport(participant, transport);
    const codec = kind === 'video' ? { mimeType: 'video/VP8', payloadType: 101, clockRate: 90000 } : { mimeType: 'audio/opus', payloadType: 100, clockRate: 48000, channels: 2 };
    await room.produce(participant, { transportId: transport.id, kind, source, rtpParameters: { codecs: [codec], encodings: [{ ssrc: ssrcBase + i }] } });
  }
  return participant;
}

describe('TrackInputs: decoders only for producers with RTP, within the caps (real worker, real FFmpeg)', () => {
  let sfu: Sfu;
  let room: Room;
  let compositor: Compositor | undefined;
  const publishers: SyntheticPublisher[] = [];
  const start = (options: Partial<CompositorOptions> = {}) => {
    compositor = new Compositor(
      { room, layout: normalizeLayout('grid'), preset: qualityPreset('360p'), ports: new PortAllocator(48200, 48399), background: '#101828', placeholderColor: '#344054', ...options },
      new NullSink(),
    );
    compositor.start();
    return compositor;
  };

  beforeAll(async () => {
    sfu = await Sfu.create({
      workers: { size: 1, rtcMinPort: 48000, rtcMaxPort: 48199 },
      webRtc: { listenIps: [{ ip: '127.0.0.1' }], initialAvailableOutgoingBitrate: 1_000_000, mediaTimeoutMs: 60_000 },
      maxRooms: 2,
    });
    room = await sfu.createRoom('inputs');
  });

  afterEach(async () => {
    await compositor?.stop();
    compositor = undefined;
  });

  afterAll(async () => {
    for (const p of publishers) await p.stop();
    sfu.close();
  });

  it('starts no decoder for producers that send nothing, and one per track of a participant who sends', async () => {
    const silent = [];
    for (let i = 0; i < 4; i++) silent.push(await silentParticipant(room, `mallory-${i}`, 1000 + i * 10));
    const c = start();
    await expect.poll(() => c.tiles().length).toBe(8);
    // Several RTP checks later, 16 producers without media still cost no FFmpeg process.
    await sleep(3500);
    expect(decoderChildren()).toEqual([]);
    expect(c.decoderStats().decoders).toBe(0);

    publishers.push(await SyntheticPublisher.start(room, { identity: 'alice', name: 'Alice' }));
    await expect.poll(() => decoderChildren().length, { timeout: 8000 }).toBe(2);
    await sleep(1500);
    expect(decoderChildren()).toHaveLength(2);
    for (const participant of silent) room.removeParticipant(participant);
  });

  it('shows at most maxTiles tiles and runs at most maxDecoders decoders', async () => {
    publishers.push(await SyntheticPublisher.start(room, { identity: 'bob', name: 'Bob' }));
    publishers.push(await SyntheticPublisher.start(room, { identity: 'cat', name: 'Cat' }));
    const c = start({ maxTiles: 2, maxDecoders: 3 });
    await expect.poll(() => c.tiles().length).toBe(2);
    await expect.poll(() => decoderChildren().length, { timeout: 8000 }).toBe(3);
    await sleep(2500);
    expect(decoderChildren()).toHaveLength(3);
    expect(c.decoderStats().decoders).toBe(3);
  });

  it('restarts a decoder that dies, once its producer still sends', async () => {
    const c = start({ maxTiles: 1, maxDecoders: 1 });
    await expect.poll(() => decoderChildren().length, { timeout: 8000 }).toBe(1);
    const [decoder] = decoderChildren();
    process.kill(decoder!.pid, 'SIGKILL');
    await expect.poll(() => decoderChildren().filter((d) => d.pid !== decoder!.pid).length, { timeout: 8000 }).toBe(1);
    expect(decoderChildren()).toHaveLength(1);
    expect(c.decoderStats().restarts).toBe(1);
  });

  it('replaces the video decoder when the layout\'s labels change (drawn by the decoder), keeping the tile', async () => {
    const c = start({ maxTiles: 1, maxDecoders: 2 });
    const videoDecoders = () => decoderChildren().filter(({ argv }) => argv.includes('-vf'));
    const vf = (argv: string[]) => argv[argv.indexOf('-vf') + 1]!;
    await expect.poll(() => videoDecoders().length, { timeout: 8000 }).toBe(1);
    const [first] = videoDecoders();
    expect(vf(first!.argv)).toContain('drawtext');
    c.setLayout(normalizeLayout({ name: 'grid', options: { labels: false } }));
    await expect.poll(() => videoDecoders().map((d) => d.pid), { timeout: 8000 }).not.toContain(first!.pid);
    await expect.poll(() => videoDecoders().length, { timeout: 8000 }).toBe(1);
    expect(vf(videoDecoders()[0]!.argv)).not.toContain('drawtext');
    c.setLayout(normalizeLayout({ name: 'grid', options: { labels: { color: '#ffcc00' } } }));
    await expect.poll(() => videoDecoders().some((d) => vf(d.argv).includes('fontcolor=0xffcc00')), { timeout: 8000 }).toBe(true);
  });

  it('leaves no decoder behind', async () => {
    await compositor?.stop();
    expect(decoderChildren()).toEqual([]);
  });
});
