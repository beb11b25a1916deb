import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadMediasoup } from './mediasoupLoader.js';
import type { Notifier } from './Participant.js';
import { Sfu } from './Sfu.js';
import type { types as ms } from 'mediasoup';

const VP8_PARAMETERS: ms.RtpParameters = {
  codecs: [{ mimeType: 'video/VP8', payloadType: 101, clockRate: 90000 }],
  encodings: [{ ssrc: 1111 }],
};

const OPUS_PARAMETERS: ms.RtpParameters = {
  codecs: [{ mimeType: 'audio/opus', payloadType: 100, clockRate: 48000, channels: 2 }],
  encodings: [{ ssrc: 2222 }],
};

function recorder(): { notify: Notifier; seen: Array<{ method: string; data: unknown }> } {
  const seen: Array<{ method: string; data: unknown }> = [];
  return { seen, notify: (method, data) => void seen.push({ method, data }) };
}

describe('Room (real mediasoup worker)', () => {
  let sfu: Sfu;
  let deviceCaps: ms.RtpCapabilities;

  beforeAll(async () => {
    sfu = await Sfu.create({
      workers: { size: 1, rtcMinPort: 45000, rtcMaxPort: 45199 },
      webRtc: { listenIps: [{ ip: '127.0.0.1' }], initialAvailableOutgoingBitrate: 1_000_000, mediaTimeoutMs: 5000 },
      maxRooms: 5,
    });
    deviceCaps = (await loadMediasoup()).getSupportedRtpCapabilities();
  });
  afterAll(() => sfu.close());

  async function publisher(roomName: string) {
    const room = sfu.rooms.get(roomName) ?? (await sfu.createRoom(roomName));
    const participant = room.addParticipant({ identity: 'pub', name: 'Pub', role: 'participant', notify: () => {} });
    room.join(participant, deviceCaps);
    const transport = await room.router.createPlainTransport({ listenIp: '127.0.0.1', comedia: true, rtcpMux: true, appData: { direction: 'send' } });
    room.adoptTransport(participant, transport);
    const producer = await room.produce(participant, { transportId: transport.id, kind: 'video', rtpParameters: VP8_PARAMETERS, source: 'camera' });
    return { room, participant, transport, producer };
  }

  it('subscribes a joining participant to existing tracks and tells it when they go', async () => {
    const { room, participant: pub } = await publisher('subscribe');
    const sub = recorder();
    const viewer = room.addParticipant({ identity: 'sub', name: 'Sub', role: 'viewer', notify: sub.notify });
    await room.createTransport(viewer, 'recv');
    room.join(viewer, deviceCaps);
    await expect.poll(() => sub.seen.filter((n) => n.method === 'newConsumer').length).toBe(1);
    const [consumer] = viewer.consumers.values();
    expect(consumer?.paused).toBe(true);

    room.removeParticipant(pub);
    // The worker closes consumers of a closed producer and says so asynchronously.
    await expect.poll(() => sub.seen.map((n) => n.method)).toEqual(expect.arrayContaining(['consumerClosed', 'participantLeft']));
    expect(sub.seen.some((n) => n.method === 'participantUpdated')).toBe(false);
    expect(viewer.consumers.size).toBe(0);
    expect(consumer?.closed).toBe(true);
  });

  it('never makes two consumers of one track, however the subscribe requests overlap', async () => {
    const { room, participant: pub, transport } = await publisher('overlap');
    const sub = recorder();
    const viewer = room.addParticipant({ identity: 'sub', name: 'Sub', role: 'viewer', notify: sub.notify });
    await room.createTransport(viewer, 'recv');
    // A second track is published while the joining viewer is being subscribed to the first one:
    // the join's subscription and the new track's subscription both reach the microphone.
    const producing = room.produce(pub, { transportId: transport.id, kind: 'audio', rtpParameters: OPUS_PARAMETERS, source: 'microphone' });
    room.join(viewer, deviceCaps);
    await producing;
    await expect.poll(() => sub.seen.filter((n) => n.method === 'newConsumer').length).toBe(2);
    await new Promise((r) => setTimeout(r, 200));
    const consumed = sub.seen.filter((n) => n.method === 'newConsumer').map((n) => (n.data as { producerId: string }).producerId);
    expect(new Set(consumed).size).toBe(consumed.length);
    expect(viewer.consumers.size).toBe(2);
  });

  it('closes a producer whose participant left while it was being made', async () => {
    const room = await sfu.createRoom('left-mid-produce');
    const pub = room.addParticipant({ identity: 'p', name: 'P', role: 'participant', notify: () => {} });
    room.join(pub, deviceCaps);
    const transport = await room.router.createPlainTransport({ listenIp: '127.0.0.1', comedia: true, rtcpMux: true, appData: { direction: 'send' } });
    room.adoptTransport(pub, transport);
    const producing = room.produce(pub, { transportId: transport.id, kind: 'video', rtpParameters: VP8_PARAMETERS, source: 'camera' });
    room.removeParticipant(pub);
    await expect(producing).rejects.toMatchObject({ code: 'not_joined' });
    const dump = (await room.router.dump()) as { mapProducerIdConsumerIds: object };
    expect(Object.keys(dump.mapProducerIdConsumerIds)).toEqual([]);
  });

  it('refuses to let a viewer publish', async () => {
    const room = await sfu.createRoom('viewers');
    const viewer = room.addParticipant({ identity: 'v', name: 'V', role: 'viewer', notify: () => {} });
    await expect(room.createTransport(viewer, 'send')).rejects.toMatchObject({ code: 'forbidden' });
  });

  it('closes everything a room owns, in cascade, and tells the participants why', async () => {
    const { room, transport, producer } = await publisher('cascade');
    const sub = recorder();
    const viewer = room.addParticipant({ identity: 'sub', name: 'Sub', role: 'participant', notify: sub.notify });
    const recv = await room.createTransport(viewer, 'recv');
    room.join(viewer, deviceCaps);
    room.close('deleted');
    room.close('deleted');
    expect([transport.closed, producer.closed, recv.closed, room.router.closed]).toEqual([true, true, true, true]);
    expect(sub.seen.find((n) => n.method === 'roomClosed')?.data).toMatchObject({ reason: 'deleted' });
    expect(sfu.rooms.has('cascade')).toBe(false);
  });

  it('enforces the room limit and unique names', async () => {
    await sfu.createRoom('limit-a');
    await expect(sfu.createRoom('limit-a')).rejects.toMatchObject({ code: 'conflict' });
    while (sfu.rooms.size < 5) await sfu.createRoom();
    await expect(sfu.createRoom('one-too-many')).rejects.toMatchObject({ code: 'limit_exceeded' });
  });
});
