import { readdir } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it, onTestFinished } from 'vitest';
import type { LiveStreamActor } from '@roomcast/protocol';
import type { Room, RoomViewEvents, Sfu } from '@roomcast/sfu';
import type { EgressService } from '../EgressService.js';
import { SyntheticPublisher } from '../synthetic/SyntheticPublisher.js';
import { ffmpegChildren } from '../testing/childProcesses.js';
import { startTestEgress, type TestEgress, type TestFeed } from '../testing/testEgress.js';
import { joinRendition, probeVideo } from '../testing/probeVideo.js';

const API: LiveStreamActor = { type: 'api', identity: null };

/** The PlainTransports on the room's main router: a tap is one, each synthetic track another. */
async function plainTransports(room: Room): Promise<number> {
  const dump = await room.router.dump();
  return dump.transportIds.length;
}

describe('the egress reads rooms through the room feed (issue 13: narrow interface, real worker and FFmpeg)', () => {
  let sfu: Sfu;
  let egress: EgressService;
  let feed: TestFeed;
  let test: TestEgress | undefined;

  beforeAll(async () => {
    test = await startTestEgress({ portBase: 45600, viaFeed: true });
    ({ sfu, egress } = test);
    feed = test.feed!;
  });

  afterAll(async () => {
    await test?.close();
  });

  it('mirrors a room: participants, tracks, pauses, settings, the active speaker and the close, with the Room’s events', async () => {
    const room = await sfu.createRoom('mirrored');
    await expect.poll(() => feed.directory.rooms.has('mirrored')).toBe(true);
    const mirror = feed.directory.room('mirrored');
    const seen: Array<keyof RoomViewEvents> = [];
    for (const event of ['participantJoined', 'participantLeft', 'producerPaused', 'closed'] as const) mirror.on(event, () => seen.push(event));

    const publisher = await SyntheticPublisher.start(room, { identity: 'alice', name: 'Alice' });
    onTestFinished(() => publisher.stop());
    await expect.poll(() => [...mirror.participants.values()].map((p) => [p.identity, [...p.producers.values()].map((t) => t.producer.kind).sort()])).toEqual([
      ['alice', ['audio', 'video']],
    ]);
    const video = publisher.videoProducer!;
    await room.setProducerPaused(publisher.participant, video.id, true);
    await expect.poll(() => mirror.participants.get(publisher.participant.id)?.producers.get(video.id)?.producer.paused).toBe(true);
    room.settings = { broadcasting: { enabled: false } };
    await expect.poll(() => mirror.settings).toEqual({ broadcasting: { enabled: false } });
    // What the SFU alone can answer comes back over the feed.
    await expect.poll(() => mirror.producerBytesReceived(publisher.audioProducer!.id)).toBeGreaterThan(0);

    await publisher.stop();
    await expect.poll(() => mirror.participants.size).toBe(0);
    const closed: string[] = [];
    feed.directory.on('roomClosed', (r) => closed.push(r.name));
    const watched = feed.source.watchedRooms;
    room.close('deleted');
    await expect.poll(() => closed).toEqual(['mirrored']);
    // The SFU side lets go of a closed room (a long-running server sees many).
    expect(feed.source.watchedRooms).toBe(watched - 1);
    expect(mirror.closed).toBe(true);
    expect(seen).toEqual(['participantJoined', 'producerPaused', 'participantLeft', 'closed']);
    expect(() => feed.directory.room('mirrored')).toThrow(expect.objectContaining({ code: 'room_not_found' }));
  });

  it('composites a room from another side of the feed: its HLS shows the picture, the SFU carries the egress state, no tap is left', async () => {
    const room = await sfu.createRoom('remote-show');
    const publisher = await SyntheticPublisher.start(room, { identity: 'bob', name: 'Bob' });
    try {
      const before = await plainTransports(room);
      await expect.poll(() => feed.directory.rooms.get('remote-show')?.participants.size).toBe(1);
      const stream = await egress.liveStreams.start('remote-show', { quality: '360p', recording: { hls_vod: true } }, API);
      await expect.poll(() => egress.liveStreams.get(stream.id).status, { timeout: 15_000 }).toBe('running');
      // The egress state went back to the SFU's room (what its participants and info() see).
      await expect.poll(() => room.egress.live_streams.map((s) => s.status)).toEqual(['running']);
      // The taps (video and audio) are PlainTransports on the SFU's router, opened over the feed.
      await expect.poll(() => plainTransports(room), { timeout: 10_000 }).toBe(before + 2);

      const dir = join(test!.hlsDir, 'recordings', stream.id, '360p');
      await expect.poll(async () => (await readdir(dir).catch(() => [])).filter((f) => f.startsWith('seg')).length, { timeout: 15_000 }).toBeGreaterThan(1);
      await egress.liveStreams.stop(stream.id, API);
      // fMP4 segments need their init segment: ffprobe reads them joined.
      const joined = await joinRendition(dir, join(test!.hlsDir, 'joined.mp4'));
      const probed = await probeVideo(joined);
      expect(probed).toMatchObject({ codec_name: 'h264', width: 640 });
      expect(Number(probed.nb_read_frames)).toBeGreaterThan(10);

      await expect.poll(() => plainTransports(room)).toBe(before);
      await expect.poll(() => room.egress.live_streams).toEqual([]);
      await expect.poll(() => ffmpegChildren().filter((p) => p.pid !== publisher.pid), { timeout: 5000 }).toEqual([]);
    } finally {
      await publisher.stop();
    }
  });

  it('a closed feed connection closes every tap it opened on the SFU', async () => {
    const room = await sfu.createRoom('cut');
    const publisher = await SyntheticPublisher.start(room, { identity: 'carol', name: 'Carol', audio: false });
    try {
      const before = await plainTransports(room);
      const tap = await feed.source.openTap('cut', publisher.videoProducer!.id, { ip: '127.0.0.1', port: 9, rtcpPort: 10 });
      expect(await plainTransports(room)).toBe(before + 1);
      expect(tap.kind).toBe('video');
      // A tap of a producer that does not exist is refused, and opens nothing.
      await expect(feed.source.openTap('cut', 'no-such-producer', { ip: '127.0.0.1', port: 9, rtcpPort: 10 })).rejects.toThrow();
      expect(await plainTransports(room)).toBe(before + 1);
      feed.source.close();
      expect(await plainTransports(room)).toBe(before);
    } finally {
      await publisher.stop();
    }
  });
});
