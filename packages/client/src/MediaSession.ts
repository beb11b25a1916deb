import { Device, type types } from 'mediasoup-client';
import { type DtlsParametersData, type RtpParametersData, TrackSourceSchema, type TransportOptions } from '@roomcast/protocol';
import { RoomcastError } from './errors.js';
import type { SignalClient } from './SignalClient.js';

export interface MediaSessionOptions {
  /** Ask for a send transport (false for viewers, who would get `forbidden`). */
  publish: boolean;
  /** Makes the mediasoup-client Device; the browser's own handler by default. */
  createDevice?: () => Device;
}

/**
 * The WebRTC side of one signaling connection: a loaded Device, a receive transport and, when
 * allowed, a send transport, each wired to the signaling requests mediasoup-client needs.
 * A reconnect builds a new session and closes the old one (the server has dropped its transports).
 */
export class MediaSession {
  #closed = false;

  private constructor(
    readonly device: Device,
    readonly recvTransport: types.Transport,
    readonly sendTransport: types.Transport | undefined,
  ) {}

  static async open(signal: SignalClient, options: MediaSessionOptions): Promise<MediaSession> {
    const { rtpCapabilities } = await signal.request('getRouterRtpCapabilities', {});
    const device = options.createDevice?.() ?? new Device();
    await device.load({ routerRtpCapabilities: rtpCapabilities as types.RtpCapabilities });
    const recv = device.createRecvTransport(asTransportOptions(await signal.request('createTransport', { direction: 'recv' })));
    wireTransport(signal, recv);
    let send: types.Transport | undefined;
    try {
      send = options.publish ? await createSendTransport(signal, device) : undefined;
    } catch (error) {
      recv.close();
      throw error;
    }
    return new MediaSession(device, recv, send);
  }

  get closed(): boolean {
    return this.#closed;
  }

  /** Closes both transports, and with them every local producer and consumer. Safe twice. */
  close(): void {
    if (this.#closed) return;
    this.#closed = true;
    this.sendTransport?.close();
    this.recvTransport.close();
  }
}

async function createSendTransport(signal: SignalClient, device: Device): Promise<types.Transport | undefined> {
  let options: TransportOptions;
  try {
    options = await signal.request('createTransport', { direction: 'send' });
  } catch (error) {
    // The token's claims said we may publish but the server disagrees: join as a viewer.
    if (error instanceof RoomcastError && error.code === 'forbidden') return undefined;
    throw error;
  }
  const transport = device.createSendTransport(asTransportOptions(options));
  wireTransport(signal, transport);
  transport.on('produce', ({ kind, rtpParameters, appData }, callback, errback) => {
    const source = TrackSourceSchema.parse(appData.source);
    const paused = appData.paused === true;
    signal
      .request('produce', { transportId: transport.id, kind, rtpParameters: rtpParameters as RtpParametersData, source, paused })
      .then(({ producerId }) => callback({ id: producerId }))
      .catch((error: Error) => errback(error));
  });
  return transport;
}

/** DTLS connect through signaling, and an ICE restart when the path breaks while signaling lives. */
function wireTransport(signal: SignalClient, transport: types.Transport): void {
  transport.on('connect', ({ dtlsParameters }, callback, errback) => {
    signal
      .request('connectTransport', { transportId: transport.id, dtlsParameters: dtlsParameters as DtlsParametersData })
      .then(() => callback())
      .catch((error: Error) => errback(error));
  });
  transport.on('connectionstatechange', (state) => {
    if (state !== 'failed' || transport.closed || !signal.connected) return;
    signal
      .request('restartIce', { transportId: transport.id })
      .then(({ iceParameters }) => transport.restartIce({ iceParameters: iceParameters as unknown as types.IceParameters }))
      .catch((error: unknown) => console.warn('[roomcast] ICE restart failed', error));
  });
}

/** The server's transport options are opaque JSON in the protocol; mediasoup-client checks them. */
function asTransportOptions(options: TransportOptions): types.TransportOptions {
  return options as unknown as types.TransportOptions;
}

/** One live connection: its signaling socket and its media session, replaced together on reconnect. */
export interface Connection {
  readonly signal: SignalClient;
  readonly session: MediaSession;
}
