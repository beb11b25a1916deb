import { emptyEgressState, type ErrorCode, type ParticipantInfo } from '@roomcast/protocol';
import { Device, FakeHandler, testFakeParameters } from 'mediasoup-client';
import { FakeWebSocket, type SentRequest } from './FakeWebSocket.js';

/** A Device on mediasoup-client's own FakeHandler (no RTCPeerConnection in Node). */
export function createFakeDevice(): Device {
  return new Device({ handlerFactory: FakeHandler.createFactory(testFakeParameters) });
}

export function participantInfo(id: string, identity = id): ParticipantInfo {
  return { id, identity, name: identity, role: 'participant', joined_at: new Date(0).toISOString(), producers: [] };
}

/**
 * A scripted signaling server behind FakeWebSockets: answers the join flow with mediasoup-client's
 * fake parameters, and lets a test refuse connections, fail requests or push notifications.
 */
export class FakeSignalServer {
  readonly sockets: FakeWebSocket[] = [];
  /** New sockets close before opening (server down, token refused at the handshake). */
  refuse = false;
  /** An error code to answer a request with, or undefined to answer normally. */
  fail: ((request: SentRequest) => ErrorCode | undefined) | undefined;
  /** Runs just before the join reply: the real server may notify before it answers. */
  beforeJoinReply: ((socket: FakeWebSocket) => void) | undefined;
  /** A scripted reply's data for a request, or undefined for the default one. */
  answer: ((request: SentRequest) => unknown) | undefined;
  #joins = 0;

  readonly createWebSocket = (url: string): FakeWebSocket => {
    const socket = new FakeWebSocket(url);
    this.sockets.push(socket);
    socket.onRequest = (request) => queueMicrotask(() => this.#answer(socket, request));
    setTimeout(() => (this.refuse ? socket.drop(1006) : socket.open()), 0);
    return socket;
  };

  get last(): FakeWebSocket {
    const socket = this.sockets.at(-1);
    if (!socket) throw new Error('no socket yet');
    return socket;
  }

  methods(socket: FakeWebSocket = this.last): string[] {
    return socket.sent.map((r) => (r.method === 'createTransport' ? `createTransport:${(r.data as { direction: string }).direction}` : r.method));
  }

  #answer(socket: FakeWebSocket, request: SentRequest): void {
    if (socket.readyState !== 1) return;
    const code = this.fail?.(request);
    if (code) {
      socket.receive({ id: request.id, ok: false, error: { code, message: `scripted ${code}` } });
      return;
    }
    socket.reply(request.id, this.answer?.(request) ?? this.#result(socket, request.method));
  }

  #result(socket: FakeWebSocket, method: string): unknown {
    switch (method) {
      case 'getRouterRtpCapabilities':
        return { rtpCapabilities: testFakeParameters.generateRouterRtpCapabilities() };
      case 'createTransport':
        return testFakeParameters.generateTransportRemoteParameters();
      case 'join':
        this.beforeJoinReply?.(socket);
        return {
          participant: participantInfo(`self-${++this.#joins}`, 'self'),
          participants: [participantInfo('other')],
          routerRtpCapabilities: {},
          activeSpeaker: null,
          egress: emptyEgressState(),
        };
      default:
        return {};
    }
  }
}
