import type { types as ms } from 'mediasoup';
import type { Participant } from '../Participant.js';
import type { Room } from '../Room.js';

export interface PlainSubscriber {
  participant: Participant;
  /** Its receive transport, on the router the room picked for it; sends from `tuple.localPort`. */
  transport: ms.PlainTransport;
  router: ms.Router;
}

/**
 * A subscriber without a browser: a viewer whose receive transport is a PlainTransport sending
 * to `sinkPort` on loopback, placed like a WebRTC one (RoomRouters.forRecv), and whose consumers
 * are resumed as they are announced (a client would resume them).
 */
export async function addPlainSubscriber(room: Room, identity: string, sinkPort: number): Promise<PlainSubscriber> {
  const resume = (consumerId: string): void => {
    participant.consumers.get(consumerId)?.resume().catch(() => undefined);
  };
  const participant: Participant = room.addParticipant({
    identity,
    name: identity,
    role: 'viewer',
    notify: (method, data) => {
      if (method === 'newConsumer') resume((data as { id: string }).id);
    },
  });
  try {
    const router = await room.routers.forRecv();
    const transport = await router.createPlainTransport({
      listenIp: { ip: '127.0.0.1' },
      rtcpMux: true,
      comedia: false,
      appData: { direction: 'recv', participantId: participant.id },
    });
    if (participant.closed) {
      transport.close();
      throw new Error(`${identity} left while its transport was made`);
    }
    room.adoptTransport(participant, transport);
    await transport.connect({ ip: '127.0.0.1', port: sinkPort });
    room.join(participant, router.rtpCapabilities);
    return { participant, transport, router };
  } catch (error) {
    room.removeParticipant(participant);
    throw error;
  }
}

/** Resolves once `ready()` holds, checking every 20 ms; rejects after `timeoutMs`. */
export async function until(ready: () => boolean, timeoutMs: number, what: string): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!ready()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}
