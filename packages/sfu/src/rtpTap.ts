import { randomBytes } from 'node:crypto';
import type { types as ms } from 'mediasoup';
import type { RtpTap, RtpTarget, TapSrtpParameters } from './RoomView.js';

const SRTP_SUITE: ms.SrtpCryptoSuite = 'AES_CM_128_HMAC_SHA1_80';

/**
 * A PlainTransport connected explicitly to the receiver (no comedia: the egress never sends first)
 * and a consumer of one producer on it, paused until the receiver is listening.
 */
export async function openRtpTap(router: ms.Router, producerId: string, target: RtpTarget, listenIp = '127.0.0.1'): Promise<RtpTap> {
  const srtp = target.srtp === true ? { enableSrtp: true, srtpCryptoSuite: SRTP_SUITE } as const : {};
  const transport = await router.createPlainTransport({ listenIp, rtcpMux: false, comedia: false, ...srtp });
  try {
    const consumer = await transport.consume({ producerId, rtpCapabilities: router.rtpCapabilities, paused: true });
    // With SRTP mediasoup wants the peer's key too (for what it would send us: only RTCP reports).
    const peerKey = target.srtp === true ? { srtpParameters: { cryptoSuite: SRTP_SUITE, keyBase64: randomBytes(30).toString('base64') } } : {};
    await transport.connect({ ip: target.ip, port: target.port, rtcpPort: target.rtcpPort, ...peerKey });
    return new ConsumerTap(transport, consumer);
  } catch (error) {
    transport.close();
    throw error;
  }
}

class ConsumerTap implements RtpTap {
  constructor(
    readonly transport: ms.PlainTransport,
    readonly consumer: ms.Consumer,
  ) {}

  get kind(): ms.MediaKind {
    return this.consumer.kind;
  }

  get rtpParameters(): ms.RtpParameters {
    return this.consumer.rtpParameters;
  }

  get closed(): boolean {
    return this.consumer.closed;
  }

  get srtpParameters(): TapSrtpParameters | undefined {
    return this.transport.srtpParameters;
  }

  resume(): Promise<void> {
    return this.consumer.resume();
  }

  requestKeyFrame(): Promise<void> {
    return this.consumer.requestKeyFrame();
  }

  async preferSpatialLayer(spatialLayer: number): Promise<void> {
    if (this.consumer.type !== 'simulcast') return;
    await this.consumer.setPreferredLayers({ spatialLayer });
  }

  onClose(listener: () => void): void {
    if (this.consumer.closed) listener();
    else this.consumer.observer.once('close', listener);
  }

  close(): void {
    this.transport.close();
  }
}
