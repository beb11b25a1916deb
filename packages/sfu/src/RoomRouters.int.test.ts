import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { types as ms } from 'mediasoup';
import type { Room } from './Room.js';
import { Sfu } from './Sfu.js';
import { addPlainSubscriber, type PlainSubscriber, until } from './testing/plainSubscriber.js';
import { UdpSink, VP8_300KBPS, type Vp8StreamSpec, Vp8RtpSender, vp8RtpParameters } from './testing/rtpLoad.js';

/** A room spread over two workers: three consumers per router, then new subscribers go to the other worker. */
const THRESHOLD = 3;

describe('a large room spreads over workers (real mediasoup workers, pipeToRouter)', () => {
  let sfu: Sfu;
  let sink: UdpSink;
  const senders: Vp8RtpSender[] = [];

  beforeAll(async () => {
    sfu = await Sfu.create({
      workers: { size: 2, rtcMinPort: 44000, rtcMaxPort: 44199 },
      webRtc: { listenIps: [{ ip: '127.0.0.1' }], initialAvailableOutgoingBitrate: 1_000_000, mediaTimeoutMs: 5000 },
      maxRooms: 5,
      consumersPerWorker: THRESHOLD,
    });
    sink = await UdpSink.open();
  });
  afterEach(() => {
    for (const sender of senders.splice(0)) sender.close();
    // A failed test leaves nothing behind for the leak checks of the next.
    for (const room of [...sfu.rooms.values()]) room.close('deleted');
  });
  afterAll(() => {
    sink.close();
    sfu.close();
  });

  /** A server-side publisher: a comedia PlainTransport on the main router fed by a Node RTP sender. */
  async function publish(room: Room, identity: string, spec: Vp8StreamSpec = VP8_300KBPS) {
    const participant = room.addParticipant({ identity, name: identity, role: 'participant', notify: () => {} });
    room.join(participant, room.router.rtpCapabilities);
    const transport = await room.router.createPlainTransport({ listenIp: '127.0.0.1', comedia: true, rtcpMux: true, appData: { direction: 'send' } });
    room.adoptTransport(participant, transport);
    const producer = await room.produce(participant, { transportId: transport.id, kind: 'video', rtpParameters: vp8RtpParameters(spec), source: 'camera' });
    const sender = new Vp8RtpSender(spec, transport.tuple.localPort);
    senders.push(sender);
    sender.start();
    return { participant, producer };
  }

  /** Subscribers one at a time, each once its consumers exist, so the room counts them before the next. */
  async function subscribers(room: Room, count: number, tracks: number): Promise<PlainSubscriber[]> {
    const made: PlainSubscriber[] = [];
    for (let i = 0; i < count; i++) {
      const sub = await addPlainSubscriber(room, `sub-${room.name}-${i}`, sink.port);
      await until(() => sub.participant.consumers.size === tracks, 5000, `${sub.participant.identity}'s consumers`);
      made.push(sub);
    }
    return made;
  }

  const workerPid = (router: ms.Router): number | undefined => sfu.pool.workerOf(router)?.pid;
  const dumpOf = async (router: ms.Router) => {
    const dump = (await router.dump()) as { transportIds: string[]; mapProducerIdConsumerIds: Record<string, string[]> };
    return { transportIds: dump.transportIds, producerIds: Object.keys(dump.mapProducerIdConsumerIds) };
  };
  const receivedFrom = (sub: PlainSubscriber): number => sink.received(sub.transport.tuple.localPort, 0, 1e6);

  it('keeps a room under the threshold on its one router', async () => {
    const room = await sfu.createRoom('small');
    await publish(room, 'pub');
    const subs = await subscribers(room, THRESHOLD - 1, 1);
    expect(room.routers.routers).toEqual([room.router]);
    expect(subs.every((s) => s.router === room.router)).toBe(true);
    room.close('deleted');
  });

  it('puts subscribers past the threshold on another worker, which receives the first worker\'s RTP', async () => {
    const room = await sfu.createRoom('large');
    await publish(room, 'pub');
    const subs = await subscribers(room, THRESHOLD + 2, 1);

    expect(room.routers.routers).toHaveLength(2);
    const [main, spread] = room.routers.routers as [ms.Router, ms.Router];
    expect(workerPid(spread)).not.toBe(workerPid(main));
    expect(subs.map((s) => s.router === main)).toEqual([true, true, true, false, false]);
    const spreadDump = await dumpOf(spread);
    expect(spreadDump.transportIds).toEqual(expect.arrayContaining(subs.slice(THRESHOLD).map((s) => s.transport.id)));
    // Every subscriber on either worker gets the stream (a keyframe a second, 60 packets a second).
    await expect.poll(() => subs.map((s) => receivedFrom(s) > 30), { timeout: 8000 }).toEqual(subs.map(() => true));
    room.close('deleted');
  });

  it('pipes a track published later, and a track closing reaches subscribers on both routers', async () => {
    const room = await sfu.createRoom('later');
    await publish(room, 'first');
    const subs = await subscribers(room, THRESHOLD + 1, 1);
    const spread = room.routers.routers[1]!;
    expect(subs.at(-1)!.router).toBe(spread);

    const { participant: second, producer } = await publish(room, 'second', { ...VP8_300KBPS, ssrc: 2222 });
    await expect.poll(() => subs.map((s) => s.participant.consumers.size), { timeout: 5000 }).toEqual(subs.map(() => 2));
    expect((await dumpOf(spread)).producerIds).toContain(producer.id);

    const before = subs.map((s) => [...s.participant.consumers.values()].find((c) => c.producerId === producer.id)!);
    room.closeProducer(second, producer.id);
    await expect.poll(() => before.map((c) => c.closed), { timeout: 5000 }).toEqual(subs.map(() => true));
    await expect.poll(() => subs.map((s) => s.participant.consumers.size)).toEqual(subs.map(() => 1));
    await expect.poll(async () => (await dumpOf(spread)).producerIds).not.toContain(producer.id);
    room.close('deleted');
  });

  it('makes no transport for a subscriber who left while its router was being made', async () => {
    const room = await sfu.createRoom('left');
    const { producer } = await publish(room, 'pub');
    await subscribers(room, THRESHOLD, 1);
    const viewer = room.addParticipant({ identity: 'late', name: 'Late', role: 'viewer', notify: () => {} });
    const creating = room.createTransport(viewer, 'recv');
    room.removeParticipant(viewer);
    await expect(creating).rejects.toMatchObject({ code: 'not_joined' });
    const spread = room.routers.routers[1]!;
    const dump = () => dumpOf(spread);
    await expect.poll(async () => (await dump()).producerIds).toEqual([producer.id]);
    // The pipe transport alone: no receive transport was made for the subscriber who left.
    expect((await dump()).transportIds).toHaveLength(1);
    expect(viewer.transports.size).toBe(0);
    room.close('deleted');
  });

  it('closes its routers and pipes with the room: no router is left on any worker', async () => {
    const room = await sfu.createRoom('leak');
    await publish(room, 'pub');
    await subscribers(room, THRESHOLD + 1, 1);
    const routers = room.routers.routers;
    expect(routers).toHaveLength(2);
    room.close('deleted');
    expect(routers.map((r) => r.closed)).toEqual([true, true]);
    for (const worker of sfu.pool.workers) {
      await expect.poll(async () => ((await worker.dump()) as { routerIds: string[] }).routerIds).toEqual([]);
    }
  });

  it('closes a router being made for a room that closed meanwhile, and places nobody on it', async () => {
    const room = await sfu.createRoom('closing');
    await publish(room, 'pub');
    await subscribers(room, THRESHOLD, 1);
    const placing = room.routers.forRecv();
    room.close('deleted');
    // The room's main router is what the late caller gets; it is closed, so nothing can be made on it.
    expect((await placing).closed).toBe(true);
    expect(room.routers.routers).toHaveLength(1);
    for (const worker of sfu.pool.workers) {
      await expect.poll(async () => ((await worker.dump()) as { routerIds: string[] }).routerIds).toEqual([]);
    }
  });
});
